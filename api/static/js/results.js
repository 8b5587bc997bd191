// The ranked list: candidate cards with the contribution bar, the evidence, the refine and
// feedback buttons, and pagination (10 per page).
import { clear, fmt, h, highlight, iconButton } from "./dom.js";
import { FEATURE_LABELS, GROUPS, groupContributions, groupOf } from "./groups.js";
import { icon } from "./icons.js";
import { showProblem } from "./messages.js";
import { entryOf, starButton } from "./shortlist.js";

export const PER_PAGE = 10;

/** The common scale of all bars in a result: the largest positive and negative totals. */
export function barScale(candidates) {
  let pos = 0;
  let neg = 0;
  for (const c of candidates) {
    const groups = groupContributions(c.contributions);
    pos = Math.max(pos, Object.values(groups).filter((v) => v > 0).reduce((a, b) => a + b, 0));
    neg = Math.max(neg, Object.values(groups).filter((v) => v < 0).reduce((a, b) => a - b, 0));
  }
  return { pos: pos || 1, neg };
}

function describeBar(candidate) {
  const groups = groupContributions(candidate.contributions);
  const parts = GROUPS.filter((g) => groups[g.id] !== undefined)
    .sort((a, b) => Math.abs(groups[b.id]) - Math.abs(groups[a.id]))
    .map((g) => `${g.label} ${fmt.score(groups[g.id])}`);
  return `Score ${fmt.num(candidate.score)}: ${parts.join(", ") || "no signal"}`;
}

/** A horizontal stacked bar: negative groups left of zero, positive groups right of it. */
export function contributionBar(candidate, scale) {
  const groups = groupContributions(candidate.contributions);
  const total = scale.pos + scale.neg;
  const zero = (scale.neg / total) * 100;
  const segment = (g, value, width) => h("span", {
    class: `cbar-seg${value < 0 ? " cbar-seg-neg" : ""}`,
    style: `width:${width}%;background:${g.color}`,
    title: `${g.label}: ${fmt.score(value)}`,
    dataset: { group: g.id },
  });
  const positives = GROUPS.filter((g) => groups[g.id] > 0);
  const negatives = GROUPS.filter((g) => groups[g.id] < 0);
  const posSum = positives.reduce((a, g) => a + groups[g.id], 0);
  const negSum = negatives.reduce((a, g) => a - groups[g.id], 0);
  const pos = h("span", { class: "cbar-part", style: `left:${zero}%;width:${(posSum / total) * 100}%` },
    positives.map((g) => segment(g, groups[g.id], (groups[g.id] / posSum) * 100)));
  const neg = h("span", { class: "cbar-part cbar-part-neg", style: `left:${zero - (negSum / total) * 100}%;width:${(negSum / total) * 100}%` },
    negatives.map((g) => segment(g, groups[g.id], (-groups[g.id] / negSum) * 100)));
  return h("div", { class: "cbar", role: "img", "aria-label": describeBar(candidate), dataset: { testid: "contribution-bar" } },
    h("span", { class: "cbar-track" }, negSum ? neg : null, pos, scale.neg ? h("span", { class: "cbar-zero", style: `left:${zero}%` }) : null),
    h("span", { class: "cbar-score", "aria-hidden": "true" }, fmt.num(candidate.score)));
}

/** The legend of group colours (shown once above the list). */
export function renderLegend(host, candidates) {
  const present = new Set();
  for (const c of candidates) for (const g of Object.keys(groupContributions(c.contributions))) present.add(g);
  clear(host).append(
    h("span", { class: "legend-title" }, "Why ranked:"),
    h("ul", { class: "legend-list", "aria-label": "Signal groups in the bars" },
      GROUPS.filter((g) => present.has(g.id)).map((g) => h("li", { title: g.long },
        h("span", { class: `swatch${g.id === "diversity" ? " swatch-neg" : ""}`, style: `background:${g.color}` }), g.label))),
  );
  host.hidden = !present.size;
}

// ---- evidence ----------------------------------------------------------------------------
function section(key, title, iconName, ...body) {
  return h("section", { class: "ev-section", dataset: { evidence: key } }, h("h4", {}, icon(iconName, { size: 16 }), title), ...body);
}

function networkPath(link, candidate, ctx) {
  const node = (name, cls) => h("span", { class: `path-node ${cls}` }, name);
  const edge = (title, year) => h("span", { class: "path-edge" },
    h("span", { class: "path-line", "aria-hidden": "true" }),
    h("span", { class: "path-label" }, title || "joint project", year ? ` (${year})` : ""));
  const you = ctx.requesterName ? `${ctx.requesterName} (you)` : "You";
  if (link.type === "direct") {
    return h("li", { class: "path" }, node(link.with_name || you, "path-you"), edge(link.title, link.year),
      node(candidate.profile.name, "path-them"));
  }
  return h("li", { class: "path" }, node(you, "path-you"), edge(link.requester_project, null),
    node(link.via_name, "path-via"), edge(link.title, link.year), node(candidate.profile.name, "path-them"));
}

export function evidencePanel(candidate, ctx) {
  const ev = candidate.evidence || {};
  const labels = ctx.labels;
  const terms = (ev.shared_terms || []).map((t) => t.term);
  const parts = [];
  if (ev.activities?.length) {
    parts.push(section("activities", "Best-matching work", "doc", h("ul", { class: "ev-activities" }, ev.activities.map((a) => h("li", {},
      h("span", { class: `ev-title${a.type === "description" ? " ev-title-text" : ""}` }, highlight(a.title, terms)),
      h("span", { class: "ev-meta" },
        a.type === "description" ? h("span", { class: "tag" }, "profile text") : null,
        a.year ? h("span", { class: "tag" }, String(a.year)) : null,
        a.role && a.role !== "participant" ? h("span", { class: "tag tag-amber" }, a.role) : null,
        h("span", { class: "sim", title: "cosine similarity to the request" },
          h("span", { class: "sim-bar" }, h("span", { style: `width:${Math.max(0, Math.min(1, a.similarity)) * 100}%` })),
          h("span", {}, `similarity ${fmt.num(a.similarity)}`))))))));
  }
  if (ev.shared_terms?.length) {
    parts.push(section("terms", "Shared terms", "search", h("ul", { class: "term-list" }, ev.shared_terms.map((t) =>
      h("li", { class: "term" }, h("mark", {}, t.term), h("span", { class: "term-share" }, fmt.pct(t.share)))))));
  }
  if (ev.network?.length) {
    // the same joint project can be listed from both partners' sides: show it once
    const seen = new Set();
    const links = ev.network.filter((l) => {
      const key = [l.type, l.with_id || l.via_id, l.title, l.year].join("|");
      return !seen.has(key) && seen.add(key);
    });
    parts.push(section("network", "Network path", "network", h("ul", { class: "paths" }, links.slice(0, 3).map((l) => networkPath(l, candidate, ctx)))));
  }
  if (ev.ecosystems && (ev.ecosystems.shared?.length || ev.ecosystems.complementary?.length)) {
    const eco = (id) => labels.ecosystem[id] || id;
    parts.push(section("ecosystems", "Sectors", "layers", h("ul", { class: "plain" },
      ev.ecosystems.shared?.length ? h("li", {}, "Works in the ecosystems you asked for: ", h("strong", {}, ev.ecosystems.shared.map(eco).join(", "))) : null,
      (ev.ecosystems.complementary || []).map((c) => h("li", {}, "Brings ", h("strong", {}, eco(c.offered)), ", which often joins ",
        h("strong", {}, eco(c.wanted)), ` consortia (${fmt.num(c.lift, 1)}× more often than chance)`)))));
  }
  if (ev.country) parts.push(section("country", "Location", "pin", h("p", {}, ev.country)));
  if (ev.experience) {
    const x = ev.experience;
    parts.push(section("experience", "Track record", "users", h("p", {},
      `${x.activities} past project${x.activities === 1 ? "" : "s"}`, x.coordinated ? `, ${x.coordinated} coordinated` : "",
      x.history ? `, ${x.history} in earlier programmes` : "")));
  }
  if (ev.kind) parts.push(section("kind", "Type of organisation", "spark", h("p", {}, ev.kind.label || ev.kind.kind)));
  if (ev.mentioned?.length) {
    const said = { organisation: "The request names it: ", place: "The request names its location: ", country: "The request names its country: " };
    parts.push(section("mentioned", "Named in the request", "search", h("ul", { class: "plain" },
      ev.mentioned.map((m) => h("li", {}, said[m.what] || "", h("strong", {}, m.text))))));
  }

  // the numbers: every group with its features
  const groups = groupContributions(candidate.contributions);
  const maxAbs = Math.max(...Object.values(groups).map(Math.abs), 1e-9);
  const rows = GROUPS.filter((g) => groups[g.id] !== undefined).map((g) => {
    const features = Object.entries(candidate.contributions).filter(([f, v]) => v && groupOf(f) === g.id)
      .map(([f, v]) => `${FEATURE_LABELS[f] || f} ${fmt.score(v)}`).join(", ");
    const v = groups[g.id];
    return h("tr", {},
      h("th", { scope: "row" }, h("span", { class: "glabel" }, h("span", { class: "swatch", style: `background:${g.color}` }), g.label)),
      h("td", { class: "num" }, fmt.score(v)),
      h("td", { class: "gbar-cell" }, h("span", { class: `gbar${v < 0 ? " gbar-neg" : ""}`, style: `width:${(Math.abs(v) / maxAbs) * 100}%;background:${g.color}` })),
      h("td", { class: "muted small feat" }, features));
  });
  parts.push(section("contributions", "Signal contributions", "chart", h("div", { class: "table-wrap" }, h("table", { class: "table gtable" },
    h("caption", { class: "sr-only" }, `Contributions to the score of ${candidate.profile.name}`),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Signal"), h("th", { scope: "col" }, "Points"), h("th", { scope: "col" }, h("span", { class: "sr-only" }, "Bar")), h("th", { scope: "col" }, "Features"))),
    h("tbody", {}, rows)))));
  return h("div", { class: "evidence" }, parts);
}

// ---- cards -------------------------------------------------------------------------------
function feedbackGroup(candidate, ctx) {
  const name = candidate.profile.name;
  const status = h("span", { class: "fb-status", role: "status" });
  const error = h("div", { class: "fb-error", role: "alert" });
  const options = [
    ["relevant", "Relevant", "thumb-up"],
    ["not_relevant", "Not relevant", "thumb-down"],
    ["contacted", "Contacted", "send"],
  ];
  const buttons = options.map(([label, text, iconName]) => {
    const button = h("button", {
      type: "button", class: "btn btn-small btn-feedback", "aria-pressed": "false", dataset: { feedback: label },
      onclick: async () => {
        button.disabled = true;
        clear(error);
        status.textContent = "Sending…";
        try {
          await ctx.onFeedback(candidate, label);
          button.setAttribute("aria-pressed", "true");
          status.textContent = `Thank you: “${text.toLowerCase()}” recorded`;
        } catch (problem) {
          status.textContent = "";
          showProblem(error, problem);
        } finally {
          button.disabled = false;
        }
      },
    }, icon(iconName, { size: 16 }), h("span", {}, text));
    return button;
  });
  return h("div", { class: "feedback" },
    h("div", { class: "feedback-row", role: "group", "aria-label": `Feedback on ${name}` },
      h("span", { class: "feedback-label", "aria-hidden": "true" }, "Feedback"), buttons, status), error);
}

export function candidateCard(candidate, scale, ctx) {
  const p = candidate.profile;
  const labels = ctx.labels;
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
      if (open && !evidence.firstChild) evidence.append(evidencePanel(candidate, ctx));
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
      feedbackGroup(candidate, ctx)));
}

/** Render page `page` of `result.data` into `list`, with the pager. */
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

