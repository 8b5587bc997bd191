// The ranked list: a card per candidate (name, kind, place, ecosystems, summary, the
// contribution bar, "Why this partner?", more / not like this, star, feedback) and the pager,
// 10 candidates per page.
import { clear, h } from "../dom.js";
import { entryOf } from "../shortlist.js";
import { labels } from "../taxonomy.js";
import { barScale, contributionBar } from "./contribution-bar.js";
import { evidencePanel } from "./evidence.js";
import { feedbackGroup } from "./feedback.js";
import { icon, iconButton } from "./icons.js";
import { starButton } from "./star-button.js";

export const PER_PAGE = 10;

/**
 * One candidate's card. `ctx`: positive, negative (Maps of example ids), wanted (Set of
 * ecosystem ids), requesterName, requestLabel, onExample(kind, profile), onFeedback(candidate, label).
 */
export function candidateCard(candidate, scale, ctx) {
  const p = candidate.profile;
  const id = `cand-${candidate.rank}`;
  const location = [p.city, p.region_name, labels.country[p.country] || p.country].filter(Boolean).join(", ");
  const entry = entryOf(p, { score: candidate.score, rank: candidate.rank, summary: candidate.summary, request: ctx.requestLabel });
  const evidenceId = `${id}-evidence`;
  let evidence = null;
  const why = h("button", {
    type: "button", class: "btn btn-small btn-secondary btn-why", "aria-expanded": "false", "aria-controls": evidenceId,
    onclick: () => {
      const open = why.getAttribute("aria-expanded") !== "true";
      why.setAttribute("aria-expanded", String(open));
      if (open && !evidence.firstChild) evidence.append(evidencePanel(candidate, { requesterName: ctx.requesterName }));
      evidence.hidden = !open;
    },
  }, h("span", {}, "Why this partner?"), icon("chevron", { size: 16, className: "icon chev" }));
  evidence = h("div", { id: evidenceId, class: "evidence-wrap", hidden: true });

  const more = iconButton("plus", "More like this", {
    class: "btn-small btn-quiet", "aria-pressed": String(ctx.positive.has(p.id)), dataset: { action: "more" },
    onclick: () => ctx.onExample("positive", p),
  });
  const less = iconButton("minus", "Not like this", {
    class: "btn-small btn-quiet", "aria-pressed": String(ctx.negative.has(p.id)), dataset: { action: "less" },
    onclick: () => ctx.onExample("negative", p),
  });

  return h("li", { class: "card candidate", id, dataset: { profileId: p.id } },
    h("article", { "aria-labelledby": `${id}-name` },
      h("div", { class: "card-head" },
        h("span", { class: "rank", "aria-label": `Rank ${candidate.rank}` }, String(candidate.rank)),
        h("div", { class: "card-title" },
          h("h3", { id: `${id}-name` }, h("a", { href: `#/profile/${encodeURIComponent(p.id)}` }, p.name),
            p.acronym && p.acronym !== p.name ? h("span", { class: "acronym" }, ` ${p.acronym}`) : null),
          h("p", { class: "meta" },
            h("span", { class: "tag tag-kind" }, labels.kind[p.kind] || p.kind),
            p.sme ? h("span", { class: "tag" }, "SME") : null,
            location ? h("span", { class: "loc" }, icon("pin", { size: 14 }), location) : null)),
        starButton(entry, { compact: true })),
      p.ecosystems?.length ? h("ul", { class: "eco-list", "aria-label": "Ecosystems" },
        p.ecosystems.map((e) => h("li", { class: `eco${ctx.wanted.has(e) ? " eco-wanted" : ""}` }, labels.ecosystem[e] || e))) : null,
      candidate.summary ? h("p", { class: "summary" }, candidate.summary) : null,
      contributionBar(candidate, scale),
      h("div", { class: "card-actions" }, why, more, less),
      evidence,
      feedbackGroup(candidate, ctx.onFeedback)));
}

/** Render page `page` of `result.data` into `list`, with the pager; `ctx` as for a card plus
 * onPage(n). Returns the page shown. */
export function renderPage({ list, pager }, result, page, ctx) {
  const data = result.data;
  const pages = Math.max(1, Math.ceil(data.length / PER_PAGE));
  const current = Math.min(Math.max(1, page), pages);
  const scale = barScale(data);
  clear(list);
  list.start = (current - 1) * PER_PAGE + 1;
  for (const c of data.slice((current - 1) * PER_PAGE, current * PER_PAGE)) list.append(candidateCard(c, scale, ctx));
  clear(pager);
  pager.hidden = pages <= 1;
  if (pages > 1) {
    const go = (n) => () => ctx.onPage(n);
    const items = [h("li", {}, h("button", { type: "button", class: "btn btn-small btn-quiet", disabled: current === 1, onclick: go(current - 1), "aria-label": "Previous page" }, icon("back", { size: 16 }), h("span", {}, "Previous")))];
    for (let n = 1; n <= pages; n += 1) {
      items.push(h("li", {}, h("button", {
        type: "button", class: `btn btn-small page-num${n === current ? " is-current" : ""}`,
        "aria-label": `Page ${n}`, "aria-current": n === current ? "page" : null, onclick: go(n),
      }, String(n))));
    }
    items.push(h("li", {}, h("button", { type: "button", class: "btn btn-small btn-quiet", disabled: current === pages, onclick: go(current + 1), "aria-label": "Next page" }, h("span", {}, "Next"), icon("back", { size: 16, className: "icon flip" }))));
    pager.append(h("ul", {}, items), h("p", { class: "hint" }, `${(current - 1) * PER_PAGE + 1}–${Math.min(current * PER_PAGE, data.length)} of ${data.length}`));
  }
  return current;
}

