// The search page (#/): the partner-request form, the ranked and explained results with the
// overview tab, what the server read from the text (removable chips) and how well the list
// fits, refinement (filters, k, variety, examples) that re-ranks the same request, feedback,
// and saving the request as an open partner request. Kept alive while other pages are shown.
import { api, ApiProblem } from "../api.js";
import { CONFIDENCE_TEXT, renderConfidence } from "../components/confidence-note.js";
import { renderLegend } from "../components/contribution-bar.js";
import { icon } from "../components/icons.js";
import { keyNote } from "../components/key-note.js";
import { announce, clearMessage, reveal, showProblem, showSuccess } from "../components/messages.js";
import { renderOverview } from "../components/overview.js";
import { RequestForm } from "../components/request-form.js";
import { renderPage } from "../components/results-list.js";
import { ResultsMap } from "../components/results-map.js";
import { initTabs } from "../components/tabs.js";
import { renderUnderstood } from "../components/understood-chips.js";
import { clear, debounce, h, whileBusy } from "../dom.js";
import { fmt } from "../format.js";
import { describeProblem } from "../problem-text.js";
import { timings } from "../timings.js";

const $ = (id) => document.getElementById(id);

const state = {
  form: null,
  body: null, // request fields of the last search
  result: null, // MatchList
  page: 1,
  positive: new Map(), // id -> name
  negative: new Map(),
  ignored: new Map(), // keys of understood items the user removed -> their label
  savedRequestId: null,
  map: null, // the Map tab (ResultsMap)
  controller: null,
  seq: 0,
};

// ---- search --------------------------------------------------------------------------------
function refineValues() {
  const k = Number($("r-k").value);
  const lambda = Number($("r-lambda").value);
  const perCountry = $("r-country").value ? Number($("r-country").value) : null;
  const perKind = $("r-kind").value ? Number($("r-kind").value) : null;
  // "No limit" turns the default variety (3 per project) off: sent as null
  const perProject = $("r-project").value ? Number($("r-project").value) : null;
  const diversity = { mmr_lambda: lambda, max_per_country: perCountry, max_per_kind: perKind, max_per_project: perProject };
  return { k, diversity };
}

/** The words the server reads constraints from (PartnerRequest.document: title and text). */
const documentOf = (body) => `${body.title || ""}\n${body.text || ""}`;

function requestLabel(body) {
  return body.title || (body.text.length > 80 ? `${body.text.slice(0, 80)}…` : body.text);
}

async function runSearch(body, { fresh = false, page = 1 } = {}) {
  if (fresh && state.body && state.body.text !== body.text) {
    // a new need: examples and the saved request belonged to the previous one
    state.positive.clear();
    state.negative.clear();
    state.savedRequestId = null;
    renderExamples();
  }
  if (state.body && documentOf(state.body) !== documentOf(body)) {
    // chips removed belong to the text they were read from
    state.ignored.clear();
  }
  state.body = body;
  const { k, diversity } = refineValues();
  const payload = {
    ...body, k, explain: true,
    positive_ids: [...state.positive.keys()],
    negative_ids: [...state.negative.keys()],
    ...(state.ignored.size ? { ignore_understood: [...state.ignored.keys()] } : {}),
    ...(diversity ? { diversity } : {}),
  };
  state.controller?.abort();
  const controller = new AbortController();
  state.controller = controller;
  const seq = ++state.seq;
  const panel = $("results");
  const submit = $("submit-search");
  panel.setAttribute("aria-busy", "true");
  panel.classList.add("is-loading");
  submit.disabled = true;
  submit.querySelector(".label").textContent = "Searching…";
  $("results-meta").textContent = "Ranking partners…";
  clearMessage($("form-message"));
  clearMessage($("results-error"));
  state.form.clearErrors();
  const started = performance.now();
  try {
    const result = await api("/v1/recommend", { method: "POST", body: payload, signal: controller.signal });
    if (seq !== state.seq) return;
    state.result = result;
    renderResults(page);
    if (result.data?.length && (result.confidence === "low" || result.confidence === "medium")) {
      announce(CONFIDENCE_TEXT[result.confidence].join(""));
    }
    const elapsed = performance.now() - started;
    timings.last_results_ms = Math.round(elapsed * 10) / 10;
    timings.last_server_ms = result.took_ms;
    timings.searches += 1;
    if (fresh) focusResults();
    if (timings.first_results_ms === null) {
      timings.first_results_ms = timings.last_results_ms;
      performance.mark("ps-first-results");
    }
    panel.dataset.searches = String(timings.searches);
  } catch (problem) {
    if (problem.name === "AbortError" || seq !== state.seq) return;
    const target = $("results-error");
    showProblem(target, problem);
    if (problem instanceof ApiProblem && problem.status === 422) {
      // mark the fields and bring the keyboard to the first one (its message is linked)
      state.form.showErrors(problem);
      $("request-form").querySelector("[aria-invalid=true]")?.focus();
    } else if (fresh) focusResults();
    $("results-meta").textContent = "The search failed; see the message.";
    announce(`Search failed: ${describeProblem(problem).title}`);
  } finally {
    if (seq === state.seq) {
      panel.setAttribute("aria-busy", "false");
      panel.classList.remove("is-loading");
      submit.disabled = false;
      submit.querySelector(".label").textContent = "Find partners";
    }
  }
}

/** After a new search, the keyboard and the eyes go to the results (the submit button, disabled
 * while searching, lost the focus); on one column the results are scrolled to. */
function focusResults() {
  const narrow = window.matchMedia("(max-width: 900px)").matches;
  $("results-title").focus({ preventScroll: narrow });
  if (narrow) {
    const smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    $("results").scrollIntoView({ block: "start", behavior: smooth ? "smooth" : "auto" });
  }
}

const rerank = debounce(() => {
  if (state.body) runSearch({ ...state.form.body() });
}, 250);

function onFilterChange() {
  if (state.result) rerank();
}

function renderExamples() {
  const chips = $("example-chips");
  clear(chips);
  const add = (map, kind) => {
    for (const [id, name] of map) {
      chips.append(h("li", { class: `chip chip-${kind}` },
        icon(kind === "positive" ? "plus" : "minus", { size: 14 }),
        h("span", {}, `${kind === "positive" ? "More like" : "Not like"} ${name}`),
        h("button", {
          type: "button", class: "chip-remove", "aria-label": `Stop using ${name} as a ${kind === "positive" ? "positive" : "negative"} example`,
          onclick: () => { map.delete(id); renderExamples(); rerank(); },
        }, icon("close", { size: 14 }))));
    }
  };
  add(state.positive, "positive");
  add(state.negative, "negative");
  $("examples").hidden = !state.positive.size && !state.negative.size;
}

function onExample(kind, profile) {
  const [mine, other] = kind === "positive" ? [state.positive, state.negative] : [state.negative, state.positive];
  if (mine.has(profile.id)) mine.delete(profile.id);
  else {
    mine.set(profile.id, profile.name);
    other.delete(profile.id);
  }
  renderExamples();
  announce(kind === "positive" ? `Re-ranking with more like ${profile.name}` : `Re-ranking without ${profile.name}`);
  runSearch({ ...state.form.body() });
}

// ---- what was read from the text -------------------------------------------------------
function renderUnderstoodRow() {
  renderUnderstood($("understood"), state.result?.understood, {
    ignored: state.ignored,
    onRemove: (item) => {
      state.ignored.set(item.key, item.label);
      renderUnderstoodRow(); // at once; the answer redraws it
      announce(`${item.label} ignored; searching again`);
      if (state.body) runSearch(state.body);
    },
    onRestore: (key) => {
      // the chip comes back with the answer (its restore button stays until then)
      if (!state.ignored.has(key)) return;
      const label = state.ignored.get(key);
      state.ignored.delete(key);
      announce(`${label} restored; searching again`);
      if (state.body) runSearch(state.body);
    },
  });
}

async function onFeedback(candidate, label) {
  const body = { profile_id: candidate.profile.id, label, rank: candidate.rank };
  if (state.savedRequestId) body.request_id = state.savedRequestId;
  else body.request_text = [state.body.title, state.body.text].filter(Boolean).join("\n") || state.body.text;
  return api("/v1/feedback", { method: "POST", body });
}

function renderResults(page = 1) {
  const result = state.result;
  const data = result?.data || [];
  const ctx = {
    positive: state.positive,
    negative: state.negative,
    wanted: new Set(state.body?.ecosystems || []),
    requesterName: state.form.requesterName,
    requestLabel: state.body ? requestLabel(state.body) : "",
    onPage: (n) => { renderResults(n); $("results-title").focus(); $("results").scrollIntoView({ block: "start" }); },
    onExample,
    onFeedback,
  };
  const read = (result?.understood?.items || []).filter((i) => i.hard && i.applied);
  $("empty-state").hidden = data.length > 0;
  if (!data.length) {
    clear($("empty-state").querySelector("p")).append(read.length
      ? "No partner matches these filters. Remove a filter read from your text (above), a country, kind or ecosystem filter, or describe the need differently."
      : "No partner matches these filters. Remove a country, kind or ecosystem filter, or describe the need differently.");
  }
  renderUnderstoodRow();
  renderConfidence($("confidence-note"), data.length ? result?.confidence : null, {
    onEdit: () => $("f-text").focus(),
  });
  renderLegend($("legend"), data);
  state.page = renderPage({ list: $("candidates"), pager: $("pager") }, result, page, ctx);
  renderOverview($("pane-overview"), result);
  state.map.show(result);
  const filters = [];
  if (state.body?.countries?.length) filters.push(`${state.body.countries.length} target countr${state.body.countries.length === 1 ? "y" : "ies"}`);
  if (state.body?.kinds?.length) filters.push(`${state.body.kinds.length} kind${state.body.kinds.length === 1 ? "" : "s"}`);
  if (read.length) filters.push(`${read.length} filter${read.length === 1 ? "" : "s"} from your text`);
  // a list served from the result cache was ranked earlier: "ranked in 0 ms" reads as a bug
  const when = result.cached ? "from the result cache" : `ranked in ${fmt.num(result.took_ms, 0)} ms`;
  $("results-meta").textContent = `${fmt.int(data.length)} candidate${data.length === 1 ? "" : "s"} · ${when}`
    + (filters.length ? ` · filtered by ${filters.join(", ")}` : "");
}

async function onSave(body) {
  const message = $("save-message");
  clearMessage(message);
  clearMessage($("form-message"));
  await whileBusy($("save-request"), async () => {
    try {
      await save(body, message);
    } catch (problem) {
      showProblem(message, problem);
      if (problem instanceof ApiProblem && problem.status === 422) state.form.showErrors(problem);
    }
    reveal(message);
  });
}

/** Post `body` as an open partner request; its matches become the results, `message` says so. */
async function save(body, message) {
  const { k } = refineValues();
  const created = await api("/v1/requests", {
    method: "POST", query: { k, explain: true },
    body: { ...body, positive_ids: [...state.positive.keys()], negative_ids: [...state.negative.keys()] },
  });
  state.savedRequestId = created.request.id;
  if (state.body && documentOf(state.body) !== documentOf(body)) state.ignored.clear();
  state.body = body;
  state.result = created.matches;
  renderResults(1);
  const related = created.related?.length
    ? h("p", { class: "small" }, `${created.related.length} other open request${created.related.length === 1 ? " is" : "s are"} similar.`) : null;
  showSuccess(message,
    h("p", { class: "notice-title" }, "Saved as an open partner request"),
    h("p", {}, "Request id ", h("code", { dataset: { requestId: created.request.id } }, created.request.id),
      `, open until ${fmt.date(created.request.expires_at)}. Matching organisations can now find it and express interest.`),
    related);
}

// ---- refine controls --------------------------------------------------------------------
function wireRefine() {
  // on a phone the refine panel starts folded, so the first results are in view
  if (window.matchMedia("(max-width: 560px)").matches) $("refine").open = false;
  const lambda = $("r-lambda");
  const out = $("r-lambda-out");
  const describe = () => {
    const v = Number(lambda.value);
    const text = v >= 0.999 ? "pure relevance" : v >= 0.7 ? "mostly relevance" : v >= 0.4 ? "balanced" : "mostly variety";
    out.textContent = `${v.toFixed(2)} · ${text}`;
    lambda.setAttribute("aria-valuetext", `${v.toFixed(2)}, ${text}`);
  };
  lambda.addEventListener("input", describe);
  describe();
  for (const id of ["r-k", "r-lambda", "r-country", "r-kind", "r-project"]) $(id).addEventListener("change", onFilterChange);
  $("clear-examples").addEventListener("click", () => {
    state.positive.clear();
    state.negative.clear();
    renderExamples();
    rerank();
  });
}

// ---- the page --------------------------------------------------------------------------
/** Wire the result tabs and the refine controls (before the taxonomy is loaded). */
export function initSearchPage() {
  initTabs($("result-tabs"));
  // a country chosen on the results map becomes the request's only target country
  state.map = new ResultsMap($("pane-map"), {
    onTarget: (code, name) => state.form.countries.setValue([{ id: code, label: name }], true),
  });
  wireRefine();
}

/** Build the request form from the loaded `taxonomy`: the page can search from now on. */
export function startSearchPage(taxonomy) {
  state.form = new RequestForm($("request-form"), taxonomy, {
    onSubmit: (body) => {
      performance.mark("ps-submit");
      runSearch(body, { fresh: true });
    },
    onSave,
    onFilterChange,
  });
  $("request-form").querySelector(".form-actions").after(keyNote("Saving as an open partner request"));
}

/** Whether a search has results to go back to. */
export function hasResults() {
  return Boolean(state.result);
}

/** Focus the page's title: the results once there are some, else the form's. */
export function focusSearchPage() {
  (state.result ? $("results-title") : $("search-title")).focus();
}

/** Go to the search page with `profile` as the requester, ready to describe the need. */
export function searchAs(profile) {
  state.form.setRequester(profile);
  location.hash = "#/";
  setTimeout(() => $("f-text").focus(), 50);
  announce(`Searching as ${profile.name}`);
}
