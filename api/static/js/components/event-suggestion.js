// One reciprocal suggestion on a participant's page (SuggestionOut of GET …/suggestions): the
// partner, the pair's value, both directions with the engine's reasons ("for what they seek,
// you rank …; for what you seek, they rank …"), the slots both are free, and a meeting request
// with a message (POST /v1/events/{id}/meetings).
import { api } from "../api.js";
import { h, whileBusy } from "../dom.js";
import { fmt } from "../format.js";
import { labels } from "../taxonomy.js";
import { icon } from "./icons.js";
import { lengthNote } from "./length-note.js";
import { reveal, showProblem } from "./messages.js";
import { heat, labelled, slotList, STATUS } from "./event-words.js";

/** The API's limit on a meeting request's message (api/schemas/events.py). */
const MAX_MESSAGE = 4000;

/** One direction: what the seeking side asked for, and the engine's reason for the other. */
function side(title, text, s) {
  return h("div", { class: "ev-side" },
    h("p", { class: "ev-side-title" }, title, text ? h("q", {}, text) : null),
    h("p", { class: "ev-side-reason" }, s.reason));
}

function requestForm(event, me, s, onSent) {
  const id = `ev-req-${s.profile.id.replace(/[^\w-]/g, "_")}`;
  const message = h("textarea", { id: `${id}-msg`, rows: "3", placeholder: `What would you like to discuss with ${s.profile.name}?` });
  const result = h("div", { class: "form-message", role: "alert" });
  const send = h("button", { type: "submit", class: "btn btn-primary btn-small" }, icon("send", { size: 16 }), h("span", {}, "Send request"));
  const form = h("form", { class: "interest-form ev-request-form", id, "aria-label": `Request a meeting with ${s.profile.name}` },
    h("label", { for: `${id}-msg` }, `Message to ${s.profile.name}`, h("span", { class: "optional" }, "optional")),
    message, h("div", { class: "form-actions" }, send), result);
  lengthNote(message, MAX_MESSAGE, "the message");
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    whileBusy(send, async () => {
      try {
        const meeting = await api(`/v1/events/${encodeURIComponent(event.id)}/meetings`, {
          method: "POST", body: { from: me.id, to: s.profile.id, message: message.value.trim() },
        });
        onSent(meeting, s);
      } catch (problem) {
        showProblem(result, labelled(problem, { message: "Message", to: "Partner", from: "Your organisation" }));
        reveal(result);
      }
    });
  });
  return form;
}

/**
 * The card of suggestion `s` (rank `rank`) for participant `me` ({id, name, seek}) at `event`;
 * `onSent(meeting, s)` after a request is sent.
 */
export function suggestionCard(event, me, s, rank, onSent) {
  const p = s.profile;
  let action;
  if (s.meeting) {
    const words = s.meeting.status === "pending" ? "Request sent: waiting for an answer" : `Meeting ${STATUS[s.meeting.status] || s.meeting.status}`;
    action = h("span", { class: "tag tag-teal ev-meeting-state", tabindex: "-1", dataset: { status: s.meeting.status } }, icon("check", { size: 14 }), " ", words);
  } else {
    const holder = h("div", { class: "interest-holder", hidden: true, id: `ev-req-wrap-${rank}` });
    const toggle = h("button", {
      type: "button", class: "btn btn-small btn-secondary", "aria-expanded": "false", "aria-controls": holder.id, dataset: { request: p.id },
      onclick: () => {
        const open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", String(open));
        holder.hidden = !open;
        if (open && !holder.firstChild) holder.append(requestForm(event, me, s, onSent));
        if (open) holder.querySelector("textarea")?.focus();
      },
    }, icon("send", { size: 16 }), h("span", {}, "Request a meeting"));
    action = h("div", {}, toggle, holder);
  }
  return h("li", { class: "card ev-suggestion", dataset: { profileId: p.id } }, h("article", {},
    h("div", { class: "card-head" },
      h("span", { class: "rank", "aria-label": `Rank ${rank}` }, String(rank)),
      h("div", { class: "card-title" },
        h("h3", {}, h("a", { href: `#/profile/${encodeURIComponent(p.id)}` }, p.name)),
        h("p", { class: "meta" },
          h("span", { class: "tag tag-kind" }, labels.kind[p.kind] || p.kind),
          h("span", { class: "loc" }, icon("pin", { size: 14 }), labels.country[p.country] || p.country),
          s.must_meet ? h("span", { class: "tag tag-amber" }, "must meet") : null)),
      h("span", { class: `ev-value ${heat(s.score)}`, title: "the pair's value: 0 to 1, high only when each side finds what it seeks in the other" },
        h("span", { class: "ev-value-num" }, fmt.num(s.score)), h("span", { class: "ev-value-label" }, "match"))),
    h("p", { class: "summary" }, s.summary),
    h("div", { class: "ev-sides" },
      side("They seek ", s.seek, s.theirs),
      side("You seek ", me.seek, s.yours)),
    h("p", { class: "small ev-offer" }, h("strong", {}, "They offer: "), s.offer || h("span", { class: "muted" }, "nothing stated")),
    h("div", { class: "ev-suggestion-foot" },
      h("span", { class: "hint" }, `Free together: ${slotList(s.slots, event.slots.length)}`), action)));
}
