// The settings dialog (a modal <dialog>): the API key, shown or hidden, saved in this browser
// or removed. Whether a key is set shows on the settings button in the top bar and as
// <body data-api-key="set">, which hides the notes beside key-only actions (key-note.js);
// any [data-open-settings] button opens the dialog.
import { apiKey } from "../api.js";
import { toast } from "./messages.js";

const $ = (id) => document.getElementById(id);

/** Wire the dialog of index.html (#settings) and its button (#open-settings). */
export function initSettings() {
  const dialog = $("settings");
  const input = $("s-key");
  const show = $("s-key-show");
  const updateState = () => {
    const on = Boolean(apiKey.get());
    $("key-state").classList.toggle("on", on);
    $("key-state").title = on ? "API key set" : "No API key set";
    $("open-settings").setAttribute("aria-label", on ? "Settings (API key set)" : "Settings (no API key)");
    if (on) document.body.dataset.apiKey = "set";
    else delete document.body.dataset.apiKey;
  };
  const open = () => {
    input.value = apiKey.get();
    input.type = "password";
    show.setAttribute("aria-pressed", "false");
    show.textContent = "Show";
    dialog.showModal();
    input.focus();
  };
  $("open-settings").addEventListener("click", open);
  document.addEventListener("click", (e) => {
    if (e.target.closest?.("[data-open-settings]")) open();
  });
  show.addEventListener("click", () => {
    const visible = input.type === "password";
    input.type = visible ? "text" : "password";
    show.setAttribute("aria-pressed", String(visible));
    show.textContent = visible ? "Hide" : "Show";
  });
  $("settings-form").addEventListener("submit", () => {
    apiKey.set(input.value.trim());
    toast(input.value.trim() ? "API key saved in this browser" : "API key removed");
  });
  $("s-cancel").addEventListener("click", () => dialog.close());
  $("s-clear").addEventListener("click", () => {
    input.value = "";
    apiKey.set("");
    dialog.close();
    toast("API key removed");
  });
  window.addEventListener("apikeychange", updateState);
  updateState();
}
