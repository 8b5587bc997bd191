// The partner-request form: controls built from /v1/taxonomy, the request body it produces
// (a description over the API's limit cut to it, with a note that says how much), and field
// errors from a 422 problem.
import { api } from "../api.js";
import { debounce, h } from "../dom.js";
import { fmt } from "../format.js";
import { Combobox } from "./combobox.js";
import { lengthNote } from "./length-note.js";

/** The API's limit on the description (MAX_TEXT_CHARS in engine/profiles.py), in characters
 * as the server counts them: code points, so an emoji is one. */
const MAX_TEXT = 20000;
/** The API's limit on a request's title (MAX_TITLE_CHARS, api/schemas/common.py). */
const MAX_TITLE = 500;

const chars = (text) => [...text];

/** `text` cut to the API's limit. */
function cutToLimit(text) {
  const all = chars(text);
  return all.length > MAX_TEXT ? all.slice(0, MAX_TEXT).join("").trimEnd() : text;
}

function crossBorderText(value) {
  const v = Number(value);
  const shown = (v > 0 ? "+" : "") + v.toFixed(1);
  if (v <= -0.6) return `Strongly prefer my own country (${shown})`;
  if (v < -0.05) return `Prefer my own country (${shown})`;
  if (v >= 0.6) return `Strongly prefer partners abroad (${shown})`;
  if (v > 0.05) return `Prefer partners abroad (${shown})`;
  return "No preference (0.0)";
}

export class RequestForm {
  /**
   * @param {HTMLFormElement} form
   * @param {object} taxonomy  from /v1/taxonomy
   * @param {object} hooks  onSubmit(body), onSave(body), onFilterChange()
   */
  constructor(form, taxonomy, hooks) {
    this.form = form;
    this.taxonomy = taxonomy;
    this.hooks = hooks;
    this.el = (id) => form.querySelector(`#${id}`);
    this.build();
  }

  build() {
    const { taxonomy } = this;
    const collab = this.el("f-collab");
    for (const t of taxonomy.collaboration_types) collab.append(h("option", { value: t.id }, t.label));

    const pills = (host, name, terms) => {
      for (const t of terms) {
        host.append(h("label", { class: "pill" },
          h("input", { type: "checkbox", name, value: t.id }), h("span", {}, t.label)));
      }
    };
    pills(this.el("f-kinds"), "kinds", taxonomy.kinds);
    pills(this.el("f-ecosystems"), "ecosystems", taxonomy.ecosystems);

    const countries = taxonomy.countries.map((c) => ({ id: c.id, label: c.label, hint: c.eu ? `${c.id} · EU` : c.id }));
    const chipLabel = (o) => `${o.label} (${o.id})`;
    const filterChanged = () => this.hooks.onFilterChange?.();
    this.countries = new Combobox(this.el("f-countries-box"), {
      id: "f-countries", labelledBy: "f-countries-label", multiple: true, options: countries,
      placeholder: "Type a country…", chipLabel, onChange: filterChanged,
    });
    this.exclude = new Combobox(this.el("f-exclude-box"), {
      id: "f-exclude", labelledBy: "f-exclude-label", multiple: true, options: countries,
      placeholder: "Type a country…", chipLabel, onChange: filterChanged,
    });
    const countryName = Object.fromEntries(taxonomy.countries.map((c) => [c.id, c.label]));
    const kindName = Object.fromEntries(taxonomy.kinds.map((k) => [k.id, k.label]));
    this.requester = new Combobox(this.el("f-requester-box"), {
      id: "f-requester", labelledBy: "f-requester-label", placeholder: "Search organisations by name, city, keyword…",
      search: async (text) => {
        const page = await api("/v1/profiles", { query: { q: text, limit: 8 } });
        return page.data.map((p) => ({
          id: p.id, label: p.name,
          hint: [kindName[p.kind] || p.kind, [p.city, countryName[p.country] || p.country].filter(Boolean).join(", ")].filter(Boolean).join(" · "),
          country: p.country,
        }));
      },
      onChange: filterChanged,
    });

    const text = this.el("f-text");
    const count = this.el("f-text-count");
    const cut = this.el("f-text-cut");
    const live = this.el("f-text-count-live");
    const speak = debounce(() => {
      live.textContent = cut.hidden ? `${fmt.int(chars(text.value).length)} of ${fmt.int(MAX_TEXT)} characters` : cut.textContent;
    }, 1200);
    // no maxlength on the field: a paste beyond the limit is kept and its cut is told
    const updateCount = () => {
      const n = chars(text.value).length;
      const over = chars(text.value.trim()).length - MAX_TEXT;
      count.textContent = `${fmt.int(n)} / ${fmt.int(MAX_TEXT)}`;
      count.classList.toggle("count-warn", n > MAX_TEXT * 0.9);
      cut.hidden = over <= 0;
      cut.textContent = over > 0
        ? `Too long: only the first ${fmt.int(MAX_TEXT)} characters are searched and saved, the last ${fmt.int(over)} are cut. Shorten the description to choose what counts.`
        : "";
      speak();
    };
    text.addEventListener("input", updateCount);
    updateCount();

    const cross = this.el("f-cross");
    const crossOut = this.el("f-cross-out");
    const updateCross = () => {
      const label = crossBorderText(cross.value);
      crossOut.textContent = label;
      cross.setAttribute("aria-valuetext", label);
    };
    cross.addEventListener("input", updateCross);
    updateCross();

    // filters re-rank the same request (text fields only on submit)
    this.form.addEventListener("change", (e) => {
      if (e.target.closest(".combo") || e.target === text || e.target.id === "f-title") return;
      this.hooks.onFilterChange?.();
    });
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.hooks.onSubmit?.(this.body());
    });
    this.el("save-request").addEventListener("click", () => this.hooks.onSave?.(this.body()));
    this.form.addEventListener("reset", () => setTimeout(() => {
      this.countries.clearSelection(false);
      this.exclude.clearSelection(false);
      this.requester.clearSelection(false);
      updateCount();
      updateCross();
      this.clearErrors();
    }));
    text.addEventListener("input", () => this.clearFieldError("text"));
    this.el("f-title").addEventListener("input", () => this.clearFieldError("text"));
    lengthNote(this.el("f-title"), MAX_TITLE, "the title");
  }

  /** The request fields (RequestFields in api/schemas.py) as typed now. */
  body() {
    const checked = (name) => [...this.form.querySelectorAll(`input[name=${name}]:checked`)].map((i) => i.value);
    const body = {
      title: this.el("f-title").value.trim(),
      text: cutToLimit(this.el("f-text").value.trim()),
      collaboration_type: this.el("f-collab").value,
      kinds: checked("kinds"),
      ecosystems: checked("ecosystems"),
      ecosystem_filter: this.el("f-eco-filter").checked,
      countries: this.countries.values,
      exclude_countries: this.exclude.values,
      cross_border: Number(this.el("f-cross").value),
      sme_only: this.el("f-sme").checked,
    };
    const requester = this.requester.values[0];
    if (requester) body.requester_id = requester;
    return body;
  }

  /** The requester's display name, if one is chosen. */
  get requesterName() {
    return this.requester.selected[0]?.label || "";
  }

  setRequester(profile) {
    this.requester.setValue([{ id: profile.id, label: profile.name }], false);
  }

  clearErrors() {
    for (const el of this.form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    const error = this.el("f-text-error");
    error.hidden = true;
    error.textContent = "";
  }

  clearFieldError(field) {
    if (field === "text") {
      this.el("f-text").removeAttribute("aria-invalid");
      this.el("f-text-error").hidden = true;
    }
  }

  /** Mark the fields a 422 problem names (text/title errors go under the description). */
  showErrors(problem) {
    this.clearErrors();
    for (const e of problem.errors || []) {
      const field = String(e.field || "").split(".")[0];
      const map = {
        text: "f-text", title: "f-title", requester_id: "f-requester", countries: "f-countries",
        exclude_countries: "f-exclude", kinds: "f-kinds", ecosystems: "f-ecosystems", cross_border: "f-cross",
        collaboration_type: "f-collab",
      };
      const el = this.el(map[field] || "");
      if (el) el.setAttribute("aria-invalid", "true");
      if (field === "text" || field === "title" || field === "body") {
        const error = this.el("f-text-error");
        error.textContent = e.message;
        error.hidden = false;
      }
    }
  }
}
