// Messages to the user: problem and success notices in live regions (brought into view where
// an action's outcome is shown), loading lines, toasts, and what is said to screen readers.
import { clear, h } from "../dom.js";
import { describeProblem } from "../problem-text.js";
import { icon } from "./icons.js";

/** Render `problem` (ApiProblem or Error) into `container` (a role=alert region). */
export function showProblem(container, problem) {
  const { title, detail, fields, hint, reference } = describeProblem(problem);
  const list = fields.length
    ? h("ul", { class: "problem-fields" }, fields.map((f) => h("li", {}, h("strong", {}, f.label), ": ", f.message)))
    : null;
  const settings = problem?.needsKey
    ? h("button", { type: "button", class: "btn btn-small btn-secondary", dataset: { openSettings: "" } },
      icon("key"), h("span", {}, "Open settings"))
    : null;
  clear(container).append(
    h("div", { class: "notice notice-error problem", dataset: { status: String(problem?.status ?? "") } },
      icon("alert"),
      h("div", { class: "notice-body" },
        h("p", { class: "notice-title" }, title),
        detail ? h("p", { class: "problem-detail" }, detail) : null,
        list,
        hint ? h("p", { class: "hint" }, hint) : null,
        settings,
        reference ? h("p", { class: "problem-reference" }, `Technical details: ${reference}`) : null)),
  );
}

export function showSuccess(container, ...content) {
  clear(container).append(
    h("div", { class: "notice notice-success" }, icon("check"), h("div", { class: "notice-body" }, ...content)),
  );
}

export function clearMessage(container) {
  clear(container);
}

/** Scroll `container` into view if it is not, e.g. an action's outcome below the fold. */
export function reveal(container) {
  const smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  container.scrollIntoView({ block: "nearest", behavior: smooth ? "smooth" : "auto" });
}

/** A small loading line with a spinner, for aria-busy regions. */
export function loading(text = "Loading…") {
  return h("p", { class: "loading" }, h("span", { class: "spinner", "aria-hidden": "true" }), text);
}

let announceTimer = null;
/** Say something to screen readers through the polite live region. */
export function announce(message) {
  const region = document.getElementById("announcer");
  if (!region) return;
  clearTimeout(announceTimer);
  region.textContent = "";
  announceTimer = setTimeout(() => { region.textContent = message; }, 50);
}

/** A short confirmation that fades away, out of the results' way (see .toast-region). */
export function toast(message, kind = "info") {
  const region = document.getElementById("toasts");
  if (!region) return;
  const item = h("div", { class: `toast toast-${kind}` }, icon(kind === "error" ? "alert" : "check"), h("span", {}, message));
  region.append(item);
  setTimeout(() => item.classList.add("toast-out"), 3600);
  setTimeout(() => item.remove(), 4200);
}
