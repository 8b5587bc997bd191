// The contribution bar of a candidate and the legend above the list. With a `baseline` (the
// score of the typical candidate of the request), contributions are relative to it: right of
// zero what lifts the candidate above the typical one, hatched left of zero what puts it below.
// Without one (an older server) they are the score's parts, penalties hatched left of zero.
// Every bar of a result is on one scale.
import { clear, h } from "../dom.js";
import { fmt } from "../format.js";
import { groupContributions, groupsIn } from "../groups.js";

/** The common scale of all bars in a result: the largest positive and negative totals. */
export function barScale(candidates) {
  let pos = 0;
  let neg = 0;
  for (const c of candidates) {
    const groups = groupContributions(c);
    pos = Math.max(pos, Object.values(groups).filter((v) => v > 0).reduce((a, b) => a + b, 0));
    neg = Math.max(neg, Object.values(groups).filter((v) => v < 0).reduce((a, b) => a - b, 0));
  }
  return { pos: pos || 1, neg };
}

/** The typical candidate's score of a result (the same for each of its candidates), or null. */
export function baselineOf(candidate) {
  return Number.isFinite(candidate?.baseline) ? candidate.baseline : null;
}

function describeBar(candidate, groups) {
  const parts = (keep) => groupsIn(Object.keys(groups).filter((id) => keep(groups[id])))
    .sort((a, b) => Math.abs(groups[b.id]) - Math.abs(groups[a.id]))
    .map((g) => `${g.label} ${fmt.score(groups[g.id])}`)
    .join(", ");
  const baseline = baselineOf(candidate);
  if (baseline === null) return `Score ${fmt.num(candidate.score)}: ${parts(() => true) || "no signal"}`;
  const above = parts((v) => v > 0);
  const below = parts((v) => v < 0);
  return `Score ${fmt.num(candidate.score)}, typical candidate for this request ${fmt.num(baseline)}.`
    + (above ? ` Above typical: ${above}.` : "")
    + (below ? ` Below typical: ${below}.` : "");
}

/** A horizontal stacked bar: negative groups left of zero, positive groups right of it. */
export function contributionBar(candidate, scale) {
  const groups = groupContributions(candidate);
  const total = scale.pos + scale.neg;
  const zero = (scale.neg / total) * 100;
  const segment = (g, value, width) => h("span", {
    class: `cbar-seg${value < 0 ? " cbar-seg-neg" : ""}`,
    style: `width:${width}%;background:${g.color}`,
    title: `${g.label}: ${fmt.score(value)}`,
    dataset: { group: g.id },
  });
  const present = groupsIn(Object.keys(groups));
  const positives = present.filter((g) => groups[g.id] > 0);
  const negatives = present.filter((g) => groups[g.id] < 0);
  const posSum = positives.reduce((a, g) => a + groups[g.id], 0);
  const negSum = negatives.reduce((a, g) => a - groups[g.id], 0);
  const pos = h("span", { class: "cbar-part", style: `left:${zero}%;width:${(posSum / total) * 100}%` },
    positives.map((g) => segment(g, groups[g.id], (groups[g.id] / posSum) * 100)));
  const neg = h("span", { class: "cbar-part cbar-part-neg", style: `left:${zero - (negSum / total) * 100}%;width:${(negSum / total) * 100}%` },
    negatives.map((g) => segment(g, groups[g.id], (-groups[g.id] / negSum) * 100)));
  return h("div", { class: "cbar", role: "img", "aria-label": describeBar(candidate, groups), dataset: { testid: "contribution-bar" } },
    h("span", { class: "cbar-track" }, negSum ? neg : null, pos, scale.neg ? h("span", { class: "cbar-zero", style: `left:${zero}%` }) : null),
    h("span", { class: "cbar-score", "aria-hidden": "true" }, fmt.num(candidate.score)));
}

const LEGEND = {
  relative: ["Bars: what sets each partner apart from the typical candidate for this request.",
    "Right of the line: above typical;", "hatched, left of the line: below typical."],
  absolute: ["Bars: what each signal group adds to the score.", "Right of the line: points;",
    "hatched, left of the line: penalties."],
};

/** The legend above the list: what the bars show, then the colour of each signal group. */
export function renderLegend(host, candidates) {
  const present = new Set();
  for (const c of candidates) for (const g of Object.keys(groupContributions(c))) present.add(g);
  const [what, right, left] = LEGEND[baselineOf(candidates[0]) === null ? "absolute" : "relative"];
  const sample = (cls) => h("span", { class: `swatch swatch-sample ${cls}`, "aria-hidden": "true" });
  clear(host).append(
    h("p", { class: "legend-text" }, `${what} `,
      h("span", { class: "legend-key" }, sample("swatch-above"), right), " ",
      h("span", { class: "legend-key" }, sample("swatch-below"), left)),
    h("ul", { class: "legend-list", "aria-label": "Signal groups in the bars" },
      groupsIn(present).map((g) => h("li", { title: g.long },
        h("span", { class: "swatch", style: `background:${g.color}`, dataset: { group: g.id } }), g.label))),
  );
  host.hidden = !present.size;
}
