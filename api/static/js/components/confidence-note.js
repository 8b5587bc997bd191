// How well the best candidates match the request, in words (POST /v1/recommend `confidence`,
// calibrated on history): low → a clear notice with what to do, medium → a quiet line,
// high → a discreet "Strong matches", null (no calibrated model) → nothing.
import { clear, h } from "../dom.js";
import { icon } from "./icons.js";

/** The words for each level, as shown (tests and docs read them from here). */
export const CONFIDENCE_TEXT = {
  low: ["Nothing fits this request well:", " the candidates below match it only weakly. Try describing the partner in other words or in more detail."],
  medium: ["Some candidates match this request moderately."],
  high: ["Strong matches"],
};

/**
 * Render the note for `confidence` ("high" | "medium" | "low" | null) into `container`.
 * `onEdit()`, when given, adds an "Edit the description" button to the low notice.
 */
export function renderConfidence(container, confidence, { onEdit } = {}) {
  clear(container);
  const level = Object.hasOwn(CONFIDENCE_TEXT, confidence ?? "") ? confidence : null;
  container.dataset.confidence = level || "";
  container.hidden = !level;
  if (!level) return;
  const [first, rest = ""] = CONFIDENCE_TEXT[level];
  if (level === "low") {
    container.append(h("div", { class: "notice confidence-note confidence-low" },
      icon("alert"),
      h("div", { class: "notice-body" },
        h("p", { class: "confidence-text" }, h("strong", {}, first), rest),
        onEdit ? h("button", { type: "button", class: "btn btn-small btn-secondary", onclick: onEdit },
          icon("doc"), h("span", {}, "Edit the description")) : null)));
  } else {
    container.append(h("p", { class: `confidence-note confidence-${level}` },
      icon(level === "high" ? "check" : "info", { size: 16 }),
      h("span", { class: "confidence-text" }, first)));
  }
}
