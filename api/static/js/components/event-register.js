// The organiser's form that registers a participant (POST /v1/events/{id}/participants): a
// stored organisation (searchable), what it offers and seeks at this event, the slots it is
// available in, its own maximum, whom it must meet and whom it will not meet.
import { api } from "../api.js";
import { h, whileBusy } from "../dom.js";
import { labels } from "../taxonomy.js";
import { Combobox } from "./combobox.js";
import { keyNote } from "./key-note.js";
import { lengthNote } from "./length-note.js";
import { reveal, showProblem } from "./messages.js";
import { formProblem, labelled, manyDays, slotTime } from "./event-words.js";

/** The API's limit on offer and seek (MAX_TEXT_CHARS in engine/profiles.py). */
const MAX_TEXT = 20000;

/** The form's labels by request field, for problems (event-words.js labelled()). */
const FIELDS = {
  profile_id: "Organisation",
  offer: "What it offers",
  seek: "What it seeks",
  available: "Available in",
  max_meetings: "Its maximum of meetings",
  must_meet: "Must meet",
  avoid: "Will not meet",
};

/**
 * The registration form for `event`, given its `participants` (ParticipantPublic[]);
 * `onRegistered(participant)` after a 201 (the page says so and draws the form again).
 */
export function registerForm(event, participants, { onRegistered }) {
  const registered = new Set(participants.map((p) => p.profile.id));
  const others = participants.map((p) => ({ id: p.profile.id, label: p.profile.name, hint: labels.country[p.profile.country] || p.profile.country }));
  const withDate = manyDays(event.slots);
  const orgHost = h("div", { id: "ev-r-org-box" });
  const offer = h("textarea", { id: "ev-r-offer", rows: "2", placeholder: "e.g. Pilot sites for grid batteries; test data from 40 installations" });
  const seek = h("textarea", { id: "ev-r-seek", rows: "2", placeholder: "e.g. Cell makers and recyclers for second-life batteries" });
  const max = h("input", { id: "ev-r-max", type: "number", min: "1", max: "100", inputmode: "numeric", placeholder: `${event.max_meetings} (the event's)` });
  const slots = event.slots.map((slot, i) => h("label", { class: "pill" },
    h("input", { type: "checkbox", name: "available", value: String(i), checked: true }),
    h("span", {}, `${i + 1} · ${slotTime(slot, withDate)}`)));
  const mustHost = h("div", { id: "ev-r-must-box" });
  const avoidHost = h("div", { id: "ev-r-avoid-box" });
  const message = h("div", { class: "form-message", role: "alert", id: "ev-r-message" });
  const submit = h("button", { type: "submit", class: "btn btn-primary", id: "ev-r-submit" }, "Register participant");
  const form = h("form", { class: "ev-form ev-register", id: "ev-register", novalidate: true, "aria-labelledby": "ev-register-title" },
    h("h3", { id: "ev-register-title" }, "Register a participant"),
    keyNote("Registering"),
    h("p", { class: "hint" }, "A curator registers anyone; an organisation's own key registers only itself."),
    h("div", { class: "ev-form-grid" },
      h("div", { class: "field" }, h("label", { for: "ev-r-org", id: "ev-r-org-label" }, "Organisation"), orgHost,
        h("p", { class: "hint" }, "A stored profile; search by name.")),
      h("div", { class: "field" }, h("label", { for: "ev-r-max" }, "Its maximum of meetings", h("span", { class: "optional" }, "optional")), max),
      h("div", { class: "field" }, h("label", { for: "ev-r-offer" }, "What it offers at this event", h("span", { class: "optional" }, "optional")), offer),
      h("div", { class: "field" }, h("label", { for: "ev-r-seek" }, "What it seeks at this event"), seek,
        h("p", { class: "hint" }, "Plain words in any EU language; suggestions match this against the others' offers.")),
      h("fieldset", { class: "field ev-wide", id: "ev-r-slots" }, h("legend", {}, "Available in"), h("div", { class: "pills" }, slots)),
      h("div", { class: "field" }, h("label", { for: "ev-r-must", id: "ev-r-must-label" }, "Must meet", h("span", { class: "optional" }, "optional")), mustHost),
      h("div", { class: "field" }, h("label", { for: "ev-r-avoid", id: "ev-r-avoid-label" }, "Will not meet", h("span", { class: "optional" }, "optional")), avoidHost)),
    h("div", { class: "form-actions" }, submit),
    message);
  lengthNote(offer, MAX_TEXT, "what it offers");
  lengthNote(seek, MAX_TEXT, "what it seeks");

  const org = new Combobox(orgHost, {
    id: "ev-r-org", labelledBy: "ev-r-org-label", placeholder: "Type a name…",
    search: async (text) => {
      const page = await api("/v1/profiles", { query: { q: text, limit: 8 } });
      return page.data.map((p) => ({
        id: p.id, label: p.name,
        hint: [labels.kind[p.kind] || p.kind, labels.country[p.country] || p.country, registered.has(p.id) ? "already registered" : ""].filter(Boolean).join(" · "),
      }));
    },
  });
  const must = new Combobox(mustHost, { id: "ev-r-must", labelledBy: "ev-r-must-label", multiple: true, options: others, placeholder: others.length ? "Participants…" : "No participants yet" });
  const avoid = new Combobox(avoidHost, { id: "ev-r-avoid", labelledBy: "ev-r-avoid-label", multiple: true, options: others, placeholder: others.length ? "Participants…" : "No participants yet" });

  const controls = { profile_id: org.input, offer, seek, max_meetings: max, must_meet: must.input, avoid: avoid.input, available: slots[0]?.querySelector("input") };
  const markInvalid = (problem) => {
    for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    for (const e of problem?.errors || []) {
      const el = controls[String(e.field || "").split(".")[0]];
      el?.setAttribute("aria-invalid", "true");
    }
    form.querySelector("[aria-invalid=true]")?.focus();
  };
  const refuse = (problem) => {
    showProblem(message, labelled(problem, FIELDS));
    markInvalid(problem);
    reveal(message);
  };

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const available = slots.map((l) => l.querySelector("input")).filter((i) => i.checked).map((i) => Number(i.value));
    const missing = [];
    if (!org.values.length) missing.push({ field: "profile_id", message: "choose the organisation to register" });
    if (!seek.value.trim()) missing.push({ field: "seek", message: "needed, as suggestions are built from it" });
    if (!available.length) missing.push({ field: "available", message: "tick at least one slot" });
    if (missing.length) { refuse(formProblem(missing)); return; }
    const body = { profile_id: org.values[0], offer: offer.value.trim(), seek: seek.value.trim(), available, must_meet: must.values, avoid: avoid.values };
    if (max.value.trim()) body.max_meetings = Number(max.value);
    whileBusy(submit, async () => {
      try {
        const created = await api(`/v1/events/${encodeURIComponent(event.id)}/participants`, { method: "POST", body });
        markInvalid(null);
        onRegistered?.(created);
      } catch (problem) {
        refuse(problem);
      }
    });
  });
  return form;
}
