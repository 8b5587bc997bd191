// The organiser's page of a matchmaking event (#/events/ID): what the event is, the scheduling
// control (run, re-plan keeping confirmed meetings, re-plan from scratch), the overview
// numbers, the slot × table grid, the participants with the registration form, the suggestion
// matrix, and the CSV export. Writes and the matrix need a curator's key (docs/api.md, Events).
import { api, apiKey } from "../api.js";
import { scheduleGrid } from "../components/event-grid.js";
import { fetchFile, safeName } from "../components/event-files.js";
import { pairKey, suggestionMatrix } from "../components/event-matrix.js";
import { registerForm } from "../components/event-register.js";
import { scheduleStats } from "../components/event-stats.js";
import { eventWhen, plural, slotList, slotMinutes, tableName } from "../components/event-words.js";
import { icon, iconButton } from "../components/icons.js";
import { keyNote } from "../components/key-note.js";
import { announce, loading, reveal, showProblem, showSuccess } from "../components/messages.js";
import { clear, h, saveBlob, whileBusy } from "../dom.js";
import { fmt } from "../format.js";
import { labels } from "../taxonomy.js";

/** What the solver proved of a run: optimal, within the stated gap of it, or no proof. */
function solverProof(run) {
  if (run.status !== "optimal") return "the best found within the solver's budget";
  if (!run.gap) return "proven optimal";
  return `proven within ${(run.gap * 100).toFixed(1)} % of the best possible`;
}

const MATRIX_K = [3, 5, 10];
let current = null; // the page shown: {event, participants, schedule, names, parts, k, seq}
let seq = 0;

window.addEventListener("apikeychange", () => {
  if (current && document.body.contains(current.parts.matrix)) loadMatrix(current);
});

const path = (event, tail = "") => `/v1/events/${encodeURIComponent(event.id)}${tail}`;

function namesOf(participants) {
  return new Map(participants.map((p) => [p.profile.id, p.profile]));
}

/** A solver time as people read it: "0.42 s", "under 0.01 s". */
const secondsText = (s) => (s < 0.005 ? "under 0.01 s" : `${fmt.num(s)} s`);

function runText(run) {
  if (!run) return "Not scheduled yet.";
  const at = run.at ? new Date(run.at) : null;
  const when = at && !Number.isNaN(at.getTime())
    ? at.toLocaleString("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" }) : "";
  const proof = solverProof(run);
  const mode = run.mode === "full" ? "planned from scratch" : "confirmed meetings kept";
  return `Last scheduled ${when}: ${proof} in ${secondsText(run.seconds ?? 0)}, ${mode}.`;
}

// ---- the head: what the event is, and the scheduling control ------------------------------
function drawHead(page) {
  const { event, participants } = page;
  const minutes = slotMinutes(event);
  const enough = participants.length >= 2;
  const run = (mode, label, attrs) => h("button", {
    type: "button", ...attrs, disabled: !enough,
    onclick: (e) => runSchedule(page, mode, e.currentTarget),
  }, icon(mode === "full" ? "spark" : "layers"), h("span", {}, label));
  const controls = event.scheduled
    ? [run("keep", "Re-plan (keep confirmed)", { class: "btn btn-primary", id: "ev-replan", "aria-describedby": "ev-run-hint" }),
      run("full", "Re-plan from scratch", { class: "btn btn-secondary", id: "ev-replan-full", "aria-describedby": "ev-run-hint" })]
    : [run("keep", "Run schedule", { class: "btn btn-primary", id: "ev-run", "aria-describedby": "ev-run-hint" })];
  const hint = !enough
    ? "Register at least two participants before scheduling."
    : event.scheduled
      ? "Re-plan keeps every placed meeting at its slot and table and fills the free places; from scratch plans everything again (accepted requests still come first)."
      : "Places accepted requests and must-meet pairs first, then the best suggested pairs, so that everyone available gets meetings.";
  const who = "Scheduling, the matrix and the CSV need a curator's key.";
  clear(page.parts.head).append(
    h("div", { class: "profile-title" },
      h("div", {},
        h("h1", { tabindex: "-1", class: "view-title", id: "ev-title" }, event.title),
        h("p", { class: "meta" },
          h("span", { class: "loc" }, icon("doc", { size: 14 }), eventWhen(event)),
          h("span", { class: "tag" }, `${plural(event.slots.length, "slot")}${minutes ? ` of ${minutes} min` : ""}`),
          h("span", { class: "tag" }, event.virtual ? "virtual: no table limit" : `${plural(event.tables, "table")} per slot`),
          h("span", { class: "tag" }, `up to ${plural(event.max_meetings, "meeting")} each`),
          ...event.focus_ecosystems.map((e) => h("span", { class: "tag tag-teal", title: "focus ecosystem" }, labels.ecosystem[e] || e)),
          ...event.focus_countries.map((c) => h("span", { class: "tag tag-kind", title: "focus country" }, labels.country[c] || c)))),
      h("div", { class: "page-actions" },
        iconButton("download", "Export CSV", { class: "btn-secondary", id: "ev-csv", onclick: (e) => exportCsv(page, e.currentTarget) }))),
    h("div", { class: "ev-run" },
      h("div", { class: "page-actions" }, controls),
      h("p", { class: "hint", id: "ev-run-hint" }, hint, " ", who),
      h("p", { class: "ev-run-state", id: "ev-run-state" }, runText(event.scheduled)),
      keyNote("Scheduling")),
    page.parts.message);
}

// ---- the overview and the grid ---------------------------------------------------------------
function drawSchedule(page, fresh = null) {
  const { event, schedule, names, parts } = page;
  clear(parts.overview);
  clear(parts.grid);
  if (!event.scheduled && !schedule.meetings.length) {
    const empty = (text) => h("div", { class: "empty ev-empty" }, icon("layers"), h("p", {}, text));
    parts.overview.append(empty(page.participants.length
      ? "No schedule yet. Check the suggestion matrix below, then press Run schedule: the numbers per slot and the participants with few meetings appear here."
      : "No schedule yet, and no participants. Register participants first (below), then run the schedule."));
    parts.grid.append(empty("The slot × table grid appears here once the schedule has run."));
    return;
  }
  parts.overview.append(scheduleStats(event, schedule, names));
  parts.grid.append(
    h("p", { class: "hint" }, event.virtual
      ? "Each slot's meetings (online). Select a name for that participant's page."
      : `Each cell is a table in a slot; ${plural(schedule.meetings.length, "meeting")} placed. Cancelling a meeting frees its place for the next re-plan.`),
    scheduleGrid(event, schedule, names, { fresh, onCancel: (m, button) => cancelMeeting(page, m, button) }));
}

async function refreshSchedule(page) {
  const [event, schedule] = await Promise.all([api(path(page.event)), api(path(page.event, "/schedule"))]);
  page.event = event;
  page.schedule = schedule;
}

async function runSchedule(page, mode, button) {
  const before = new Map(page.schedule.meetings.map((m) => [m.id, m]));
  await whileBusy(button, async () => {
    const { message } = page.parts;
    clear(message).append(loading(mode === "full" ? "Planning the event from scratch…" : "Placing meetings…"));
    try {
      const result = await api(path(page.event, "/schedule"), { method: "POST", body: { mode } });
      let kept = 0;
      let moved = 0;
      const fresh = new Set();
      for (const m of result.meetings) {
        const old = before.get(m.id);
        if (!old) fresh.add(m.id);
        else if (old.slot === m.slot && old.table === m.table) kept += 1;
        else moved += 1;
      }
      if (!before.size) fresh.clear(); // on a first run every meeting is new: none is outlined
      const removed = [...before.keys()].filter((id) => !result.meetings.some((m) => m.id === id)).length;
      page.schedule = result;
      page.event = await api(path(page.event));
      drawHead(page);
      drawSchedule(page, fresh);
      drawPeopleTable(page);
      refreshMatrixMarks(page);
      const s = result.stats;
      const parts = [`${plural(s.meetings, "meeting")} placed`];
      if (before.size) parts.push(`${fmt.int(kept)} kept in place`, `${fmt.int(fresh.size)} new (outlined in green)`, `${fmt.int(moved)} moved`, `${fmt.int(removed)} removed`);
      const proof = solverProof(s);
      showSuccess(page.parts.message, h("p", { class: "notice-title" }, "Schedule saved"),
        h("p", { id: "ev-run-result" }, `${parts.join(" · ")}. ${proof[0].toUpperCase()}${proof.slice(1)}, in ${secondsText(s.seconds ?? 0)}.`),
        s.few_meetings.length ? h("p", {}, `${plural(s.few_meetings.length, "participant")} with at most one meeting: see the overview.`) : null);
      announce(`Schedule saved: ${plural(s.meetings, "meeting")} placed`);
    } catch (problem) {
      showProblem(page.parts.message, problem);
    }
    reveal(page.parts.message);
  });
  page.parts.head.querySelector("#ev-replan, #ev-run")?.focus();
}

async function cancelMeeting(page, meeting, button) {
  const a = page.names.get(meeting.a)?.name || meeting.a;
  const b = page.names.get(meeting.b)?.name || meeting.b;
  await whileBusy(button, async () => {
    try {
      await api(path(page.event, `/meetings/${meeting.id}/cancel`), { method: "POST" });
      await refreshSchedule(page);
      drawHead(page);
      drawSchedule(page);
      drawPeopleTable(page);
      refreshMatrixMarks(page);
      showSuccess(page.parts.message, h("p", { id: "ev-cancel-result" },
        `The meeting of ${a} and ${b} is cancelled: slot ${meeting.slot + 1}, ${tableName(meeting.table).toLowerCase()} is free. `
        + "Re-plan (keep confirmed) to fill it; no other meeting moves."));
      announce(`Meeting of ${a} and ${b} cancelled`);
    } catch (problem) {
      showProblem(page.parts.message, problem);
    }
  });
  reveal(page.parts.message);
  page.parts.head.querySelector("#ev-replan")?.focus();
}

async function exportCsv(page, button) {
  await whileBusy(button, async () => {
    try {
      const blob = await fetchFile(path(page.event, "/schedule.csv"), "text/csv");
      saveBlob(blob, `${safeName(page.event.id)}-schedule.csv`);
    } catch (problem) {
      showProblem(page.parts.message, problem);
      reveal(page.parts.message);
    }
  });
}

// ---- participants ---------------------------------------------------------------------------
function participantsTable(page) {
  const { event, participants, schedule, names } = page;
  if (!participants.length) {
    return h("div", { class: "empty ev-empty", id: "ev-no-participants" }, icon("users"),
      h("p", {}, "No participants yet. Register the first one with the form below: an organisation, what it offers and seeks, and when it is free."));
  }
  const count = new Map();
  for (const m of schedule.meetings) for (const id of [m.a, m.b]) count.set(id, (count.get(id) || 0) + 1);
  const nameList = (ids) => ids.map((id) => names.get(id)?.name || id).join(", ");
  const clip = (text) => (text.length > 140 ? `${text.slice(0, 140)}…` : text);
  return h("div", { class: `table-wrap${participants.length > 12 ? " ev-scroll" : ""}` }, h("table", { class: "table ev-people", id: "ev-people" },
    h("caption", { class: "sr-only" }, "Participants in registration order"),
    h("thead", {}, h("tr", {}, ["Organisation", "Offers", "Seeks", "Available", "Meetings", "Lists", ""].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, participants.map((p) => {
      const mine = count.get(p.profile.id) || 0;
      const cap = p.max_meetings ?? event.max_meetings;
      return h("tr", { dataset: { profileId: p.profile.id } },
        h("th", { scope: "row" },
          h("a", { href: `#/events/${encodeURIComponent(event.id)}/participant/${encodeURIComponent(p.profile.id)}` }, p.profile.name),
          h("span", { class: "muted small ev-block" }, [labels.kind[p.profile.kind] || p.profile.kind, labels.country[p.profile.country] || p.profile.country].filter(Boolean).join(" · "))),
        h("td", { title: p.offer }, p.offer ? clip(p.offer) : h("span", { class: "muted" }, "–")),
        h("td", { title: p.seek }, clip(p.seek)),
        h("td", {}, slotList(p.available, event.slots.length)),
        h("td", { class: "num", title: `${mine} placed, at most ${cap}${p.max_meetings ? " (its own maximum)" : " (the event's)"}` }, `${mine} / ${cap}`),
        h("td", { class: "small" },
          // null: the lists are private to the participant's owner and curators
          p.must_meet === null ? h("span", { class: "muted" }, "private") : null,
          p.must_meet?.length ? h("span", { class: "ev-block" }, h("strong", {}, "Must meet: "), nameList(p.must_meet)) : null,
          p.avoid?.length ? h("span", { class: "ev-block" }, h("strong", {}, "Will not meet: "), nameList(p.avoid)) : null,
          p.must_meet !== null && !p.must_meet.length && !p.avoid.length ? h("span", { class: "muted" }, "–") : null),
        h("td", {}, iconButton("trash", `Withdraw ${p.profile.name}`, {
          class: "btn-quiet", onclick: (e) => withdraw(page, p, e.currentTarget),
        }, { hideLabel: true })));
    }))));
}

function drawPeopleTable(page) {
  page.parts.peopleTitle.textContent = `Participants (${page.participants.length})`;
  clear(page.parts.people).append(participantsTable(page));
}

function drawParticipants(page, notice = null) {
  const { parts, participants } = page;
  drawPeopleTable(page);
  clear(parts.register).append(registerForm(page.event, participants, {
    onRegistered: async (created) => {
      await reloadPeople(page);
      drawParticipants(page, `${created.profile.name} is registered. Its best partners are in the suggestion matrix; re-plan to give it meetings.`);
      parts.peopleStatus.scrollIntoView({ block: "nearest" });
      parts.peopleTitle.parentElement.focus();
    },
  }));
  if (notice) showSuccess(parts.peopleStatus, h("p", { id: "ev-people-result" }, notice));
}

async function reloadPeople(page) {
  const [list] = await Promise.all([api(path(page.event, "/participants")), refreshSchedule(page)]);
  page.participants = list.data;
  page.names = namesOf(list.data);
  drawHead(page);
  drawSchedule(page);
  loadMatrix(page);
}

async function withdraw(page, participant, button) {
  if (!window.confirm(`Withdraw ${participant.profile.name} from ${page.event.title}? Its meetings are cancelled.`)) return;
  await whileBusy(button, async () => {
    try {
      await api(path(page.event, `/participants/${encodeURIComponent(participant.profile.id)}`), { method: "DELETE" });
      await reloadPeople(page);
      drawParticipants(page, `${participant.profile.name} is withdrawn and its meetings are cancelled. Re-plan to fill the free places.`);
    } catch (problem) {
      showProblem(page.parts.peopleStatus, problem);
    }
  });
}

// ---- the suggestion matrix -------------------------------------------------------------------
function placedPairs(schedule) {
  return new Set(schedule.meetings.map((m) => pairKey(m.a, m.b)));
}

async function loadMatrix(page) {
  const host = page.parts.matrix;
  const mySeq = ++page.matrixSeq;
  if (!apiKey.get()) {
    clear(host).append(h("p", { class: "muted" }, "The matrix shows what the engine suggests for every participant; it needs a curator's key."));
    return;
  }
  host.setAttribute("aria-busy", "true");
  clear(host).append(loading("Ranking partners for every participant…"));
  try {
    const matrix = await api(path(page.event, "/suggestions"), { query: { k: page.k } });
    if (mySeq !== page.matrixSeq) return;
    page.matrix = matrix;
    clear(host).append(suggestionMatrix(page.event, matrix, page.k, placedPairs(page.schedule), page.names));
  } catch (problem) {
    if (mySeq !== page.matrixSeq) return;
    showProblem(clear(host), problem);
  } finally {
    host.setAttribute("aria-busy", "false");
  }
}

/** After the schedule changed: the matrix's "placed" marks, without ranking again. */
function refreshMatrixMarks(page) {
  if (!page.matrix) return;
  clear(page.parts.matrix).append(suggestionMatrix(page.event, page.matrix, page.k, placedPairs(page.schedule), page.names));
}

// ---- the page ----------------------------------------------------------------------------------
function section(id, title, iconName, ...children) {
  return h("section", { class: "panel ev-section", id, "aria-labelledby": `${id}-title` },
    h("h2", { id: `${id}-title`, tabindex: "-1" }, icon(iconName), h("span", { class: "ev-h2-text" }, title)), ...children);
}

/** Draw the organiser's page of event `eventId` into `view`. */
export async function renderEventPage(view, eventId) {
  const mySeq = ++seq;
  view.setAttribute("aria-busy", "true");
  clear(view).append(h("div", { class: "page" }, loading("Loading the event…")));
  let event;
  let participants;
  let schedule;
  try {
    const id = encodeURIComponent(eventId);
    [event, participants, schedule] = await Promise.all([
      api(`/v1/events/${id}`), api(`/v1/events/${id}/participants`), api(`/v1/events/${id}/schedule`)]);
  } catch (problem) {
    if (mySeq !== seq) return;
    const box = h("div", { role: "alert" });
    clear(view).append(h("div", { class: "page" },
      h("a", { href: "#/events", class: "back" }, icon("back", { size: 16 }), "All events"),
      h("h1", { tabindex: "-1", class: "view-title" }, "Event not available"), box));
    showProblem(box, problem);
    view.setAttribute("aria-busy", "false");
    current = null;
    return;
  }
  if (mySeq !== seq) return;
  const parts = {
    head: h("div", { class: "panel ev-head", id: "ev-head" }),
    message: h("div", { class: "form-message", id: "ev-message", role: "status" }),
    overview: h("div", { id: "ev-overview-body" }),
    grid: h("div", { id: "ev-grid-host" }),
    peopleTitle: null, // the text of the participants' heading (it counts them)
    people: h("div", { id: "ev-people-host" }),
    peopleStatus: h("div", { class: "form-message", role: "status", id: "ev-people-status" }),
    register: h("div", { id: "ev-register-host" }),
    matrix: h("div", { id: "ev-matrix-host", "aria-live": "polite" }),
  };
  const page = { event, participants: participants.data, schedule, names: namesOf(participants.data), parts, k: 5, matrix: null, matrixSeq: 0 };
  const kSelect = h("select", {
    id: "ev-k", onchange: () => { page.k = Number(kSelect.value); loadMatrix(page); },
  }, MATRIX_K.map((k) => h("option", { value: String(k), selected: k === page.k }, String(k))));
  const people = section("ev-participants", "Participants", "users",
    parts.peopleStatus, parts.people, parts.register);
  parts.peopleTitle = people.querySelector(".ev-h2-text");
  clear(view).append(h("div", { class: "page event-page" },
    h("a", { href: "#/events", class: "back" }, icon("back", { size: 16 }), "All events"),
    parts.head,
    section("ev-overview", "Overview", "chart", parts.overview),
    section("ev-schedule", "Schedule", "layers", parts.grid),
    people,
    section("ev-suggestions", "Suggestion matrix", "network",
      h("div", { class: "ev-matrix-head" },
        h("p", { class: "hint" }, "Each participant's best partners by the pair's value, 0 to 1: high only when each side finds what it seeks in the other. ",
          h("span", { class: "ev-placed" }, icon("check", { size: 14 }), "placed"), " marks pairs in the schedule. ", h("strong", {}, "Why?"), " gives both sides' reasons."),
        h("div", { class: "field compact" }, h("label", { for: "ev-k" }, "Partners per row"), kSelect)),
      keyNote("The matrix"),
      parts.matrix)));
  current = page;
  drawHead(page);
  drawSchedule(page);
  drawParticipants(page);
  view.setAttribute("aria-busy", "false");
  await loadMatrix(page);
}
