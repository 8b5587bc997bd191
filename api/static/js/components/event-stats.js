// The organiser's numbers for a schedule (stats of GET/POST …/schedule): participants, meetings
// placed, table use, who has few meetings, and per slot the meetings and tables in use, as
// CSS bars inside real tables.
import { h } from "../dom.js";
import { fmt } from "../format.js";
import { icon } from "./icons.js";
import { participantLink } from "./event-grid.js";
import { manyDays, plural, slotTime } from "./event-words.js";

function tile(label, value, note, cls = "") {
  return h("div", { class: `ev-tile ${cls}`.trim() }, h("span", { class: "ev-tile-value" }, value), h("span", { class: "ev-tile-label" }, label),
    note ? h("span", { class: "ev-tile-note" }, note) : null);
}

function bar(share, text, tone = "") {
  return h("span", { class: "bar-wrap" }, h("span", { class: `bar ${tone}`, style: `width:${Math.max(0, Math.min(1, share)) * 80}%` }),
    h("span", { class: "bar-value" }, text));
}

function perSlot(event, stats) {
  const withDate = manyDays(event.slots);
  const max = Math.max(1, ...stats.per_slot);
  const virtual = event.tables === null;
  return h("table", { class: "bars ev-per-slot", id: "ev-per-slot" },
    h("caption", { class: "gtable-caption" }, "Meetings per slot"),
    h("thead", {}, h("tr", {},
      h("th", { scope: "col", class: "bar-label" }, "Slot"),
      h("th", { scope: "col" }, "Meetings"),
      virtual ? null : h("th", { scope: "col" }, `Tables in use (of ${event.tables})`))),
    h("tbody", {}, stats.slots.map((s, i) => h("tr", { dataset: { slot: String(i) } },
      h("th", { scope: "row", class: "bar-label" }, `${i + 1} · ${slotTime(event.slots[i] || s, withDate)}`),
      h("td", {}, bar(s.meetings / max, fmt.int(s.meetings))),
      virtual ? null : h("td", {}, bar(s.table_use ?? 0, fmt.pct(s.table_use ?? 0), "bar-amber"))))));
}

function distribution(stats) {
  const rows = Object.entries(stats.meetings_per_participant).map(([n, count]) => [Number(n), count]).sort((a, b) => a[0] - b[0]);
  const max = Math.max(1, ...rows.map(([, c]) => c));
  return h("table", { class: "bars ev-spread", id: "ev-spread" },
    h("caption", { class: "gtable-caption" }, "Participants by number of meetings"),
    h("thead", { class: "sr-only" }, h("tr", {}, h("th", { scope: "col" }, "Meetings each"), h("th", { scope: "col" }, "Participants"))),
    h("tbody", {}, rows.map(([n, count]) => h("tr", {},
      h("th", { scope: "row", class: "bar-label" }, plural(n, "meeting")),
      h("td", {}, bar(count / max, plural(count, "participant"), n <= 1 ? "bar-amber" : "bar-teal"))))));
}

/** The overview of `schedule` for `event`; `names`: participant id → {name}. */
export function scheduleStats(event, schedule, names) {
  const { stats } = schedule;
  const places = event.tables === null ? null : event.tables * event.slots.length;
  const few = stats.few_meetings;
  const none = new Set(stats.without_meeting);
  const placedBefore = schedule.meetings.filter((m) => m.accepted).length;
  return h("div", { class: "ev-stats", id: "ev-stats" },
    h("div", { class: "ev-tiles" },
      tile("participants", fmt.int(stats.participants)),
      tile("meetings placed", fmt.int(stats.meetings), placedBefore ? `${fmt.int(placedBefore)} requested or must meet` : null),
      places === null
        ? tile("tables", "online", "a virtual event has no table limit")
        : tile("table places used", fmt.pct(places ? stats.meetings / places : 0), `${fmt.int(stats.meetings)} of ${fmt.int(places)}`),
      tile("with at most one meeting", fmt.int(few.length), few.length ? "listed below" : "everyone available meets at least twice", few.length ? "ev-tile-warn" : "")),
    h("div", { class: "ev-charts" }, perSlot(event, stats), distribution(stats)),
    few.length ? h("div", { class: "ev-few", id: "ev-few" },
      h("h3", {}, icon("alert", { size: 16 }), "Few meetings"),
      h("p", { class: "hint" }, "Available participants with no meeting or only one. Check their availability and what they seek, or ask others to meet them, then re-plan."),
      h("ul", { class: "ev-few-list" }, few.map((id) => h("li", { dataset: { profileId: id } },
        participantLink(event.id, id, names), " ", h("span", { class: `tag ${none.has(id) ? "tag-amber" : ""}` }, none.has(id) ? "no meeting" : "1 meeting")))))
      : null);
}
