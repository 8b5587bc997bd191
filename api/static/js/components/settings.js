// The settings dialog (a modal <dialog>): the API key, shown or hidden, saved in this browser
// or removed; the settings button in the top bar shows whether a key is set.
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
  };
  $("open-settings").addEventListener("click", () => {
    input.value = apiKey.get();
    input.type = "password";
    show.setAttribute("aria-pressed", "false");
    show.textContent = "Show";
    dialog.showModal();
    input.focus();
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
