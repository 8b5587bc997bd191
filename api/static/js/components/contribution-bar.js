// The contribution bar of a candidate (its score split into signal groups, penalties left of
// zero, every bar of a result on one scale) and the legend of group colours above the list.
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

function describeBar(candidate, groups) {
  const parts = groupsIn(Object.keys(groups))
    .sort((a, b) => Math.abs(groups[b.id]) - Math.abs(groups[a.id]))
    .map((g) => `${g.label} ${fmt.score(groups[g.id])}`);
  return `Score ${fmt.num(candidate.score)}: ${parts.join(", ") || "no signal"}`;
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

/** The legend of group colours (shown once above the list); penalty groups are hatched in CSS. */
export function renderLegend(host, candidates) {
  const present = new Set();
  for (const c of candidates) for (const g of Object.keys(groupContributions(c))) present.add(g);
  clear(host).append(
    h("span", { class: "legend-title" }, "Why ranked:"),
    h("ul", { class: "legend-list", "aria-label": "Signal groups in the bars" },
      groupsIn(present).map((g) => h("li", { title: g.long },
        h("span", { class: "swatch", style: `background:${g.color}`, dataset: { group: g.id } }), g.label))),
  );
  host.hidden = !present.size;
}
