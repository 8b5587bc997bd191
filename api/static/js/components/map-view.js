// A choropleth of Europe: countries coloured by a count (five classes on a log scale, so
// one busy country does not wash out the rest), a tooltip on hover or focus, and a click,
// Enter or Space on a country to select it. Each counted country is a focusable button in
// the SVG, named "Germany: 5 candidates"; the SVG has a title and a description. Pages pair
// it with a table of the same counts (map pages), for lists and screen readers.
import { append, clear, h } from "../dom.js";
import { fmt } from "../format.js";
import { HEIGHT, WIDTH } from "../europe-shapes.js";
import { labels } from "../taxonomy.js";

const SVG = "http://www.w3.org/2000/svg";
const CLASSES = 5;

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined && value !== false) el.setAttribute(key, String(value));
  }
  return append(el, children);
}

/**
 * The classes of a scale up to `max`: [{upper, tone (1…5), label}], the count n in the first
 * class whose upper bound is ≥ n. Up to 5 a class per value, else log-spaced bounds.
 */
export function scale(max) {
  const uppers = [];
  for (let i = 1; i <= Math.min(max, CLASSES); i += 1) {
    const bound = max <= CLASSES ? i : i === CLASSES ? max : Math.round(max ** (i / CLASSES));
    if (bound > (uppers.at(-1) || 0)) uppers.push(bound);
  }
  return uppers.map((upper, i) => {
    const lower = i ? uppers[i - 1] + 1 : 1;
    return {
      upper,
      tone: Math.ceil(((i + 1) * CLASSES) / uppers.length),
      label: lower === upper ? fmt.int(upper) : `${fmt.int(lower)}–${fmt.int(upper)}`,
    };
  });
}

/** The display name of a country code. */
export const countryName = (code, fallback = code) => labels.country[code] || fallback;

function legend(classes, unit) {
  return h("ul", { class: "map-legend", "aria-label": `Legend: ${unit[1]} per country` },
    h("li", {}, h("span", { class: "map-swatch map-tone-0", "aria-hidden": "true" }), "none"),
    classes.map((c) => h("li", {}, h("span", { class: `map-swatch map-tone-${c.tone}`, "aria-hidden": "true" }), c.label)));
}

/**
 * Draw `shapes` (europe-shapes.js) into `host`, coloured by `counts` (Map code → n).
 * Options: `id` (prefix of element ids), `title` and `description` (of the SVG), `unit`
 * ([singular, plural]), `selected` (a code or null), `onSelect(code or null)` (a second click
 * on the selected country clears it), `detail(code)` (extra tooltip lines).
 * Returns the set of codes drawn (a count elsewhere is off the map).
 */
export function renderMap(host, shapes, counts, { id, title, description, unit, selected = null, onSelect, detail }) {
  const max = Math.max(0, ...counts.values());
  const classes = scale(max);
  const toneOf = (n) => (n > 0 ? classes.find((c) => n <= c.upper).tone : 0);
  const say = (n) => `${fmt.int(n)} ${n === 1 ? unit[0] : unit[1]}`;
  const tip = h("div", { class: "map-tip", id: `${id}-tip`, role: "tooltip", hidden: true });
  const canvas = h("div", { class: "map-canvas" });

  const showTip = (code, x, y) => {
    const lines = detail?.(code) || [];
    append(clear(tip), [h("strong", {}, countryName(code)), h("span", {}, say(counts.get(code) || 0)),
      lines.length ? h("ul", {}, lines.map((line) => h("li", {}, line))) : null]);
    tip.hidden = false;
    const room = canvas.clientWidth - tip.offsetWidth - 4;
    tip.style.left = `${Math.max(4, Math.min(x + 14, room))}px`;
    tip.style.top = `${Math.max(4, y + 14)}px`;
  };
  const hideTip = () => { tip.hidden = true; };
  const select = (code) => onSelect?.(code === selected ? null : code);

  const plain = svg("g", { class: "map-land", "aria-hidden": "true" });
  const counted = svg("g", { class: "map-counted" });
  const drawn = new Set(shapes.map((s) => s.code));
  const named = shapes.map((s) => ({ ...s, label: countryName(s.code, s.name) }))
    .sort((a, b) => a.label.localeCompare(b.label));
  for (const shape of named) {
    const n = counts.get(shape.code) || 0;
    const tone = toneOf(n);
    const path = svg("path", { d: shape.d, class: `map-tone-${tone}`, "fill-rule": "evenodd" });
    if (!n) {
      plain.append(svg("g", { class: "map-country", "data-country": shape.code }, path));
      continue;
    }
    const group = svg("g", {
      class: `map-country is-counted${shape.code === selected ? " is-selected" : ""}`,
      "data-country": shape.code, "data-count": n, tabindex: 0, role: "button",
      "aria-label": `${shape.label}: ${say(n)}`, "aria-pressed": String(shape.code === selected),
    }, path, shape.small ? svg("circle", { cx: shape.centre[0], cy: shape.centre[1], r: 5, class: `map-dot map-tone-${tone}` }) : null);
    group.addEventListener("click", () => select(shape.code));
    group.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        select(shape.code);
      }
    });
    group.addEventListener("pointermove", (e) => {
      const box = canvas.getBoundingClientRect();
      showTip(shape.code, e.clientX - box.left, e.clientY - box.top);
    });
    group.addEventListener("pointerleave", hideTip);
    group.addEventListener("focus", () => {
      const box = canvas.getBoundingClientRect();
      const own = group.getBoundingClientRect();
      showTip(shape.code, own.left + own.width / 2 - box.left, own.top + own.height / 2 - box.top);
    });
    group.addEventListener("blur", hideTip);
    counted.append(group);
  }
  // the selected country last, so its outline is drawn over its neighbours'
  const chosen = counted.querySelector(".is-selected");
  if (chosen) counted.append(chosen);

  const map = svg("svg", {
    class: "map", viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "group",
    "aria-labelledby": `${id}-title`, "aria-describedby": `${id}-desc`,
  },
  svg("title", { id: `${id}-title` }, title),
  svg("desc", { id: `${id}-desc` }, description),
  svg("rect", { class: "map-sea", width: WIDTH, height: HEIGHT }),
  plain, counted);
  canvas.append(map, tip);
  clear(host).append(h("figure", { class: "map-figure", id }, canvas,
    h("figcaption", {}, legend(classes, unit))));
  return drawn;
}
