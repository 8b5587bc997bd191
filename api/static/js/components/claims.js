// "Named as a partner": the self-declared projects of other organisations that name this
// one as a partner. Such a project counts as a collaboration (network signals, "partnered
// with" reasons) only once this organisation confirms it: its own key, or a curator's.
import { api } from "../api.js";
import { h, whileBusy } from "../dom.js";
import { icon } from "./icons.js";
import { reveal, showProblem, showSuccess } from "./messages.js";

export const claimsPath = (partnerId) => `/v1/profiles/${encodeURIComponent(partnerId)}/claims`;

/** One claim; after a confirm or withdraw it is drawn again in its new state, with the
 * outcome (`done`) beside its button and the focus on it. */
function claimItem(claim, partnerId, done = null) {
  const a = claim.activity;
  const result = h("div", { role: "status", class: "form-message" });
  const path = `/v1/profiles/${encodeURIComponent(claim.profile_id)}/activities/${encodeURIComponent(a.id)}/confirmations`;
  const button = h("button", { type: "button", class: `btn btn-small ${claim.confirmed ? "btn-secondary" : "btn-primary"}`, dataset: { claim: a.id } },
    icon(claim.confirmed ? "close" : "check", { size: 16 }), h("span", {}, claim.confirmed ? "Withdraw confirmation" : "Confirm we took part"));
  const item = h("li", { class: "claim", dataset: { profileId: claim.profile_id, confirmed: String(claim.confirmed) } },
    h("div", { class: "mini-head" },
      h("a", { class: "mini-name", href: `#/profile/${encodeURIComponent(claim.profile_id)}` }, claim.profile_name),
      h("span", { class: `tag ${claim.confirmed ? "" : "tag-amber"}` }, claim.confirmed ? "confirmed" : "not confirmed")),
    h("p", { class: "small" }, `${a.title || a.id}${a.year ? ` (${a.year})` : ""}: self-declared by ${claim.profile_name}.`),
    button, result);
  if (done) showSuccess(result, h("p", {}, done));
  button.addEventListener("click", () => whileBusy(button, async () => {
    try {
      if (claim.confirmed) await api(`${path}/${encodeURIComponent(partnerId)}`, { method: "DELETE" });
      else await api(path, { method: "POST", body: { partner: partnerId } });
    } catch (problem) {
      showProblem(result, problem);
      reveal(result);
      return;
    }
    const next = claimItem({ ...claim, confirmed: !claim.confirmed }, partnerId,
      claim.confirmed ? "Confirmation withdrawn: the link no longer counts." : "Confirmed: the link now counts for recommendations.");
    item.replaceWith(next);
    next.querySelector("button[data-claim]").focus();
  }));
  return item;
}

/** The claims naming profile `partnerId` (`data`: its GET …/claims answer) into `host`,
 * with confirm and withdraw buttons. */
export function drawClaims(host, data, partnerId) {
  host.replaceChildren();
  if (!data.data.length) {
    host.append(h("p", { class: "muted" }, "No other organisation names this one in a project of its own."));
    return;
  }
  host.append(h("ul", { class: "mini-list" }, data.data.map((c) => claimItem(c, partnerId))));
}
