// The count of shortlisted organisations on the Shortlist link of the top bar.
import { shortlist } from "../shortlist.js";

/** Keep `badge` (#shortlist-count) equal to the number of shortlisted organisations. */
export function initShortlistBadge(badge) {
  const update = () => {
    const n = shortlist.count();
    badge.textContent = String(n);
    badge.setAttribute("aria-label", `${n} shortlisted`);
    badge.classList.toggle("badge-empty", n === 0);
  };
  shortlist.subscribe(update);
  update();
}
