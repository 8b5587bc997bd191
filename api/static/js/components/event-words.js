// How a matchmaking event is said in the workspace: slot times as the event's own wall clock
// (the offset the organiser gave, not the browser's zone), ordinals, meeting statuses and
// origins, and problems whose fields are named by the event forms' labels.
import { ApiProblem } from "../api.js";

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WALL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** An ISO 8601 time as written: {day: "2026-05-05", date: "Tue 5 May 2026", time: "09:00", zone: "UTC+02:00"}. */
export function wallClock(iso) {
  const m = WALL.exec(String(iso || ""));
  if (!m) return { day: String(iso || ""), date: String(iso || ""), time: "", zone: "" };
  const [, y, mo, d, hh, mm, off] = m;
  const weekday = DAYS[new Date(Date.UTC(+y, +mo - 1, +d)).getUTCDay()];
  const zone = !off || off === "Z" ? "UTC" : `UTC${off.length === 5 ? `${off.slice(0, 3)}:${off.slice(3)}` : off}`;
  return { day: `${y}-${mo}-${d}`, date: `${weekday} ${+d} ${MONTHS[+mo - 1]} ${y}`, time: `${hh}:${mm}`, zone };
}

/** Whether the slots lie on more than one day (then a slot's label names its day). */
export function manyDays(slots) {
  return new Set(slots.map((s) => wallClock(s.start).day)).size > 1;
}

/** "09:00–09:30", with the day first when `withDate` ("Tue 5 May 2026, 09:00–09:30"). */
export function slotTime(slot, withDate = false) {
  const a = wallClock(slot.start);
  const b = wallClock(slot.end);
  const span = `${a.time}–${b.time}`;
  return withDate ? `${a.date}, ${span}` : span;
}

/** When the event takes place: "Tue 5 May 2026, 09:00–12:00 (UTC+02:00)". */
export function eventWhen(event) {
  const slots = event.slots || [];
  if (!slots.length) return "";
  const first = wallClock(slots[0].start);
  const last = wallClock(slots[slots.length - 1].end);
  const zone = first.zone ? ` (${first.zone})` : "";
  if (first.day === last.day) return `${first.date}, ${first.time}–${last.time}${zone}`;
  return `${first.date} ${first.time} – ${last.date} ${last.time}${zone}`;
}

/** The length of the event's first slot in minutes (slots are usually all alike). */
export function slotMinutes(event) {
  const s = event.slots?.[0];
  if (!s) return 0;
  return Math.round((new Date(s.end) - new Date(s.start)) / 60000);
}

export function ordinal(n) {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" }[n % 10] || "th");
  return `${n}${suffix}`;
}

export const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Slot indexes as people count them: "all 6 slots", "slots 1, 2 and 5", "slot 3". */
export function slotList(indexes, total) {
  const sorted = [...indexes].sort((a, b) => a - b);
  if (total && sorted.length === total) return `all ${plural(total, "slot")}`;
  if (!sorted.length) return "no slot";
  const names = sorted.map((i) => String(i + 1));
  if (names.length === 1) return `slot ${names[0]}`;
  return `slots ${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** A table as people read it (numbered from 1), or online at a virtual event. */
export const tableName = (table) => (table === null || table === undefined ? "online" : `Table ${table}`);

/** A meeting's status in words, from the point of view of a participant. */
export const STATUS = {
  pending: "waiting for an answer",
  accepted: "accepted",
  declined: "declined",
  cancelled: "cancelled",
  scheduled: "scheduled",
};

/** Why a meeting is in the schedule (ScheduleOrigin) and its tag class. */
export const ORIGIN = {
  request: { text: "Requested", tag: "tag-amber", hint: "a request both sides accepted" },
  must_meet: { text: "Must meet", tag: "tag-kind", hint: "on a participant's must-meet list" },
  suggestion: { text: "Suggested", tag: "", hint: "a suggested pair the scheduler chose" },
};

/** A pair's value in [0, 1] as a heat class for cells and bars. */
export function heat(score) {
  if (score >= 0.75) return "heat-3";
  if (score >= 0.5) return "heat-2";
  if (score >= 0.25) return "heat-1";
  return "heat-0";
}

/**
 * `problem` with its fields named by `labels` ({field: "Form label"}), so problem-text.js
 * says "What it seeks: …" rather than "seek: …". Other errors pass unchanged.
 */
export function labelled(problem, labels) {
  if (!(problem instanceof ApiProblem) || !problem.errors) return problem;
  const copy = new ApiProblem(problem);
  copy.errors = problem.errors.map((e) => {
    const name = String(e.field || "").replace(/^body\./, "").split(".")[0];
    return { ...e, field: labels[name] || e.field };
  });
  return copy;
}

/** A 422 found here, before sending, worded as the server's: [{field, message}] (each field
 * then listed by its label). */
export function formProblem(errors) {
  return new ApiProblem({ title: "Unprocessable Entity", status: 422, detail: "", errors });
}
