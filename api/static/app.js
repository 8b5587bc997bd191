// Partner search, advisor workspace: boot, hash routing and the search workflow.
// Plain ES modules, no framework, no network beyond this server's /v1 API.
import { api, API_BASE, ApiProblem, apiKey } from "./js/api.js";
import { announce, clear, debounce, fmt, h, hydrateIcons, toast } from "./js/dom.js";
import { renderEmbedPage } from "./js/embed.js";
import { RequestForm } from "./js/form.js";
import { icon } from "./js/icons.js";
import { clearMessage, showProblem, showSuccess } from "./js/messages.js";
import { renderOverview } from "./js/overview.js";
import { renderProfilePage } from "./js/profile.js";
import { renderLegend, renderPage } from "./js/results.js";
import { renderShortlistPage, shortlist } from "./js/shortlist.js";

const $ = (id) => document.getElementById(id);

const timings = { ready_ms: null, first_results_ms: null, last_results_ms: null, last_server_ms: null, searches: 0 };
window.partnerSearch = { timings };

const state = {
  labels: { ecosystem: {}, kind: {}, country: {}, collab: {} },
  form: null,
  body: null, // request fields of the last search
  result: null, // MatchList
  page: 1,
  positive: new Map(), // id -> name
  negative: new Map(),
  savedRequestId: null,
  controller: null,
  seq: 0,
  tab: "list",
};

// ---- search --------------------------------------------------------------------------------
function refineValues() {
  const k = Number($("r-k").value);
  const lambda = Number($("r-lambda").value);
  const perCountry = $("r-country").value ? Number($("r-country").value) : null;
  const perKind = $("r-kind").value ? Number($("r-kind").value) : null;
  const diversity = lambda < 1 || perCountry || perKind
    ? { mmr_lambda: lambda, max_per_country: perCountry, max_per_kind: perKind }
    : null;
  return { k, diversity };
}

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
  state.body = body;
  const { k, diversity } = refineValues();
  const payload = {
    ...body, k, explain: true,
    positive_ids: [...state.positive.keys()],
    negative_ids: [...state.negative.keys()],
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
    const elapsed = performance.now() - started;
    timings.last_results_ms = Math.round(elapsed * 10) / 10;
    timings.last_server_ms = result.took_ms;
    timings.searches += 1;
    if (fresh && window.matchMedia("(max-width: 900px)").matches) {
      const smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      $("results").scrollIntoView({ block: "start", behavior: smooth ? "smooth" : "auto" });
    }
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
    }
    $("results-meta").textContent = "The search failed; see the message.";
    announce(`Search failed: ${problem.detail || problem.message}`);
  } finally {
    if (seq === state.seq) {
      panel.setAttribute("aria-busy", "false");
      panel.classList.remove("is-loading");
      submit.disabled = false;
      submit.querySelector(".label").textContent = "Find partners";
    }
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

async function onFeedback(candidate, label) {
  const body = { profile_id: candidate.profile.id, label, rank: candidate.rank };
  if (state.savedRequestId) body.request_id = state.savedRequestId;
  else body.request_text = [state.body.title, state.body.text].filter(Boolean).join("\n") || state.body.text;
  const stored = await api("/v1/feedback", { method: "POST", body });
  toast(`Feedback saved for ${candidate.profile.name}`);
  return stored;
}

function renderResults(page = 1) {
  const result = state.result;
  const data = result?.data || [];
  const ctx = {
    labels: state.labels,
    positive: state.positive,
    negative: state.negative,
    wanted: new Set(state.body?.ecosystems || []),
    requesterName: state.form.requesterName,
    requestLabel: state.body ? requestLabel(state.body) : "",
    onPage: (n) => { renderResults(n); $("results-title").focus(); $("results").scrollIntoView({ block: "start" }); },
    onExample,
    onFeedback,
  };
  $("empty-state").hidden = data.length > 0;
  if (!data.length) {
    clear($("empty-state").querySelector("p")).append(
      "No partner matches these filters. Remove a country, kind or ecosystem filter, or describe the need differently.");
  }
  renderLegend($("legend"), data);
  state.page = renderPage({ list: $("candidates"), pager: $("pager") }, result, page, ctx);
  renderOverview($("pane-overview"), result, state.labels);
  const filters = [];
  if (state.body?.countries?.length) filters.push(`${state.body.countries.length} target countr${state.body.countries.length === 1 ? "y" : "ies"}`);
  if (state.body?.kinds?.length) filters.push(`${state.body.kinds.length} kind${state.body.kinds.length === 1 ? "" : "s"}`);
  $("results-meta").textContent = `${fmt.int(data.length)} candidate${data.length === 1 ? "" : "s"} · ranked in ${fmt.num(result.took_ms, 0)} ms`
    + (filters.length ? ` · filtered by ${filters.join(", ")}` : "");
}

async function onSave(body) {
  const message = $("save-message");
  clearMessage(message);
  clearMessage($("form-message"));
  const button = $("save-request");
  button.disabled = true;
  try {
    const { k } = refineValues();
    const created = await api("/v1/requests", {
      method: "POST", query: { k, explain: true },
      body: { ...body, positive_ids: [...state.positive.keys()], negative_ids: [...state.negative.keys()] },
    });
    state.savedRequestId = created.request.id;
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
    toast("Partner request saved");
  } catch (problem) {
    showProblem(message, problem);
    if (problem instanceof ApiProblem && problem.status === 422) state.form.showErrors(problem);
  } finally {
    button.disabled = false;
  }
}

// ---- tabs ----------------------------------------------------------------------------------
function selectTab(name, focus = false) {
  state.tab = name;
  for (const [tab, pane] of [["tab-list", "pane-list"], ["tab-overview", "pane-overview"]]) {
    const on = tab === `tab-${name}`;
    $(tab).setAttribute("aria-selected", String(on));
    $(tab).tabIndex = on ? 0 : -1;
    $(pane).hidden = !on;
    if (on && focus) $(tab).focus();
  }
}

function wireTabs() {
  const tabs = ["list", "overview"];
  $("tab-list").addEventListener("click", () => selectTab("list"));
  $("tab-overview").addEventListener("click", () => selectTab("overview"));
  $("result-tabs").addEventListener("keydown", (e) => {
    const i = tabs.indexOf(state.tab);
    let next = null;
    if (e.key === "ArrowRight") next = tabs[(i + 1) % tabs.length];
    else if (e.key === "ArrowLeft") next = tabs[(i - 1 + tabs.length) % tabs.length];
    else if (e.key === "Home") next = tabs[0];
    else if (e.key === "End") next = tabs[tabs.length - 1];
    if (next) { e.preventDefault(); selectTab(next, true); }
  });
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
  for (const id of ["r-k", "r-lambda", "r-country", "r-kind"]) $(id).addEventListener("change", onFilterChange);
  $("clear-examples").addEventListener("click", () => {
    state.positive.clear();
    state.negative.clear();
    renderExamples();
    rerank();
  });
}

// ---- settings --------------------------------------------------------------------------------
function wireSettings() {
  const dialog = $("settings");
  const input = $("s-key");
  const show = $("s-key-show");
  const updateState = () => {
    const on = Boolean(apiKey.get());
    $("key-state").classList.toggle("on", on);
    $("key-state").title = on ? "API key set" : "No API key set";
    $("open-settings").setAttribute("aria-label", on ? "Settings (API key set)" : "Settings (no API key)");
  };
  $("open-settings").addEventListener("click", () => {
    input.value = apiKey.get();
    input.type = "password";
    show.setAttribute("aria-pressed", "false");
    show.textContent = "Show";
    dialog.showModal();
    input.focus();
  });
  show.addEventListener("click", () => {
    const visible = input.type === "password";
    input.type = visible ? "text" : "password";
    show.setAttribute("aria-pressed", String(visible));
    show.textContent = visible ? "Hide" : "Show";
  });
  $("settings-form").addEventListener("submit", () => {
    apiKey.set(input.value.trim());
    toast(input.value.trim() ? "API key saved in this browser" : "API key removed");
  });
  $("s-cancel").addEventListener("click", () => dialog.close());
  $("s-clear").addEventListener("click", () => {
    input.value = "";
    apiKey.set("");
    dialog.close();
    toast("API key removed");
  });
  window.addEventListener("apikeychange", updateState);
  updateState();
}

// ---- routing ---------------------------------------------------------------------------------
const VIEWS = ["search", "profile", "shortlist", "embed"];

function showView(name) {
  for (const v of VIEWS) $(`view-${v}`).hidden = v !== name;
  for (const link of document.querySelectorAll("[data-nav]")) {
    if (link.dataset.nav === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

let firstRoute = true;
async function route() {
  const hash = decodeURIComponent(location.hash.replace(/^#\/?/, ""));
  const [name, ...rest] = hash.split("/");
  const focusTitle = (view) => {
    if (firstRoute) return;
    const title = view.querySelector("h1, .view-title");
    title?.focus({ preventScroll: false });
  };
  if (name === "profile" && rest.length) {
    showView("profile");
    window.scrollTo(0, 0);
    const id = rest.join("/");
    await renderProfilePage($("view-profile"), id, {
      labels: state.labels,
      hasResults: () => Boolean(state.result),
      onUseAsRequester: (p) => {
        state.form.setRequester(p);
        location.hash = "#/";
        setTimeout(() => $("f-text").focus(), 50);
        toast(`Searching as ${p.name}`);
      },
    });
    document.title = `${$("view-profile").querySelector("h1")?.textContent || "Profile"} · Partner search`;
    focusTitle($("view-profile"));
  } else if (name === "shortlist") {
    showView("shortlist");
    renderShortlistPage($("view-shortlist"), state.labels);
    document.title = "Shortlist · Partner search";
    focusTitle($("view-shortlist"));
  } else if (name === "embed") {
    showView("embed");
    renderEmbedPage($("view-embed"), API_BASE);
    document.title = "Embed · Partner search";
    focusTitle($("view-embed"));
  } else {
    showView("search");
    document.title = "Partner search · advisor workspace";
    if (!firstRoute) (state.result ? $("results-title") : $("search-title")).focus();
  }
  firstRoute = false;
}

function updateShortlistCount() {
  const n = shortlist.count();
  const badge = $("shortlist-count");
  badge.textContent = String(n);
  badge.setAttribute("aria-label", `${n} shortlisted`);
  badge.classList.toggle("badge-empty", n === 0);
  if (!$("view-shortlist").hidden) renderShortlistPage($("view-shortlist"), state.labels);
}

// ---- boot ----------------------------------------------------------------------------------
async function boot() {
  hydrateIcons();
  // the skip link moves focus without touching the hash (the hash is the route)
  document.querySelector(".skip-link").addEventListener("click", (e) => {
    e.preventDefault();
    $("main").focus();
  });
  wireSettings();
  wireTabs();
  wireRefine();
  shortlist.subscribe(updateShortlistCount);
  updateShortlistCount();
  const results = $("results");
  let taxonomy;
  try {
    // 503 while the server loads its index: wait for it (Retry-After is a few seconds)
    for (let attempt = 0; ; attempt += 1) {
      try {
        taxonomy = await api("/v1/taxonomy");
        break;
      } catch (problem) {
        if (!(problem instanceof ApiProblem) || problem.status !== 503 || attempt >= 60) throw problem;
        $("results-meta").textContent = "The server is loading its index…";
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    }
  } catch (problem) {
    const box = $("boot-error");
    box.hidden = false;
    showProblem(box, problem);
    clear(results.querySelector("#empty-state p")).append("The workspace could not load its vocabularies. Reload the page when the server is ready.");
    const retry = h("button", { type: "button", class: "btn btn-secondary btn-small", onclick: () => location.reload() }, "Reload");
    box.querySelector(".notice-body")?.append(retry);
    return;
  }
  const labels = state.labels;
  for (const t of taxonomy.ecosystems) labels.ecosystem[t.id] = t.label;
  for (const t of taxonomy.kinds) labels.kind[t.id] = t.label;
  for (const t of taxonomy.countries) labels.country[t.id] = t.label;
  for (const t of taxonomy.collaboration_types) labels.collab[t.id] = t.label;
  state.form = new RequestForm($("request-form"), taxonomy, {
    onSubmit: (body) => {
      performance.mark("ps-submit");
      runSearch(body, { fresh: true });
    },
    onSave,
    onFilterChange,
  });
  window.addEventListener("hashchange", route);
  await route();
  document.body.dataset.ready = "true";
  performance.mark("ps-ready");
  timings.ready_ms = Math.round(performance.now() * 10) / 10;
}

boot().catch((error) => {
  const box = $("boot-error");
  box.hidden = false;
  showProblem(box, error);
});

