// Times measured in the browser (page ready, first and last results), read by the browser tests
// and bench/ui_timings.py as window.partnerSearch.timings.

export const timings = { ready_ms: null, first_results_ms: null, last_results_ms: null, last_server_ms: null, searches: 0 };
window.partnerSearch = { timings };
