// The shortlist: starred candidates kept in localStorage (survives reloads), its page, and
// the CSV export (built in the browser, downloaded through a Blob URL).
import { clear, fmt, h, iconButton, toast } from "./dom.js";
import { icon } from "./icons.js";

const STORAGE = "partner-search.shortlist.v1";
const listeners = new Set();

function read() {
  try {
    const data = JSON.parse(localStorage.getItem(STORAGE) || "[]");
    return Array.isArray(data) ? data : [];
  } catch {
    return [];
  }
}

function write(items) {
  try { localStorage.setItem(STORAGE, JSON.stringify(items)); } catch { /* storage full or off */ }
  for (const fn of listeners) fn(items);
}

export const shortlist = {
  all: read,
  has: (id) => read().some((item) => item.id === id),
  count: () => read().length,
  /** Add or remove; returns true when the profile is now shortlisted. */
  toggle(entry) {
    const items = read();
    const i = items.findIndex((item) => item.id === entry.id);
    if (i >= 0) {
      items.splice(i, 1);
      write(items);
      return false;
    }
    items.push({ ...entry, added_at: new Date().toISOString() });
    write(items);
    return true;
  },
  remove(id) { write(read().filter((item) => item.id !== id)); },
  clear() { write([]); },
  subscribe(fn) { listeners.add(fn); return () => listeners.delete(fn); },
};

// another tab changed the shortlist
window.addEventListener("storage", (e) => {
  if (e.key === STORAGE) for (const fn of listeners) fn(read());
});

/** The shortlist entry stored for a candidate (a ProfileSummary plus ranking context). */
export function entryOf(profile, extra = {}) {
  return {
    id: profile.id,
    name: profile.name,
    acronym: profile.acronym || "",
    kind: profile.kind,
    country: profile.country || "",
    region_name: profile.region_name || "",
    city: profile.city || "",
    ecosystems: profile.ecosystems || [],
    url: profile.url || "",
    score: extra.score ?? null,
    rank: extra.rank ?? null,
    summary: extra.summary || "",
    request: extra.request || "",
  };
}

/** A star toggle button kept in sync with the store (aria-pressed). */
export function starButton(entry, { compact = false } = {}) {
  const button = h("button", { type: "button", class: "btn btn-star" + (compact ? " btn-icon" : ""), dataset: { star: entry.id } });
  const sync = () => {
    const on = shortlist.has(entry.id);
    button.setAttribute("aria-pressed", on ? "true" : "false");
    const label = on ? "Shortlisted" : "Shortlist";
    clear(button).append(icon(on ? "star-filled" : "star"));
    if (!compact) button.append(h("span", { class: "label" }, label));
    button.setAttribute("aria-label", `${label}: ${entry.name}`);
    button.title = on ? "Remove from shortlist" : "Add to shortlist";
  };
  button.addEventListener("click", () => {
    const on = shortlist.toggle(entry);
    toast(on ? `${entry.name} added to the shortlist` : `${entry.name} removed from the shortlist`);
  });
  sync();
  const off = shortlist.subscribe(() => (button.isConnected ? sync() : off()));
  return button;
}

// ---- CSV ----------------------------------------------------------------------------------
const COLUMNS = ["id", "name", "acronym", "kind", "country", "region", "city", "ecosystems", "score", "rank", "summary", "request", "url", "added_at"];

function cell(value) {
  let text = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`; // no formulas when opened in a spreadsheet
  return /[",\n\r;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(items, labels = {}) {
  const rows = [COLUMNS.join(",")];
  for (const item of items) {
    const values = {
      ...item,
      kind: labels.kind?.[item.kind] || item.kind,
      region: item.region_name,
      ecosystems: (item.ecosystems || []).map((e) => labels.ecosystem?.[e] || e).join("; "),
      score: item.score === null || item.score === undefined ? "" : Number(item.score).toFixed(3),
    };
    rows.push(COLUMNS.map((c) => cell(values[c])).join(","));
  }
  return rows.join("\r\n") + "\r\n";
}

export function downloadCsv(items, labels, filename) {
  const blob = new Blob(["\ufeff" + toCsv(items, labels)], { type: "text/csv;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---- page ---------------------------------------------------------------------------------
export function renderShortlistPage(view, labels) {
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
        renderShortlistPage(view, labels);
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
            renderShortlistPage(view, labels);
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
