// The Map tab of the results: the ranked candidates of the current request by country, on a
// map of Europe (hover or focus a country: its candidates) and in a table. Selecting a
// country lists its candidates in rank order and leaves the request as it is; "Search only
// in …" makes it the request's target country and ranks again (the caller's onTarget).
// The geometry is loaded the first time the tab is shown, not with every search.
import { clear, h } from "../dom.js";
import { fmt } from "../format.js";
import { loadShapes } from "../europe-shapes.js";
import { labels } from "../taxonomy.js";
import { icon } from "./icons.js";
import { countryName, renderMap } from "./map-view.js";
import { showProblem } from "./messages.js";

const UNIT = ["candidate", "candidates"];
const say = (n) => `${fmt.int(n)} ${n === 1 ? UNIT[0] : UNIT[1]}`;

/** Candidates per country code, in rank order. */
function byCountry(data) {
  const groups = new Map();
  for (const candidate of data) {
    const code = candidate.profile.country || "";
    if (!groups.has(code)) groups.set(code, []);
    groups.get(code).push(candidate);
  }
  return groups;
}

function candidateItem(c) {
  const p = c.profile;
  const place = [p.city, p.region_name].filter(Boolean).join(", ");
  return h("li", { dataset: { profileId: p.id } },
    h("span", { class: "map-rank" }, `${c.rank}.`), " ",
    h("a", { href: `#/profile/${encodeURIComponent(p.id)}` }, p.name),
    h("span", { class: "muted small" }, ` · ${labels.kind[p.kind] || p.kind}${place ? ` · ${place}` : ""}`));
}

function countryTable(groups, select) {
  // most candidates first, then the country of the better-ranked one
  const rows = [...groups.entries()].filter(([code]) => code)
    .sort((a, b) => b[1].length - a[1].length || a[1][0].rank - b[1][0].rank);
  return h("div", { class: "table-wrap" }, h("table", { class: "table map-counts" },
    h("caption", { class: "sr-only" }, "Candidates per country; select a country to list them"),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Country"), h("th", { scope: "col", class: "num" }, "Candidates"))),
    h("tbody", {}, rows.map(([code, list]) => h("tr", { dataset: { country: code } },
      h("th", { scope: "row" }, h("button", { type: "button", class: "link-button", onclick: () => select(code) }, `${countryName(code)} (${code})`)),
      h("td", { class: "num" }, fmt.int(list.length)))))));
}

function draw(host, result, shapes, onTarget) {
  const groups = byCountry(result.data);
  let selected = groups.has(host.dataset.selected) ? host.dataset.selected : null;
  const mapHost = h("div", { class: "map-host" });
  const side = h("div", { class: "map-side-body", id: "results-map-side" });
  const select = (code) => {
    selected = code;
    if (code) host.dataset.selected = code;
    else delete host.dataset.selected;
    paint();
    side.querySelector("h3")?.focus();
  };
  const paint = () => {
    const counts = new Map([...groups].filter(([code]) => code).map(([code, list]) => [code, list.length]));
    renderMap(mapHost, shapes, counts, {
      id: "results-map-figure", unit: UNIT, selected, onSelect: select,
      title: "Candidates of this request per country",
      description: `${say(result.data.length)} in ${fmt.int(counts.size)} countries; darker countries have more. Select a country to list its candidates.`,
      detail: (code) => (groups.get(code) || []).slice(0, 5).map((c) => `${c.rank}. ${c.profile.name}`)
        .concat((groups.get(code) || []).length > 5 ? ["…"] : []),
    });
    const list = selected ? groups.get(selected) : null;
    clear(side).append(...(list
      ? [h("h3", { tabindex: "-1" }, icon("pin"), `${countryName(selected)}: ${say(list.length)}`),
        h("ol", { class: "map-profiles", id: "results-map-list" }, list.map(candidateItem)),
        h("div", { class: "page-actions" },
          h("button", { type: "button", class: "btn btn-quiet btn-small", onclick: () => select(null) }, icon("close", { size: 14 }), "All countries"),
          onTarget ? h("button", {
            type: "button", class: "btn btn-secondary btn-small", id: "results-map-target",
            onclick: () => onTarget(selected, countryName(selected)),
          }, icon("funnel", { size: 14 }), `Search only in ${countryName(selected)}`) : null)]
      : [h("h3", { tabindex: "-1" }, "By country"), countryTable(groups, select)]));
  };
  clear(host).append(h("div", { class: "map-layout" }, h("div", { class: "map-panel" }, mapHost), h("div", { class: "map-side" }, side)));
  paint();
}

/**
 * The Map tab's panel `host`. `show(result)` (a MatchList) draws it at once when the panel
 * is visible, else when the tab next shows it. `onTarget(code, name)` makes a country the
 * request's target country.
 */
export class ResultsMap {
  constructor(host, { onTarget } = {}) {
    this.host = host;
    this.onTarget = onTarget;
    this.result = null;
    this.drawn = null; // the result drawn, so a tab switch redraws only a new one
    // tabs.js shows a panel by removing its hidden attribute
    new MutationObserver(() => this.drawIfShown()).observe(host, { attributes: true, attributeFilter: ["hidden"] });
    this.show(null);
  }

  show(result) {
    this.result = result;
    if (!result?.data?.length) {
      delete this.host.dataset.selected;
      this.drawn = result;
      clear(this.host).append(h("div", { class: "empty" }, icon("pin"), h("p", {}, "Run a search to see where the candidates are.")));
      return;
    }
    this.drawIfShown();
  }

  async drawIfShown() {
    const { host, result } = this;
    if (host.hidden || !result || this.drawn === result) return;
    this.drawn = result;
    host.setAttribute("aria-busy", "true");
    try {
      const shapes = await loadShapes();
      if (this.result === result) draw(host, result, shapes, this.onTarget);
    } catch (problem) {
      this.drawn = null; // tried again when next shown
      showProblem(clear(host), problem);
    } finally {
      host.setAttribute("aria-busy", "false");
    }
  }
}
