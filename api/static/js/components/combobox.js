// An accessible combobox (WAI-ARIA 1.2 pattern: input + listbox popup, aria-activedescendant).
// Multi mode shows the chosen options as removable chips; single mode shows the choice in the
// input. Options come from a synchronous list or an async `search(text)` function.
import { clear, debounce, h } from "../dom.js";
import { icon } from "./icons.js";

let counter = 0;

export class Combobox {
  /**
   * @param {HTMLElement} host  where to render
   * @param {object} opts  id (the input id), labelledBy, placeholder, multiple,
   *   options ([{id, label, hint}]) or search (async text => options), onChange (values => void),
   *   chipLabel (option => string)
   */
  constructor(host, opts) {
    this.opts = { multiple: false, placeholder: "", chipLabel: (o) => o.label, ...opts };
    this.uid = `cb${++counter}`;
    this.selected = []; // [{id, label, hint}]
    this.items = [];
    this.active = -1;
    this.open = false;
    this.seq = 0;
    this.render(host);
  }

  render(host) {
    const { id, labelledBy, placeholder, multiple } = this.opts;
    this.listId = `${this.uid}-list`;
    this.input = h("input", {
      id, type: "text", role: "combobox", autocomplete: "off", spellcheck: "false",
      "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": this.listId,
      "aria-labelledby": labelledBy, placeholder,
    });
    this.list = h("ul", { id: this.listId, role: "listbox", class: "combo-list", hidden: true, "aria-labelledby": labelledBy });
    this.chips = multiple ? h("ul", { class: "chips", "aria-label": "Selected" }) : null;
    this.clearButton = multiple ? null : h("button", {
      type: "button", class: "btn btn-icon btn-quiet combo-clear", hidden: true,
      "aria-label": "Clear selection", title: "Clear selection", onclick: () => this.clearSelection(true),
    }, icon("close"));
    this.status = h("span", { class: "sr-only", "aria-live": "polite" });
    this.root = h("div", { class: `combo${multiple ? " combo-multi" : ""}` },
      h("div", { class: "combo-input" }, icon("search"), this.input, this.clearButton), this.list, this.chips, this.status);
    clear(host).append(this.root);

    this.input.addEventListener("input", () => {
      if (!multiple && this.selected.length && this.input.value !== this.selected[0].label) {
        this.selected = [];
        this.clearButton.hidden = true;
        this.changed();
      }
      this.refresh();
    });
    this.input.addEventListener("keydown", (e) => this.onKey(e));
    this.input.addEventListener("blur", () => setTimeout(() => {
      if (!this.root.contains(document.activeElement)) this.close();
    }, 120));
    this.list.addEventListener("mousedown", (e) => e.preventDefault()); // keep focus in the input
    this.debouncedSearch = debounce((text, seq) => this.runSearch(text, seq), 150);
  }

  async refresh() {
    const text = this.input.value.trim();
    if (this.opts.search) {
      if (!text) { this.close(); return; }
      const seq = ++this.seq;
      this.debouncedSearch(text, seq);
      return;
    }
    const needle = text.toLowerCase();
    const chosen = new Set(this.selected.map((o) => o.id));
    const items = this.opts.options.filter((o) => !chosen.has(o.id) && (!needle
      || o.label.toLowerCase().includes(needle) || o.id.toLowerCase() === needle
      || (o.keywords || "").toLowerCase().includes(needle)));
    this.show(items.slice(0, 50), text);
  }

  async runSearch(text, seq) {
    try {
      const items = await this.opts.search(text);
      if (seq !== this.seq) return;
      this.show(items, text);
    } catch (error) {
      if (seq !== this.seq) return;
      this.show([], text, `Search failed: ${error.message}`);
    }
  }

  show(items, text, emptyText) {
    this.items = items;
    this.active = items.length ? 0 : -1;
    clear(this.list);
    if (!items.length) {
      this.list.append(h("li", { class: "combo-empty", role: "presentation" }, emptyText || (text ? `No match for “${text}”` : "No options")));
    }
    items.forEach((item, i) => {
      this.list.append(h("li", {
        id: `${this.uid}-opt-${i}`, role: "option", class: "combo-option", "aria-selected": i === this.active ? "true" : "false",
        onclick: () => this.choose(i),
      }, h("span", { class: "combo-label" }, item.label), item.hint ? h("span", { class: "combo-hint" }, item.hint) : null));
    });
    this.open = true;
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    this.updateActive();
    this.status.textContent = items.length ? `${items.length} option${items.length === 1 ? "" : "s"}` : "No options";
  }

  close() {
    this.open = false;
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }

  updateActive() {
    [...this.list.querySelectorAll("[role=option]")].forEach((el, i) => {
      el.setAttribute("aria-selected", i === this.active ? "true" : "false");
      el.classList.toggle("active", i === this.active);
      if (i === this.active) {
        this.input.setAttribute("aria-activedescendant", el.id);
        el.scrollIntoView({ block: "nearest" });
      }
    });
    if (this.active < 0) this.input.removeAttribute("aria-activedescendant");
  }

  onKey(e) {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (!this.open) { this.refresh(); return; }
      if (this.items.length) this.active = (this.active + 1) % this.items.length;
      this.updateActive();
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      if (this.items.length) this.active = (this.active - 1 + this.items.length) % this.items.length;
      this.updateActive();
    } else if (e.key === "Enter") {
      if (this.open && this.active >= 0) {
        e.preventDefault();
        this.choose(this.active);
      }
    } else if (e.key === "Escape") {
      if (this.open) { e.preventDefault(); this.close(); }
      else if (!this.opts.multiple && this.input.value) { e.preventDefault(); this.clearSelection(true); }
    } else if (e.key === "Backspace" && this.opts.multiple && !this.input.value && this.selected.length) {
      this.remove(this.selected[this.selected.length - 1].id);
    }
  }

  choose(i) {
    const item = this.items[i];
    if (!item) return;
    if (this.opts.multiple) {
      if (!this.selected.some((o) => o.id === item.id)) this.selected.push(item);
      this.input.value = "";
      this.renderChips();
      this.close();
      this.status.textContent = `${item.label} added`;
    } else {
      this.selected = [item];
      this.input.value = item.label;
      this.clearButton.hidden = false;
      this.close();
    }
    this.changed();
  }

  remove(id) {
    const item = this.selected.find((o) => o.id === id);
    this.selected = this.selected.filter((o) => o.id !== id);
    this.renderChips();
    if (item) this.status.textContent = `${item.label} removed`;
    this.input.focus();
    this.changed();
  }

  renderChips() {
    if (!this.chips) return;
    clear(this.chips);
    for (const item of this.selected) {
      const label = this.opts.chipLabel(item);
      this.chips.append(h("li", { class: "chip" }, h("span", {}, label),
        h("button", { type: "button", class: "chip-remove", "aria-label": `Remove ${item.label}`, title: `Remove ${item.label}`, onclick: () => this.remove(item.id) }, icon("close", { size: 14 }))));
    }
  }

  clearSelection(notify) {
    this.selected = [];
    this.input.value = "";
    if (this.clearButton) this.clearButton.hidden = true;
    this.renderChips();
    this.close();
    if (notify) { this.input.focus(); this.changed(); }
  }

  /** Set the selection programmatically (options: [{id, label, hint}]). */
  setValue(items, notify = false) {
    this.selected = [...items];
    if (this.opts.multiple) this.renderChips();
    else {
      this.input.value = items[0]?.label || "";
      this.clearButton.hidden = !items.length;
    }
    if (notify) this.changed();
  }

  get values() {
    return this.selected.map((o) => o.id);
  }

  changed() {
    this.opts.onChange?.(this.values);
  }
}
