// The star toggle that adds an organisation to the shortlist or removes it (aria-pressed),
// kept in sync with the shortlist store.
import { clear, h } from "../dom.js";
import { shortlist } from "../shortlist.js";
import { icon } from "./icons.js";
import { toast } from "./messages.js";

/** A star button for a shortlist `entry` (see entryOf); `compact` shows the icon only. */
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
