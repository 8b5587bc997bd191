// The feedback buttons of a candidate (Relevant / Not relevant / Contacted), toggle buttons with
// their own status line and error message, and the note that feedback needs an API key.
import { clear, h, whileBusy } from "../dom.js";
import { icon } from "./icons.js";
import { keyNote } from "./key-note.js";
import { reveal, showProblem } from "./messages.js";

const OPTIONS = [
  ["relevant", "Relevant", "thumb-up"],
  ["not_relevant", "Not relevant", "thumb-down"],
  ["contacted", "Contacted", "send"],
];

/** The feedback group of `candidate`; `onFeedback(candidate, label)` sends one (a promise). */
export function feedbackGroup(candidate, onFeedback) {
  const name = candidate.profile.name;
  const status = h("span", { class: "fb-status", role: "status" });
  const error = h("div", { class: "fb-error", role: "alert" });
  const buttons = OPTIONS.map(([label, text, iconName]) => {
    const button = h("button", {
      type: "button", class: "btn btn-small btn-feedback", "aria-pressed": "false", dataset: { feedback: label },
      onclick: () => whileBusy(button, async () => {
        clear(error);
        status.textContent = "Sending…";
        try {
          await onFeedback(candidate, label);
          button.setAttribute("aria-pressed", "true");
          status.textContent = `Thank you: “${text.toLowerCase()}” recorded`;
        } catch (problem) {
          status.textContent = "";
          showProblem(error, problem);
          reveal(error);
        }
      }),
    }, icon(iconName, { size: 16 }), h("span", {}, text));
    return button;
  });
  return h("div", { class: "feedback" },
    h("div", { class: "feedback-row", role: "group", "aria-label": `Feedback on ${name}` },
      h("span", { class: "feedback-label", "aria-hidden": "true" }, "Feedback"), buttons, status),
    keyNote("Feedback"), error);
}
