// The events page (#/events): the matchmaking events, newest first, and the form with which a
// curator creates one (a day, equal slots from a start time, tables per slot or virtual, the
// default maximum of meetings, an optional focus). A created event opens its organiser page.
import { api } from "../api.js";
import { Combobox } from "../components/combobox.js";
import { eventWhen, formProblem, labelled, plural, slotMinutes } from "../components/event-words.js";
import { icon } from "../components/icons.js";
import { keyNote } from "../components/key-note.js";
import { loading, reveal, showProblem } from "../components/messages.js";
import { clear, h, whileBusy } from "../dom.js";
import { fmt } from "../format.js";
import { taxonomy } from "../taxonomy.js";

const FIELDS = {
  title: "Title",
  slots: "Slots",
  tables: "Tables per slot",
  max_meetings: "Meetings each, at most",
  focus_countries: "Focus countries",
  focus_ecosystems: "Focus ecosystems",
  id: "Event id",
};
let seq = 0;

// ---- the list ------------------------------------------------------------------------------
function eventsTable(page) {
  if (!page.data.length) {
    return h("div", { class: "empty", id: "ev-no-events" }, icon("users"),
      h("p", {}, "No events yet. Create the first one with the form: its day, its meeting slots and how many tables each slot has."));
  }
  return h("div", { class: "table-wrap" }, h("table", { class: "table ev-events", id: "ev-events" },
    h("caption", { class: "sr-only" }, "Matchmaking events, newest first"),
    h("thead", {}, h("tr", {}, ["Event", "When", "Slots", "Tables", "Schedule"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, page.data.map((e) => {
      const minutes = slotMinutes(e);
      return h("tr", { dataset: { eventId: e.id } },
        h("th", { scope: "row" }, h("a", { href: `#/events/${encodeURIComponent(e.id)}` }, e.title)),
        h("td", {}, eventWhen(e)),
        h("td", {}, `${e.slots.length}${minutes ? ` × ${minutes} min` : ""}`),
        h("td", {}, e.virtual ? "virtual" : `${fmt.int(e.tables)} per slot`),
        h("td", {}, e.scheduled ? h("span", { class: "tag tag-teal" }, `scheduled ${fmt.date(e.scheduled.at)}`) : h("span", { class: "muted" }, "not yet")));
    }))),
  page.count > page.data.length ? h("p", { class: "hint" }, `The ${page.data.length} newest of ${fmt.int(page.count)} events.`) : null);
}

// ---- the create form -------------------------------------------------------------------------
/** "+02:00" for a UTC offset in minutes east of Greenwich. */
function offsetText(minutes) {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/** This browser's UTC offset on `day` (YYYY-MM-DD) at `time`, in minutes east. */
function localOffset(day, time) {
  const d = new Date(`${day || new Date().toISOString().slice(0, 10)}T${time || "09:00"}`);
  return Number.isNaN(d.getTime()) ? 0 : -d.getTimezoneOffset();
}

/** The slots the form describes: [{start, end}] as ISO 8601 with the chosen offset. */
function slotsOf({ day, time, minutes, gap, count, offset }) {
  const [hh, mm] = time.split(":").map(Number);
  const base = Date.UTC(...day.split("-").map((v, i) => Number(v) - (i === 1 ? 1 : 0)), hh, mm); // wall clock as if UTC
  const iso = (t) => `${new Date(t).toISOString().slice(0, 16)}:00${offsetText(offset)}`;
  return Array.from({ length: count }, (_, i) => {
    const start = base + i * (minutes + gap) * 60000;
    return { start: iso(start), end: iso(start + minutes * 60000) };
  });
}

function numberField(id, label, value, attrs = {}) {
  return h("div", { class: "field" }, h("label", { for: id }, label),
    h("input", { id, type: "number", inputmode: "numeric", value: String(value), ...attrs }));
}

function createForm() {
  const vocab = taxonomy();
  const today = new Date();
  const inAMonth = new Date(today.getTime() + 30 * 86400000).toISOString().slice(0, 10);
  const offsets = [];
  for (let m = -12 * 60; m <= 14 * 60; m += 60) offsets.push(m);
  const zone = h("select", { id: "ev-c-zone" });
  const drawZones = () => {
    const own = localOffset(day.value, time.value);
    const choices = offsets.includes(own) ? offsets : [...offsets, own].sort((a, b) => a - b);
    const chosen = zone.dataset.touched ? Number(zone.value) : own;
    zone.replaceChildren(...choices.map((m) => h("option", { value: String(m), selected: m === chosen }, `UTC${offsetText(m)}${m === own ? " (this computer)" : ""}`)));
  };
  const title = h("input", { id: "ev-c-title", type: "text", autocomplete: "off", placeholder: "e.g. Battery days: B2B meetings" });
  const day = h("input", { id: "ev-c-day", type: "date", value: inAMonth });
  const time = h("input", { id: "ev-c-time", type: "time", value: "09:00", step: "300" });
  const virtual = h("input", { id: "ev-c-virtual", type: "checkbox" });
  const preview = h("p", { class: "hint", id: "ev-c-preview", "aria-live": "polite" });
  const message = h("div", { class: "form-message", role: "alert", id: "ev-c-message" });
  const submit = h("button", { type: "submit", class: "btn btn-primary", id: "ev-c-submit" }, icon("plus"), h("span", {}, "Create event"));
  const countriesHost = h("div", {});
  const ecosystemsHost = h("div", {});
  const form = h("form", { class: "ev-form", id: "ev-create", novalidate: true, "aria-labelledby": "ev-create-title" },
    h("h2", { id: "ev-create-title" }, "Create an event"),
    keyNote("Creating an event"),
    h("div", { class: "field" }, h("label", { for: "ev-c-title" }, "Title"), title),
    h("div", { class: "ev-form-row ev-form-row-2" },
      h("div", { class: "field" }, h("label", { for: "ev-c-day" }, "Day"), day),
      h("div", { class: "field" }, h("label", { for: "ev-c-time" }, "First slot starts"), time)),
    h("div", { class: "field" }, h("label", { for: "ev-c-zone" }, "Time zone"), zone,
      h("p", { class: "hint" }, "Slot times are the event's local time; agendas and calendar files keep them.")),
    h("div", { class: "ev-form-row" },
      numberField("ev-c-count", "Slots", 8, { min: "1", max: "200" }),
      numberField("ev-c-minutes", "Minutes each", 30, { min: "5", max: "480", step: "5" }),
      numberField("ev-c-gap", "Break between", 0, { min: "0", max: "240", step: "5", "aria-describedby": "ev-c-gap-hint" })),
    h("p", { class: "hint", id: "ev-c-gap-hint" }, "Minutes between two slots, for changing tables."),
    preview,
    h("div", { class: "ev-form-row ev-form-row-2" },
      numberField("ev-c-tables", "Tables per slot", 10, { min: "1", max: "10000" }),
      numberField("ev-c-max", "Meetings each, at most", 6, { min: "1", max: "100", "aria-describedby": "ev-c-max-hint" })),
    h("label", { class: "switch" }, virtual, h("span", {}, "Virtual event (online, no table limit)")),
    h("p", { class: "hint", id: "ev-c-max-hint" }, "The most meetings a participant gets; each may set its own when registering. Creating an event needs a curator's key."),
    h("details", { class: "ev-focus" }, h("summary", {}, "Focus ", h("span", { class: "optional" }, "optional")),
      h("div", { class: "field" }, h("label", { for: "ev-c-countries", id: "ev-c-countries-label" }, "Focus countries"), countriesHost,
        h("p", { class: "hint" }, "Only participants from these countries are suggested to each other (unless one must meet the other).")),
      h("div", { class: "field" }, h("label", { for: "ev-c-ecosystems", id: "ev-c-ecosystems-label" }, "Focus ecosystems"), ecosystemsHost,
        h("p", { class: "hint" }, "Preferred sectors in every participant's suggestions."))),
    h("div", { class: "form-actions" }, submit),
    message);
  const countries = new Combobox(countriesHost, {
    id: "ev-c-countries", labelledBy: "ev-c-countries-label", multiple: true, placeholder: "Countries…",
    options: vocab.countries.map((c) => ({ id: c.id, label: c.label, keywords: c.id })),
  });
  const ecosystems = new Combobox(ecosystemsHost, {
    id: "ev-c-ecosystems", labelledBy: "ev-c-ecosystems-label", multiple: true, placeholder: "Ecosystems…",
    options: vocab.ecosystems.map((e) => ({ id: e.id, label: e.label })),
  });
  const value = (id) => form.querySelector(`#${id}`).value.trim();
  const read = () => ({
    day: day.value, time: time.value, minutes: Number(value("ev-c-minutes")), gap: Number(value("ev-c-gap") || 0),
    count: Number(value("ev-c-count")), offset: Number(zone.value),
  });
  const updatePreview = () => {
    const v = read();
    if (!v.day || !v.time || !(v.minutes > 0) || !(v.count >= 1) || !(v.gap >= 0)) {
      preview.textContent = "Give a day, a start time, the number of slots and their length.";
      return;
    }
    const slots = slotsOf(v);
    preview.textContent = `${plural(slots.length, "slot")}: ${eventWhen({ slots })}.`;
  };
  zone.addEventListener("change", () => { zone.dataset.touched = "1"; updatePreview(); });
  day.addEventListener("change", drawZones);
  form.addEventListener("input", updatePreview);
  form.addEventListener("change", updatePreview);
  virtual.addEventListener("change", () => { form.querySelector("#ev-c-tables").disabled = virtual.checked; });
  drawZones();
  updatePreview();

  const controls = { title, slots: day, tables: form.querySelector("#ev-c-tables"), max_meetings: form.querySelector("#ev-c-max"), focus_countries: countries.input, focus_ecosystems: ecosystems.input };
  const refuse = (problem) => {
    for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    for (const e of problem?.errors || []) controls[String(e.field || "").split(".")[0]]?.setAttribute("aria-invalid", "true");
    showProblem(message, labelled(problem, FIELDS));
    reveal(message);
    form.querySelector("[aria-invalid=true]")?.focus();
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const v = read();
    const missing = [];
    if (!title.value.trim()) missing.push({ field: "title", message: "give the event a title" });
    if (!v.day || !v.time) missing.push({ field: "slots", message: "give the day and the time the first slot starts" });
    else if (!(v.count >= 1 && v.minutes >= 1 && v.gap >= 0)) missing.push({ field: "slots", message: "give at least one slot of at least one minute" });
    if (missing.length) { refuse(formProblem(missing)); return; }
    const body = {
      title: title.value.trim(), slots: slotsOf(v), max_meetings: Number(value("ev-c-max")),
      tables: virtual.checked ? null : Number(value("ev-c-tables")),
      focus_countries: countries.values, focus_ecosystems: ecosystems.values,
    };
    whileBusy(submit, async () => {
      try {
        const created = await api("/v1/events", { method: "POST", body });
        location.hash = `#/events/${encodeURIComponent(created.id)}`;
      } catch (problem) {
        refuse(problem);
      }
    });
  });
  return form;
}

/** Draw the events page into `view`. */
export async function renderEventsPage(view) {
  const mySeq = ++seq;
  const list = h("div", { id: "ev-list", "aria-busy": "true" }, loading("Loading the events…"));
  clear(view).append(h("div", { class: "page events-page" },
    h("div", { class: "page-head" },
      h("div", {}, h("h1", { tabindex: "-1", class: "view-title" }, "Matchmaking events"),
        h("p", { class: "lead" }, "B2B meetings at brokerage events: reciprocal suggestions for every participant, and a schedule of slots and tables."))),
    h("div", { class: "ev-events-layout" },
      h("section", { class: "panel", "aria-labelledby": "ev-list-title" }, h("h2", { id: "ev-list-title" }, "Events"), list),
      h("section", { class: "panel" }, createForm()))));
  try {
    const page = await api("/v1/events", { query: { limit: 100 } });
    if (mySeq !== seq) return;
    clear(list).append(eventsTable(page));
  } catch (problem) {
    if (mySeq !== seq) return;
    showProblem(clear(list), problem);
  } finally {
    list.setAttribute("aria-busy", "false");
  }
}
