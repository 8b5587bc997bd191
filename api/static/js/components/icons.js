// Inline SVG icons (24×24, stroke-based), drawn for this project; no icon font, no network.
// Also the icon button and the [data-icon] placeholders of index.html.
import { h } from "../dom.js";

const SVG = "http://www.w3.org/2000/svg";

const P = (d) => ["path", { d }];
const C = (cx, cy, r) => ["circle", { cx, cy, r }];

const ICONS = {
  search: [C(11, 11, 7), P("M20 20l-3.8-3.8")],
  star: [P("M12 2.8l2.8 5.8 6.3.9-4.6 4.4 1.1 6.3L12 17.2l-5.6 3 1.1-6.3-4.6-4.4 6.3-.9z")],
  "star-filled": [["path", { d: "M12 2.8l2.8 5.8 6.3.9-4.6 4.4 1.1 6.3L12 17.2l-5.6 3 1.1-6.3-4.6-4.4 6.3-.9z", fill: "currentColor" }]],
  code: [P("M16 18l6-6-6-6"), P("M8 6l-6 6 6 6")],
  key: [C(7.5, 15.5, 4.5), P("M10.7 12.3L20 3"), P("M16.5 6.5l2.5 2.5"), P("M14 9l2 2")],
  sliders: [P("M4 21v-7M4 10V3M12 21v-9M12 8V3M20 21v-5M20 12V3M1 14h6M9 8h6M17 16h6")],
  list: [P("M8 6h13M8 12h13M8 18h13"), C(3.5, 6, 1), C(3.5, 12, 1), C(3.5, 18, 1)],
  chart: [P("M3 3v18h18"), P("M7 15h3v3H7zM12 9h3v9h-3zM17 5h3v13h-3z")],
  compass: [C(12, 12, 9.5), P("M15.5 8.5l-2 5-5 2 2-5z")],
  save: [P("M19 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h11l5 5v11a2 2 0 0 1-2 2z"), P("M17 21v-8H7v8M7 3v5h8")],
  "thumb-up": [P("M7 11v10H4a1 1 0 0 1-1-1v-8a1 1 0 0 1 1-1h3zM7 11l4-8a3 3 0 0 1 3 3v4h5.5a2 2 0 0 1 2 2.3l-1.2 7A2 2 0 0 1 18.3 21H7")],
  "thumb-down": [P("M17 13V3h3a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1h-3zM17 13l-4 8a3 3 0 0 1-3-3v-4H4.5a2 2 0 0 1-2-2.3l1.2-7A2 2 0 0 1 5.7 3H17")],
  send: [P("M22 2L11 13"), P("M22 2l-7 20-4-9-9-4z")],
  plus: [C(12, 12, 9.5), P("M12 8v8M8 12h8")],
  minus: [C(12, 12, 9.5), P("M8 12h8")],
  chevron: [P("M6 9l6 6 6-6")],
  download: [P("M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4"), P("M7 10l5 5 5-5M12 15V3")],
  close: [P("M18 6L6 18M6 6l12 12")],
  back: [P("M19 12H5M12 19l-7-7 7-7")],
  pin: [P("M20 10c0 6-8 12-8 12s-8-6-8-12a8 8 0 0 1 16 0z"), C(12, 10, 3)],
  network: [C(18, 5, 3), C(6, 12, 3), C(18, 19, 3), P("M8.6 13.5l6.8 4M15.4 6.5l-6.8 4")],
  alert: [C(12, 12, 9.5), P("M12 7.5v5.5M12 16.5v.01")],
  check: [P("M20 6L9 17l-5-5")],
  info: [C(12, 12, 9.5), P("M12 11v5.5M12 7.5v.01")],
  funnel: [P("M3 4h18l-7 8.5V19l-4 2v-8.5z")],
  "arrow-up": [P("M12 19V5M6 11l6-6 6 6")],
  copy: [["rect", { x: 9, y: 9, width: 12, height: 12, rx: 2 }], P("M5 15H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v1")],
  trash: [P("M3 6h18M19 6l-1 14a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2L5 6M10 11v6M14 11v6M9 6V4a1 1 0 0 1 1-1h4a1 1 0 0 1 1 1v2")],
  external: [P("M18 13v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h6M15 3h6v6M10 14L21 3")],
  doc: [P("M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z"), P("M14 2v6h6M8 13h8M8 17h6")],
  users: [C(9, 8, 3.5), P("M2.5 20a6.5 6.5 0 0 1 13 0"), P("M16 4.5a3.5 3.5 0 0 1 0 7M18.5 14.5A6.5 6.5 0 0 1 21.5 20")],
  layers: [P("M12 2l10 5-10 5L2 7z"), P("M2 17l10 5 10-5M2 12l10 5 10-5")],
  spark: [P("M12 3v4M12 17v4M3 12h4M17 12h4M5.6 5.6l2.8 2.8M15.6 15.6l2.8 2.8M5.6 18.4l2.8-2.8M15.6 8.4l2.8-2.8")],
  logo: [
    ["rect", { x: 1, y: 1, width: 22, height: 22, rx: 6, fill: "#12337a", stroke: "none" }],
    ["path", { d: "M7 8.5l5 7 5-7M7 8.5h10", stroke: "#f2c14e", "stroke-width": 1.6 }],
    ["circle", { cx: 7, cy: 8.5, r: 2.1, fill: "#ffd166", stroke: "none" }],
    ["circle", { cx: 17, cy: 8.5, r: 2.1, fill: "#ffd166", stroke: "none" }],
    ["circle", { cx: 12, cy: 15.5, r: 2.6, fill: "#ffffff", stroke: "none" }],
  ],
};

/** An <svg> element for `name` (aria-hidden; the caller provides the accessible name). */
export function icon(name, { size = 18, className = "icon" } = {}) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", String(size));
  svg.setAttribute("height", String(size));
  svg.setAttribute("class", `${className} icon-${name}`);
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("fill", "none");
  svg.setAttribute("stroke", "currentColor");
  svg.setAttribute("stroke-width", "2");
  svg.setAttribute("stroke-linecap", "round");
  svg.setAttribute("stroke-linejoin", "round");
  for (const [tag, attrs] of ICONS[name] || ICONS.alert) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    svg.append(el);
  }
  return svg;
}

/** A button with an inline SVG icon and a text label (the label may be visually hidden). */
export function iconButton(name, label, attrs = {}, { hideLabel = false } = {}) {
  const cls = ["btn", attrs.class || "btn-quiet", hideLabel ? "btn-icon" : ""].join(" ").trim();
  return h(
    "button",
    { type: "button", ...attrs, class: cls, ...(hideLabel ? { "aria-label": label, title: label } : {}) },
    icon(name),
    hideLabel ? null : h("span", { class: "label" }, label),
  );
}

/** Replace `[data-icon]` placeholders in static HTML with their SVG. */
export function hydrateIcons(root = document) {
  for (const el of root.querySelectorAll("[data-icon]")) {
    if (el.firstChild) continue;
    el.append(icon(el.dataset.icon));
  }
}
