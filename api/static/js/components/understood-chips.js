// "Read from your text:": what the server understood in the request text (POST /v1/recommend
// `understood`): one chip per filter or preference, each removable; the removed ones listed as
// "Ignored: … (restore)". Filters are filled chips with a funnel, preferences outlined chips
// with an arrow; an item a form field overrides (`applied: false`) is greyed.
import { append, clear, h } from "../dom.js";
import { labels } from "../taxonomy.js";
import { icon } from "./icons.js";

const OVERRIDDEN = "a filter (the form's, or another read from the text) rules it out";

/** A label for an understood item's key ("exclude_country:DE" → "Not in Germany") when the
 * server's own label is not at hand (the same wording as engine/understand.py). */
export function labelOfKey(key) {
  const [kind, value = ""] = String(key).split(":");
  const country = labels.country[value] || value;
  const kindName = value === "sme" || value === "true" ? "SME" : labels.kind[value] || value;
  switch (kind) {
    case "include_country": return `In ${country}`;
    case "exclude_country": return `Not in ${country}`;
    case "prefer_country": return `Preferably in ${country}`;
    case "prefer_kind": return `Preferably: ${kindName}`;
    case "include_kind": case "sme": return kindName;
    default: return String(key);
  }
}

function describe(item) {
  const words = item.text ? ` (read from “${item.text}”)` : "";
  if (!item.applied) return `Not applied: ${OVERRIDDEN}${words}`;
  return item.hard
    ? `Filter${words}: only candidates that fit it are listed`
    : `Preference${words}: raises the candidates that fit it, removes none`;
}

function chip(item, onRemove) {
  const kind = item.hard ? "filter" : "preference";
  return h("li", {
    class: `chip understood-chip chip-${kind}${item.applied ? "" : " is-overridden"}`,
    title: describe(item),
    dataset: { key: item.key, hard: String(Boolean(item.hard)), applied: String(Boolean(item.applied)) },
  },
  icon(item.hard ? "funnel" : "arrow-up", { size: 14 }),
  h("span", { class: "sr-only" }, item.hard ? "Filter: " : "Preference: "),
  h("span", { class: "chip-label" }, item.label),
  item.applied ? null : h("span", { class: "sr-only" }, ` (not applied: ${OVERRIDDEN})`),
  h("button", {
    type: "button", class: "chip-remove", "aria-label": `Remove: ${item.label}`,
    dataset: { focusId: `remove:${item.key}` }, onclick: () => onRemove(item),
  }, icon("close", { size: 14 })));
}

/**
 * Render the row into `container`: the items of `understood` (the server's object; null hides the row)
 * not in `ignored` (Map key → label, the keys the user removed, in order) as chips, then the
 * ignored ones with a restore button. Hooks: onRemove(item), onRestore(key). Keyboard focus
 * survives a re-render: on the same button, else on the removed chip's restore button (or the
 * restored chip's remove button).
 */
export function renderUnderstood(container, understood, { ignored = new Map(), onRemove, onRestore }) {
  const active = container.contains(document.activeElement) ? document.activeElement.dataset.focusId : null;
  const items = (understood?.items || []).filter((item) => !ignored.has(item.key));
  clear(container);
  // no `understood` (an answer that does not read the text, e.g. a saved request's matches): no row
  container.hidden = !understood || (!items.length && !ignored.size);
  if (container.hidden) return;

  const titleId = `${container.id || "understood"}-title`;
  const row = h("div", { class: "understood-row" },
    h("span", { class: "understood-title", id: titleId }, "Read from your text:"),
    items.length
      ? h("ul", { class: "chips understood-chips", "aria-labelledby": titleId }, items.map((item) => chip(item, onRemove)))
      : h("span", { class: "understood-none" }, "nothing in use"));
  const rest = ignored.size
    ? h("div", { class: "understood-ignored", dataset: { ignored: "" } },
      h("span", { class: "understood-ignored-title", id: `${titleId}-ignored` }, "Ignored:"),
      h("ul", { class: "ignored-list", "aria-labelledby": `${titleId}-ignored` },
        [...ignored].map(([key, label]) => h("li", { dataset: { key } },
          h("span", { class: "ignored-label" }, label || labelOfKey(key)), " (",
          h("button", {
            type: "button", class: "link-button", "aria-label": `Restore: ${label || labelOfKey(key)}`,
            dataset: { focusId: `restore:${key}` }, onclick: () => onRestore(key),
          }, "restore"), ")"))))
    : null;
  append(container, [row, rest]);

  if (active) {
    // the button that had focus, else its counterpart (remove ↔ restore), else the first one
    const [what, ...key] = active.split(":");
    const other = `${what === "remove" ? "restore" : "remove"}:${key.join(":")}`;
    const find = (id) => container.querySelector(`[data-focus-id="${CSS.escape(id)}"]`);
    (find(active) || find(other) || container.querySelector("button"))?.focus();
  }
}
