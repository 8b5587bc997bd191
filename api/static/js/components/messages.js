// Messages to the user: problem and success notices in live regions, loading lines, toasts,
// and what is said to screen readers.
import { describeProblem } from "../api.js";
import { clear, h } from "../dom.js";
import { icon } from "./icons.js";

/** Render `problem` (ApiProblem or Error) into `container` (a role=alert region). */
export function showProblem(container, problem) {
  const { title, detail, hint } = describeProblem(problem);
  const repeated = problem?.errors?.length === 1 && problem.errors[0].message === detail;
  const fields = problem?.errors?.length && !repeated
    ? h("ul", { class: "problem-fields" },
      problem.errors.map((e) => h("li", {}, h("code", {}, e.field), " — ", e.message)))
    : null;
  const settings = problem?.needsKey
    ? h("button", { type: "button", class: "btn btn-small btn-secondary", onclick: () => document.getElementById("open-settings")?.click() },
      icon("key"), h("span", {}, "Open settings"))
    : null;
  clear(container).append(
    h("div", { class: "notice notice-error problem", dataset: { status: String(problem?.status ?? "") } },
      icon("alert"),
      h("div", { class: "notice-body" },
        h("p", { class: "notice-title" }, title),
        detail ? h("p", { class: "problem-detail" }, detail) : null,
        fields,
        hint ? h("p", { class: "hint" }, hint) : null,
        settings)),
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

/** A short visual + spoken confirmation that fades away. */
export function toast(message, kind = "info") {
  const region = document.getElementById("toasts");
  if (!region) return;
  const item = h("div", { class: `toast toast-${kind}` }, icon(kind === "error" ? "alert" : "check"), h("span", {}, message));
  region.append(item);
  setTimeout(() => item.classList.add("toast-out"), 3600);
  setTimeout(() => item.remove(), 4200);
}
