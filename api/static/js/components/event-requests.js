// A participant's meeting requests (GET /v1/events/{id}/meetings?profile_id=, any key): those
// waiting for its answer (accept, decline), those it sent (cancel), and the answered ones.
// Meetings the scheduler placed from suggestions are in the agenda, not here.
import { api } from "../api.js";
import { h, whileBusy } from "../dom.js";
import { fmt } from "../format.js";
import { iconButton } from "./icons.js";
import { showProblem } from "./messages.js";
import { slotTime, STATUS, tableName } from "./event-words.js";

function when(event, m) {
  if (m.slot === null || m.slot === undefined) return m.status === "accepted" ? "waiting for the schedule" : null;
  return `slot ${m.slot + 1}, ${slotTime(event.slots[m.slot])}, ${tableName(m.table).toLowerCase()}`;
}

function item(event, m, other, buttons, error) {
  const place = when(event, m);
  return h("li", { class: "ev-request", dataset: { meetingId: String(m.id), status: m.status } },
    h("div", { class: "mini-head" },
      h("span", { class: "mini-name" }, other),
      h("span", { class: `tag ev-status-${m.status}` }, STATUS[m.status] || m.status)),
    m.message ? h("p", { class: "ev-message" }, h("q", {}, m.message)) : h("p", { class: "muted small" }, "No message."),
    h("p", { class: "hint" }, `Sent ${fmt.date(m.created_at)}${place ? ` · ${place}` : ""}`),
    buttons.length ? h("div", { class: "form-actions" }, buttons) : null,
    error);
}

/**
 * The requests of participant `me` ({id}) at `event` from `meetings` (MeetingPublic[]);
 * `names`: id → {name}; `onChanged(meeting, action)` after an answer.
 */
export function requestLists(event, me, meetings, names, onChanged) {
  const requests = meetings.filter((m) => m.origin === "request");
  const nameOf = (id) => names.get(id)?.name || id;
  const act = (m, action, label, cls) => {
    const error = h("div", { role: "alert", class: "form-message" });
    const button = iconButton({ accept: "check", decline: "close", cancel: "trash" }[action], label, {
      class: `${cls} btn-small`, dataset: { action },
      onclick: () => whileBusy(button, async () => {
        try {
          const changed = await api(`/v1/events/${encodeURIComponent(event.id)}/meetings/${m.id}/${action}`, { method: "POST" });
          onChanged(changed, action);
        } catch (problem) {
          showProblem(error, problem);
        }
      }),
    });
    return { button, error };
  };
  const incoming = requests.filter((m) => m.to === me.id && m.status === "pending");
  const outgoing = requests.filter((m) => m.from === me.id && m.status === "pending");
  const answered = requests.filter((m) => m.status !== "pending");
  const list = (id, title, items, empty) => h("div", { class: "ev-requests", id },
    h("h3", {}, title, ` (${items.length})`),
    items.length ? h("ul", { class: "mini-list" }, items) : h("p", { class: "muted small" }, empty));
  return h("div", { class: "ev-request-lists" },
    list("ev-incoming", "Waiting for your answer", incoming.map((m) => {
      const yes = act(m, "accept", "Accept", "btn-primary");
      const no = act(m, "decline", "Decline", "btn-secondary");
      const error = h("div", {}, yes.error, no.error);
      return item(event, m, `From ${nameOf(m.from)}`, [yes.button, no.button], error);
    }), "No request is waiting for your answer."),
    list("ev-outgoing", "Sent by you", outgoing.map((m) => {
      const cancel = act(m, "cancel", "Cancel request", "btn-quiet");
      return item(event, m, `To ${nameOf(m.to)}`, [cancel.button], cancel.error);
    }), "You have no request waiting. Request meetings from the suggestions."),
    list("ev-answered", "Answered", answered.map((m) => {
      const other = m.from === me.id ? `To ${nameOf(m.to)}` : `From ${nameOf(m.from)}`;
      const cancel = m.status === "accepted" ? act(m, "cancel", "Cancel meeting", "btn-quiet") : null;
      return item(event, m, other, cancel ? [cancel.button] : [], cancel?.error);
    }), "Nothing answered yet."));
}
