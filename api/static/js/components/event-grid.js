// The organiser's schedule grid: one row per slot, one column per table (one column of meetings
// at a virtual event). Each placed meeting shows both participants, the pair's value and why it
// is there (requested, must meet, suggested), with a button that cancels it.
import { h } from "../dom.js";
import { fmt } from "../format.js";
import { icon } from "./icons.js";
import { heat, manyDays, ORIGIN, slotTime, tableName } from "./event-words.js";

/** A participant's name, linked to its page at this event. */
export function participantLink(eventId, id, names) {
  const name = names.get(id)?.name || id;
  return h("a", { href: `#/events/${encodeURIComponent(eventId)}/participant/${encodeURIComponent(id)}`, class: "ev-person" }, name);
}

function meetingCell(event, m, names, { onCancel, fresh }) {
  const origin = ORIGIN[m.origin] || ORIGIN.suggestion;
  const a = names.get(m.a)?.name || m.a;
  const b = names.get(m.b)?.name || m.b;
  const where = `slot ${m.slot + 1}, ${tableName(m.table).toLowerCase()}`;
  return h("div", {
    class: `ev-meeting${fresh?.has(m.id) ? " is-new" : ""}`,
    dataset: { meetingId: String(m.id), pair: `${m.a}|${m.b}`, slot: String(m.slot), table: m.table === null ? "" : String(m.table) },
  },
  h("span", { class: "ev-pair" }, participantLink(event.id, m.a, names), h("span", { class: "ev-amp", "aria-hidden": "true" }, "↔"),
    h("span", { class: "sr-only" }, " meets "), participantLink(event.id, m.b, names)),
  h("span", { class: "ev-meeting-foot" },
    h("span", { class: `ev-score ${heat(m.score)}`, title: "the pair's value: 0 to 1, both sides' fit" }, fmt.num(m.score)),
    h("span", { class: `tag ${origin.tag}`, title: origin.hint }, origin.text),
    fresh?.has(m.id) ? h("span", { class: "tag tag-teal", title: "placed by the last run" }, "new") : null,
    onCancel ? h("button", {
      type: "button", class: "btn btn-icon btn-quiet ev-cancel", title: `Cancel this meeting (${where})`,
      "aria-label": `Cancel the meeting of ${a} and ${b} (${where})`, dataset: { cancel: String(m.id) },
      onclick: (e) => onCancel(m, e.currentTarget),
    }, icon("close", { size: 14 })) : null));
}

/**
 * The slot × table grid of `schedule` (GET/POST …/schedule) for `event`; `names`: participant
 * id → {name}; `opts`: onCancel(meeting, button), fresh (a Set of meeting ids placed by the
 * last run, outlined).
 */
export function scheduleGrid(event, schedule, names, opts = {}) {
  const withDate = manyDays(event.slots);
  const bySlot = event.slots.map(() => []);
  for (const m of schedule.meetings) bySlot[m.slot]?.push(m);
  const virtual = event.tables === null;
  const columns = virtual ? ["Meetings"] : Array.from({ length: event.tables }, (_, i) => tableName(i + 1));
  const rows = event.slots.map((slot, i) => {
    const head = h("th", { scope: "row", class: "ev-slot" }, h("span", { class: "ev-slot-no" }, `Slot ${i + 1}`), h("span", {}, slotTime(slot, withDate)));
    if (virtual) {
      const cell = bySlot[i].length
        ? h("td", { class: "ev-cell" }, h("div", { class: "ev-online" }, bySlot[i].map((m) => meetingCell(event, m, names, opts))))
        : h("td", { class: "ev-cell ev-free" }, "no meeting");
      return h("tr", { dataset: { slot: String(i) } }, head, cell);
    }
    const atTable = new Map(bySlot[i].map((m) => [m.table, m]));
    return h("tr", { dataset: { slot: String(i) } }, head, columns.map((_, t) => {
      const m = atTable.get(t + 1);
      return m ? h("td", { class: "ev-cell" }, meetingCell(event, m, names, opts)) : h("td", { class: "ev-cell ev-free" }, "free");
    }));
  });
  return h("div", { class: "table-wrap ev-grid-wrap" }, h("table", { class: "table ev-grid", id: "ev-grid" },
    h("caption", { class: "sr-only" }, virtual ? "The schedule: meetings per slot (online)" : "The schedule: slots by tables"),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Slot"), columns.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows)));
}
