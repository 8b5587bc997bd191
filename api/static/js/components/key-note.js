// The note beside an action that needs an API key (saving a request, feedback, expressing
// interest): it says so before the first try and opens the settings. app.css hides it while
// a key is set (<body data-api-key="set">, kept by settings.js).
import { h } from "../dom.js";
import { icon } from "./icons.js";

/** "`action` needs an API key." and a button to the settings dialog. */
export function keyNote(action) {
  return h("p", { class: "key-note" }, icon("key", { size: 14 }), h("span", {}, `${action} needs an API key. `,
    h("button", { type: "button", class: "link-button", dataset: { openSettings: "" } }, "Enter your key in Settings")));
}
