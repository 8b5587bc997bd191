// Overview of the current result: candidates by country, by kind and by ecosystem, as bar
// charts drawn with CSS (each chart is a real table, so screen readers get the numbers).
import { clear, h } from "../dom.js";
import { fmt } from "../format.js";
import { labels } from "../taxonomy.js";
import { icon } from "./icons.js";

function counts(values) {
  const map = new Map();
  for (const v of values) map.set(v, (map.get(v) || 0) + 1);
  return [...map.entries()].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
}

function chart(title, iconName, rows, { label, total, id, tone = "" }) {
  const max = Math.max(1, ...rows.map(([, n]) => n));
  return h("section", { class: "panel chart", "aria-labelledby": `${id}-title`, dataset: { chart: id } },
    h("h3", { id: `${id}-title` }, icon(iconName, { size: 18 }), title),
    rows.length ? h("table", { class: "bars" },
      h("caption", { class: "sr-only" }, `${title}: number of candidates`),
      h("thead", { class: "sr-only" }, h("tr", {}, h("th", { scope: "col" }, "Group"), h("th", { scope: "col" }, "Candidates"), h("th", { scope: "col" }, "Share"))),
      h("tbody", {}, rows.map(([key, n]) => h("tr", {},
        h("th", { scope: "row", class: "bar-label" }, label(key)),
        h("td", { class: "bar-cell" }, h("span", { class: "bar-wrap" },
          h("span", { class: `bar ${tone}`, style: `width:${(n / max) * 90}%` }), h("span", { class: "bar-value" }, fmt.int(n)))),
        h("td", { class: "bar-share muted" }, `${Math.round((n / total) * 100)}%`)))))
      : h("p", { class: "muted" }, "No data."));
}

export function renderOverview(host, result) {
  clear(host);
  const data = result?.data || [];
  if (!data.length) {
    host.append(h("div", { class: "empty" }, icon("chart"), h("p", {}, "Run a search to see where the candidates are.")));
    return;
  }
  const profiles = data.map((c) => c.profile);
  const total = profiles.length;
  const countries = counts(profiles.map((p) => p.country || "—"));
  const kinds = counts(profiles.map((p) => p.kind));
  const ecosystems = counts(profiles.flatMap((p) => (p.ecosystems?.length ? p.ecosystems : ["none"])));
  const nCountries = countries.filter(([c]) => c !== "—").length;
  host.append(
    h("p", { class: "overview-lead" },
      h("strong", {}, fmt.int(total)), ` candidates from `, h("strong", {}, fmt.int(nCountries)), ` countr${nCountries === 1 ? "y" : "ies"}, `,
      h("strong", {}, fmt.int(kinds.length)), ` kind${kinds.length === 1 ? "" : "s"} of organisation and `,
      h("strong", {}, fmt.int(ecosystems.filter(([e]) => e !== "none").length)), " ecosystems."),
    h("div", { class: "charts" },
      chart("By country", "pin", countries, { id: "by-country", total, label: (c) => (c === "—" ? "Unknown" : `${labels.country[c] || c} (${c})`) }),
      h("div", { class: "chart-col" },
        chart("By kind", "users", kinds, { id: "by-kind", total, tone: "bar-amber", label: (k) => labels.kind[k] || k }),
        chart("By ecosystem", "layers", ecosystems, { id: "by-ecosystem", total, tone: "bar-teal", label: (e) => (e === "none" ? "None given" : labels.ecosystem[e] || e) }))),
  );
}
