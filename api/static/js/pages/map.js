// The map page (#/map): every stored organisation by country (GET /v1/map), filtered by kind
// and ecosystem, as a map of Europe and as a table of the same counts. Selecting a country
// (on the map or in the table) lists its organisations (GET /v1/profiles, the same filters)
// and its NUTS-2 regions. The page is built once and kept, with its filters and selection.
import { api } from "../api.js";
import { icon } from "../components/icons.js";
import { countryName, renderMap } from "../components/map-view.js";
import { announce, loading, showProblem } from "../components/messages.js";
import { loadShapes } from "../europe-shapes.js";
import { append, clear, h } from "../dom.js";
import { fmt } from "../format.js";
import { labels, taxonomy } from "../taxonomy.js";

const PAGE = 20;
const UNIT = ["organisation", "organisations"];
const state = { built: null, kind: "", ecosystem: "", selected: null, counts: null, shapes: null, seq: 0 };
const say = (n) => `${fmt.int(n)} ${n === 1 ? UNIT[0] : UNIT[1]}`;

function filterSelect(id, label, all, terms, key) {
  const select = h("select", { id, onchange: () => { state[key] = select.value; refresh(); } },
    h("option", { value: "" }, all), terms.map((t) => h("option", { value: t.id }, t.label)));
  return h("div", { class: "field compact" }, h("label", { for: id }, label), select);
}

function build(view) {
  const vocab = taxonomy();
  const parts = {
    map: h("div", { class: "map-host", id: "map-page-map" }),
    offMap: h("p", { class: "hint map-off", id: "map-off" }),
    table: h("div", { class: "map-table-host", id: "map-table" }),
    detail: h("section", { class: "panel map-detail", id: "map-detail", "aria-labelledby": "map-detail-title", hidden: true }),
    error: h("div", { id: "map-error", role: "alert" }),
    lead: h("p", { class: "lead", id: "map-lead", role: "status" }, "Loading the counts…"),
  };
  clear(view).append(h("div", { class: "page map-page" },
    h("div", { class: "page-head" },
      h("div", {}, h("h1", { tabindex: "-1", class: "view-title" }, "Map of organisations"), parts.lead),
      h("div", { class: "map-filters", role: "group", "aria-label": "Filter the map" },
        filterSelect("map-kind", "Kind", "All kinds", vocab.kinds, "kind"),
        filterSelect("map-ecosystem", "Ecosystem", "All ecosystems", vocab.ecosystems, "ecosystem"))),
    parts.error,
    h("div", { class: "map-layout" },
      h("section", { class: "panel map-panel", "aria-label": "Map", "aria-busy": "true" }, parts.map, parts.offMap),
      h("section", { class: "panel map-side", "aria-labelledby": "map-table-title" },
        h("h2", { id: "map-table-title" }, "By country"), parts.table)),
    parts.detail));
  return parts;
}

function filters() {
  return { kind: state.kind, ecosystem: state.ecosystem };
}

function filterWords() {
  const words = [state.kind && labels.kind[state.kind], state.ecosystem && labels.ecosystem[state.ecosystem]];
  return words.filter(Boolean).join(", ");
}

function countsTable(body) {
  if (!body.countries.length) return h("p", { class: "muted" }, "No organisation matches these filters.");
  return h("div", { class: "table-wrap" }, h("table", { class: "table map-counts" },
    h("caption", { class: "sr-only" }, "Organisations per country; select a country to list them"),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Country"), h("th", { scope: "col", class: "num" }, "Organisations"))),
    h("tbody", {}, body.countries.map((c) => h("tr", { dataset: { country: c.country }, class: c.country === state.selected ? "is-selected" : "" },
      h("th", { scope: "row" }, h("button", {
        type: "button", class: "link-button", "aria-pressed": String(c.country === state.selected),
        onclick: () => select(c.country === state.selected ? null : c.country),
      }, `${countryName(c.country)} (${c.country})`)),
      h("td", { class: "num" }, fmt.int(c.count)))))));
}

function drawCounts() {
  const { built: parts, counts: body, shapes } = state;
  const counts = new Map(body.countries.map((c) => [c.country, c.count]));
  const within = filterWords();
  if (!shapes) {
    clear(parts.map).append(h("p", { class: "muted" }, "The map could not be drawn; the table lists the same counts."));
  }
  const drawn = !shapes ? new Set() : renderMap(parts.map, shapes, counts, {
    id: "map-page-figure", unit: UNIT, selected: state.selected, onSelect: select,
    title: `Organisations per country${within ? ` (${within})` : ""}`,
    description: `${say(body.total)} in ${fmt.int(body.countries.length)} countries; darker countries have more. `
      + "Select a country to list its organisations.",
  });
  const off = shapes ? body.countries.filter((c) => !drawn.has(c.country)) : [];
  parts.offMap.textContent = off.length
    ? `Off the map: ${off.slice(0, 8).map((c) => `${countryName(c.country)} ${fmt.int(c.count)}`).join(", ")}${off.length > 8 ? `, and ${off.length - 8} more countries (see the table)` : ""}.`
    : "";
  clear(parts.table).append(countsTable(body));
  parts.lead.textContent = `${say(body.total)} in ${fmt.int(body.countries.length)} countries`
    + (within ? ` · ${within}` : "") + (body.without_country ? ` · ${fmt.int(body.without_country)} without a country` : "");
}

async function refresh() {
  const parts = state.built;
  const seq = ++state.seq;
  const panel = parts.map.closest(".map-panel");
  panel.setAttribute("aria-busy", "true");
  clear(parts.error);
  try {
    // the table needs only the counts: without the geometry it is drawn alone
    const [body, shapes] = await Promise.all([api("/v1/map", { query: filters() }), loadShapes().catch(() => null)]);
    if (seq !== state.seq) return;
    state.counts = body;
    state.shapes = shapes;
    drawCounts();
    if (state.selected) await showCountry();
  } catch (problem) {
    if (seq === state.seq) showProblem(parts.error, problem);
  } finally {
    if (seq === state.seq) panel.setAttribute("aria-busy", "false");
  }
}

function select(code) {
  state.selected = code;
  drawCounts();
  if (!code) {
    state.built.detail.hidden = true;
    announce("All countries");
    return;
  }
  showCountry({ focus: true });
}

function profileItem(p) {
  const place = [p.city, p.region_name].filter(Boolean).join(", ");
  return h("li", { dataset: { profileId: p.id } },
    h("a", { href: `#/profile/${encodeURIComponent(p.id)}` }, p.name), p.acronym ? h("span", { class: "muted" }, ` (${p.acronym})`) : null,
    h("span", { class: "muted small" }, ` · ${labels.kind[p.kind] || p.kind}${place ? ` · ${place}` : ""}`));
}

async function showCountry({ focus = false } = {}) {
  const code = state.selected;
  const detail = state.built.detail;
  const seq = state.seq;
  detail.hidden = false;
  clear(detail).append(loading(`Loading ${countryName(code)}…`));
  const query = { ...filters(), country: code };
  let places;
  let first;
  try {
    [places, first] = await Promise.all([api("/v1/map", { query }), api("/v1/profiles", { query: { ...query, limit: PAGE } })]);
  } catch (problem) {
    if (seq === state.seq && code === state.selected) showProblem(detail, problem);
    return;
  }
  if (seq !== state.seq || code !== state.selected) return;
  const regions = places.countries[0]?.regions || [];
  const list = h("ul", { class: "map-profiles", id: "map-profiles" }, first.data.map(profileItem));
  const more = h("button", { type: "button", class: "btn btn-secondary btn-small", hidden: first.count <= first.data.length });
  const shown = () => { more.textContent = `Show more (${fmt.int(list.children.length)} of ${fmt.int(first.count)})`; };
  shown();
  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      const page = await api("/v1/profiles", { query: { ...query, limit: PAGE, offset: list.children.length } });
      list.append(...page.data.map(profileItem));
      more.hidden = list.children.length >= page.count;
      shown();
    } catch (problem) {
      showProblem(state.built.error, problem);
    } finally {
      more.disabled = false;
    }
  });
  const title = h("h2", { id: "map-detail-title", tabindex: "-1" }, icon("pin"), `${countryName(code)}: ${say(first.count)}`);
  append(clear(detail), [
    h("div", { class: "map-detail-head" }, title,
      h("button", { type: "button", class: "btn btn-quiet btn-small", onclick: () => select(null) }, icon("close", { size: 14 }), "All countries")),
    regions.length ? h("div", { class: "map-regions" }, h("h3", {}, "NUTS-2 regions"),
      h("ul", { class: "chips" }, regions.map((r) => h("li", { class: "chip", dataset: { region: r.region } },
        `${r.name || r.region} (${r.region}) · ${fmt.int(r.count)}`)))) : null,
    first.count ? list : h("p", { class: "muted" }, "No organisation in this country matches the filters."), more]);
  announce(`${countryName(code)}: ${say(first.count)}`);
  if (focus) title.focus();
}

/** Draw the map page into `view` (built on the first visit), with fresh counts. */
export async function renderMapPage(view) {
  if (!state.built || !view.contains(state.built.map)) state.built = build(view);
  await refresh();
}
