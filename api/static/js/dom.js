// Small DOM helpers: build elements without innerHTML (all API text is untrusted), debounce
// input events, keep a busy button's focus, highlight terms in a text.

/**
 * h("button", {class: "btn", onclick: fn, "aria-pressed": "false"}, "Label", child, ...)
 * Attributes: `class`, `dataset` (object), `on<event>` (listener), `hidden` (boolean),
 * `text` (textContent), `style` (a declaration string); null/undefined/false attributes are
 * skipped. `style` goes through the CSSOM, not the attribute: the Content-Security-Policy
 * refuses inline style attributes, not styles set from a script of this origin.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "text") el.textContent = value;
    else if (key === "style") el.style.cssText = value;
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "hidden" || key === "disabled" || key === "checked" || key === "selected") {
      el[key] = Boolean(value);
    } else if (key === "value") el.value = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** Debounce a function by `ms` milliseconds. */
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** Run `task` with `button` disabled; a button that had the focus gets it back (disabling it
 * drops the focus to the page body). */
export async function whileBusy(button, task) {
  const focused = document.activeElement === button;
  button.disabled = true;
  try {
    return await task();
  } finally {
    button.disabled = false;
    if (focused && document.activeElement === document.body) button.focus();
  }
}

/** Text with the given terms wrapped in <mark>; matching is by word start, case-insensitive,
 * and tolerant to simple plural endings (battery → batteries). */
export function highlight(text, terms) {
  const stems = [...new Set((terms || []).map((t) => String(t).toLowerCase().trim()).filter((t) => t.length >= 2))]
    .map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .map((t) => (t.length > 4 ? t.replace(/(y|e|s)$/, "") : t))
    .sort((a, b) => b.length - a.length);
  const frag = document.createDocumentFragment();
  if (!stems.length || !text) {
    frag.append(text || "");
    return frag;
  }
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${stems.join("|")})[\\p{L}\\p{N}]*`, "giu");
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) frag.append(text.slice(last, match.index));
    frag.append(h("mark", {}, match[0]));
    last = match.index + match[0].length;
  }
  if (last < text.length) frag.append(text.slice(last));
  return frag;
}

/** Offer `blob` as a download named `filename`. */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
