// The shortlist page (#/shortlist): the starred organisations as a table, each removable, and
// the CSV export.
import { clear, h } from "../dom.js";
import { fmt } from "../format.js";
import { icon, iconButton } from "../components/icons.js";
import { toast } from "../components/messages.js";
import { shortlist } from "../shortlist.js";
import { downloadCsv } from "../shortlist-csv.js";
import { labels } from "../taxonomy.js";

/** Draw the shortlist page into `view`. */
export function renderShortlistPage(view) {
  const items = shortlist.all();
  const today = new Date().toISOString().slice(0, 10);
  const exportButton = iconButton("download", "Export CSV", {
    class: "btn-primary", id: "export-csv", disabled: !items.length,
    onclick: () => {
      downloadCsv(shortlist.all(), labels, `partner-shortlist-${today}.csv`);
      toast("Shortlist exported as CSV");
    },
  });
  const clearButton = iconButton("trash", "Clear shortlist", {
    class: "btn-quiet", disabled: !items.length,
    onclick: () => {
      if (window.confirm("Remove every organisation from the shortlist?")) {
        shortlist.clear();
        renderShortlistPage(view);
      }
    },
  });
  const body = items.length
    ? h("div", { class: "table-wrap" }, h("table", { class: "table shortlist-table" },
      h("caption", { class: "sr-only" }, "Shortlisted organisations"),
      h("thead", {}, h("tr", {}, ["Organisation", "Kind", "Location", "Ecosystems", "Score", "Request", ""].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, items.map((item) => h("tr", {},
        h("th", { scope: "row" }, h("a", { href: `#/profile/${encodeURIComponent(item.id)}` }, item.name),
          item.acronym ? h("span", { class: "muted" }, ` (${item.acronym})`) : null),
        h("td", {}, labels.kind?.[item.kind] || item.kind),
        h("td", {}, [item.city, item.region_name, labels.country?.[item.country] || item.country].filter(Boolean).join(", ")),
        h("td", {}, (item.ecosystems || []).map((e) => labels.ecosystem?.[e] || e).join(", ")),
        h("td", { class: "num" }, item.score === null || item.score === undefined ? "–" : fmt.num(item.score)),
        h("td", { class: "muted clip" }, item.request || "–"),
        h("td", {}, iconButton("trash", `Remove ${item.name}`, {
          class: "btn-quiet",
          onclick: () => {
            shortlist.remove(item.id);
            toast(`${item.name} removed`);
            renderShortlistPage(view);
            view.querySelector("h1")?.focus();
          },
        }, { hideLabel: true })),
      )))))
    : h("div", { class: "empty" }, icon("star"), h("p", {}, "Nothing shortlisted yet. Star candidates in the ranked list to keep them here; the shortlist stays in this browser."));
  clear(view).append(h("div", { class: "page" },
    h("div", { class: "page-head" },
      h("div", {}, h("h1", { tabindex: "-1", class: "view-title" }, "Shortlist"),
        h("p", { class: "lead" }, `${items.length} organisation${items.length === 1 ? "" : "s"} kept in this browser.`)),
      h("div", { class: "page-actions" }, exportButton, clearButton)),
    h("div", { class: "panel" }, body)));
}

/** Redraw the page in `view` whenever the shortlist changes while it is shown. */
export function followShortlist(view) {
  shortlist.subscribe(() => {
    if (!view.hidden) renderShortlistPage(view);
  });
}
