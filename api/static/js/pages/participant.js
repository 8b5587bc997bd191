// A participant's page at one event (#/events/ID/participant/PROFILE): whom to meet (reciprocal
// suggestions with both sides' reasons, and a meeting request with a message), the requests
// to answer and those sent, and the agenda (slot, time, table, partner, why) with its .ics file.
// Requests and answers need the organisation's owner key or a curator's.
import { api, apiKey } from "../api.js";
import { fetchFile, safeName } from "../components/event-files.js";
import { requestLists } from "../components/event-requests.js";
import { suggestionCard } from "../components/event-suggestion.js";
import { eventWhen, heat, ORIGIN, plural, slotList, slotTime, tableName } from "../components/event-words.js";
import { icon, iconButton } from "../components/icons.js";
import { keyNote } from "../components/key-note.js";
import { announce, loading, reveal, showProblem, showSuccess } from "../components/messages.js";
import { clear, h, saveBlob, whileBusy } from "../dom.js";
import { fmt } from "../format.js";
import { labels } from "../taxonomy.js";

const K = 10;
let current = null;
let seq = 0;

window.addEventListener("apikeychange", () => {
  if (current && document.body.contains(current.parts.requests)) loadRequests(current);
});

const path = (page, tail = "") => `/v1/events/${encodeURIComponent(page.event.id)}${tail}`;
const mine = (page, tail) => path(page, `/${tail}/${encodeURIComponent(page.me.id)}`);

/** Run `load` into `host` with a loading line; its problem is shown there. */
async function section(host, load, draw) {
  host.setAttribute("aria-busy", "true");
  if (!host.firstChild) host.append(loading());
  try {
    const data = await load();
    clear(host);
    draw(host, data);
  } catch (problem) {
    showProblem(clear(host), problem);
  } finally {
    host.setAttribute("aria-busy", "false");
  }
}

// ---- suggestions ------------------------------------------------------------------------------
function loadSuggestions(page) {
  return section(page.parts.suggestions,
    () => api(`${mine(page, "participants")}/suggestions`, { query: { k: K } }),
    (host, body) => {
      if (!body.data.length) {
        host.append(h("div", { class: "empty" }, icon("users"), h("p", {},
          "No partner to suggest yet: no other participant shares a free slot with you, or the event has no other participant. Check back when more have registered.")));
        return;
      }
      host.append(h("ol", { class: "candidates ev-suggestions", id: "ev-suggestions" },
        body.data.map((s, i) => suggestionCard(page.event, page.me, s, i + 1, (meeting, sug) => requestSent(page, meeting, sug)))));
    });
}

/** After a request: the card says so in place (and keeps the focus), the list above too. */
async function requestSent(page, meeting, s) {
  showSuccess(page.parts.sugStatus, h("p", { id: "ev-sent" }, `Request sent to ${s.profile.name}. They see it on their page; once they accept, the organiser's next schedule run places it.`));
  announce(`Meeting request sent to ${s.profile.name}`);
  await refresh(page);
  const state = page.parts.suggestions.querySelector(`li[data-profile-id="${CSS.escape(s.profile.id)}"] .ev-meeting-state`);
  state?.focus();
}

// ---- requests ---------------------------------------------------------------------------------
function loadRequests(page) {
  const host = page.parts.requests;
  if (!apiKey.get()) {
    clear(host).append(h("p", { class: "muted" }, "Your requests are listed with your organisation's key or a curator's."));
    return Promise.resolve();
  }
  return section(host, () => api(path(page, "/meetings"), { query: { profile_id: page.me.id } }),
    (el, body) => el.append(requestLists(page.event, page.me, body.data, page.names, (m, action) => answered(page, m, action))));
}

/** After an answer or a cancellation: said in `status` (the section where it was done). */
async function answered(page, meeting, action, status = page.parts.reqStatus) {
  const otherId = meeting.from === page.me.id ? meeting.to : meeting.from;
  const other = page.names.get(otherId)?.name || otherId;
  const text = {
    accept: `You accepted the meeting with ${other}. The organiser's next schedule run gives it a slot and a table.`,
    decline: `You declined the request of ${other}.`,
    cancel: `The meeting with ${other} is cancelled.`,
  }[action];
  showSuccess(status, h("p", { id: "ev-answered-result" }, text));
  announce(text);
  await refresh(page);
  reveal(status);
  status.closest("section")?.querySelector("h2")?.focus({ preventScroll: true });
}

// ---- the agenda -------------------------------------------------------------------------------
function agendaList(page, body) {
  if (!body.meetings.length) {
    return h("div", { class: "empty ev-empty", id: "ev-no-agenda" }, icon("doc"),
      h("p", {}, "No meetings in your agenda yet. Accepted requests and the meetings the organiser suggests appear here once the schedule has run."));
  }
  const { event } = page;
  return h("ol", { class: "ev-agenda", id: "ev-agenda", "aria-label": "Your meetings in time order" }, body.meetings.map((m) => {
    const origin = ORIGIN[m.origin] || ORIGIN.suggestion;
    return h("li", { class: "ev-agenda-item", dataset: { meetingId: String(m.id), partner: m.with.id } },
      h("div", { class: "ev-when" },
        h("strong", {}, slotTime(event.slots[m.slot] || m)),
        h("span", { class: "ev-where" }, tableName(m.table)),
        h("span", { class: "muted small" }, `slot ${m.slot + 1}`)),
      h("div", { class: "ev-agenda-body" },
        h("p", { class: "ev-agenda-with" }, h("a", { href: `#/profile/${encodeURIComponent(m.with.id)}` }, m.with.name),
          h("span", { class: "muted small" }, ` · ${labels.country[m.with.country] || m.with.country}`)),
        h("p", { class: "small ev-agenda-why" }, m.reasons),
        h("p", { class: "ev-agenda-tags" },
          h("span", { class: `ev-score ${heat(m.score)}`, title: "the pair's value: 0 to 1, both sides' fit" }, fmt.num(m.score)),
          h("span", { class: `tag ${origin.tag}`, title: origin.hint }, origin.text),
          iconButton("trash", `Cancel the meeting with ${m.with.name}`, {
            class: "btn-quiet btn-small ev-agenda-cancel", onclick: (e) => cancelMeeting(page, m, e.currentTarget),
          }, { hideLabel: true }))));
  }));
}

function loadAgenda(page) {
  return section(page.parts.agenda, () => api(mine(page, "agenda")), (host, body) => {
    page.parts.ics.disabled = !body.meetings.length;
    host.append(agendaList(page, body));
  });
}

async function cancelMeeting(page, m, button) {
  if (!window.confirm(`Cancel your meeting with ${m.with.name} (${slotTime(page.event.slots[m.slot] || m)})?`)) return;
  await whileBusy(button, async () => {
    try {
      const changed = await api(path(page, `/meetings/${m.id}/cancel`), { method: "POST" });
      await answered(page, changed, "cancel", page.parts.agendaStatus);
    } catch (problem) {
      showProblem(page.parts.agendaStatus, problem);
      reveal(page.parts.agendaStatus);
    }
  });
}

async function downloadIcs(page, button) {
  await whileBusy(button, async () => {
    try {
      const blob = await fetchFile(mine(page, "agenda"), "text/calendar");
      saveBlob(blob, `${safeName(page.event.id)}-${safeName(page.me.id)}.ics`);
    } catch (problem) {
      showProblem(page.parts.agendaStatus, problem);
      reveal(page.parts.agendaStatus);
    }
  });
}

function refresh(page) {
  return Promise.all([loadSuggestions(page), loadRequests(page), loadAgenda(page)]);
}

// ---- the page ----------------------------------------------------------------------------------
function notAvailable(view, eventId, problem) {
  const box = h("div", { role: "alert" });
  clear(view).append(h("div", { class: "page" },
    h("a", { href: `#/events/${encodeURIComponent(eventId)}`, class: "back" }, icon("back", { size: 16 }), "Back to the event"),
    h("h1", { tabindex: "-1", class: "view-title" }, "Participant not available"), box));
  showProblem(box, problem);
}

/** Draw the page of participant `profileId` at event `eventId` into `view`. */
export async function renderParticipantPage(view, eventId, profileId) {
  const mySeq = ++seq;
  view.setAttribute("aria-busy", "true");
  clear(view).append(h("div", { class: "page" }, loading("Loading the participant…")));
  let event;
  let participants;
  try {
    const id = encodeURIComponent(eventId);
    [event, participants] = await Promise.all([api(`/v1/events/${id}`), api(`/v1/events/${id}/participants`)]);
  } catch (problem) {
    if (mySeq === seq) { notAvailable(view, eventId, problem); view.setAttribute("aria-busy", "false"); }
    return;
  }
  if (mySeq !== seq) return;
  const me = participants.data.find((p) => p.profile.id === profileId);
  if (!me) {
    notAvailable(view, eventId, new Error(`${profileId} is not registered for ${event.title}. The organiser registers participants on the event's page.`));
    view.setAttribute("aria-busy", "false");
    return;
  }
  const parts = {
    sugStatus: h("div", { class: "form-message", id: "ev-sug-status", role: "status" }),
    agendaStatus: h("div", { class: "form-message", id: "ev-agenda-status", role: "status" }),
    reqStatus: h("div", { class: "form-message", id: "ev-req-status", role: "status" }),
    suggestions: h("div", { id: "ev-suggestions-host", "aria-live": "polite" }),
    requests: h("div", { id: "ev-requests-host", "aria-live": "polite" }),
    agenda: h("div", { id: "ev-agenda-host", "aria-live": "polite" }),
    ics: null,
  };
  const page = {
    event, parts,
    me: { id: me.profile.id, name: me.profile.name, seek: me.seek },
    names: new Map(participants.data.map((p) => [p.profile.id, p.profile])),
  };
  parts.ics = iconButton("download", "Add to calendar (.ics)", { class: "btn-secondary btn-small", id: "ev-ics", onclick: (e) => downloadIcs(page, e.currentTarget) });
  const p = me.profile;
  const cap = me.max_meetings ?? event.max_meetings;
  clear(view).append(h("div", { class: "page participant-page" },
    h("a", { href: `#/events/${encodeURIComponent(event.id)}`, class: "back" }, icon("back", { size: 16 }), `Back to ${event.title}`),
    h("div", { class: "panel profile-head ev-head" },
      h("div", { class: "profile-title" },
        h("div", {},
          h("h1", { tabindex: "-1", class: "view-title", id: "ev-p-title" }, p.name),
          h("p", { class: "meta" },
            h("span", { class: "tag tag-kind" }, labels.kind[p.kind] || p.kind),
            h("span", { class: "loc" }, icon("pin", { size: 14 }), labels.country[p.country] || p.country),
            h("span", {}, `at ${event.title} · ${eventWhen(event)}`))),
        h("div", { class: "page-actions" }, h("a", { href: `#/profile/${encodeURIComponent(p.id)}`, class: "btn btn-quiet btn-small" }, "Organisation profile"))),
      h("dl", { class: "ev-facts" },
        h("div", {}, h("dt", {}, "Offers"), h("dd", {}, me.offer || h("span", { class: "muted" }, "nothing stated"))),
        h("div", {}, h("dt", {}, "Seeks"), h("dd", {}, me.seek)),
        h("div", {}, h("dt", {}, "Free"), h("dd", {}, `${slotList(me.available, event.slots.length)}, up to ${plural(cap, "meeting")}`))),
      keyNote("Requesting and answering meetings (your organisation's key)")),
    h("div", { class: "ev-participant-grid" },
      h("section", { class: "panel ev-section", "aria-labelledby": "ev-sug-title" },
        h("h2", { id: "ev-sug-title" }, icon("users"), "Whom to meet"),
        h("p", { class: "hint" }, "Ranked by the pair's value, 0 to 1: high only when they find what they seek in you and you find what you seek in them."),
        parts.sugStatus, parts.suggestions),
      h("div", { class: "ev-side-col" },
        h("section", { class: "panel ev-section", "aria-labelledby": "ev-agenda-title" },
          h("div", { class: "ev-section-head" }, h("h2", { id: "ev-agenda-title", tabindex: "-1" }, icon("doc"), "Your agenda"), parts.ics),
          parts.agendaStatus, parts.agenda),
        h("section", { class: "panel ev-section", "aria-labelledby": "ev-req-title" },
          h("h2", { id: "ev-req-title", tabindex: "-1" }, icon("send"), "Meeting requests"),
          parts.reqStatus, parts.requests)))));
  current = page;
  view.setAttribute("aria-busy", "false");
  await refresh(page);
}
