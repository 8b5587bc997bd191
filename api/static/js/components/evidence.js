// "Why this partner?": the evidence behind a candidate (best-matching work, shared terms, the
// network path, sectors, location, track record, what the request names) and every signal
// group's points with the signals in it (relative to the typical candidate where the answer
// has a baseline).
import { h, highlight } from "../dom.js";
import { fmt } from "../format.js";
import { groupContributions, groupsIn, signalLabel, signalsIn } from "../groups.js";
import { labels } from "../taxonomy.js";
import { baselineOf } from "./contribution-bar.js";
import { icon } from "./icons.js";

function section(key, title, iconName, ...body) {
  return h("section", { class: "ev-section", dataset: { evidence: key } }, h("h4", {}, icon(iconName, { size: 16 }), title), ...body);
}

function networkPath(link, candidate, requesterName) {
  const node = (name, cls) => h("span", { class: `path-node ${cls}` }, name);
  // where the joint project is known from: CORDIS, a curator, or a confirmed self-declaration
  const edge = (title, year, provenance) => h("span", { class: "path-edge" },
    h("span", { class: "path-line", "aria-hidden": "true" }),
    h("span", { class: "path-label" }, title || "joint project", year ? ` (${year})` : "",
      provenance ? h("span", { class: "path-source muted small" }, ` · ${provenance}`) : null));
  const you = requesterName ? `${requesterName} (you)` : "You";
  if (link.type === "direct") {
    return h("li", { class: "path" }, node(link.with_name || you, "path-you"), edge(link.title, link.year, link.provenance),
      node(candidate.profile.name, "path-them"));
  }
  // the path starts at the requester ("you") or at the positive example it runs through
  const start = link.of_requester === false && link.from_name ? link.from_name : you;
  return h("li", { class: "path" }, node(start, "path-you"), edge(link.requester_project, null),
    node(link.via_name, "path-via"), edge(link.title, link.year, link.provenance),
    node(candidate.profile.name, "path-them"));
}

function caption(candidate) {
  const baseline = baselineOf(candidate);
  if (baseline === null) {
    return h("caption", { class: "sr-only" }, `Contributions to the score of ${candidate.profile.name}`);
  }
  return h("caption", { class: "gtable-caption" },
    `Points of ${candidate.profile.name} (score ${fmt.num(candidate.score)}) relative to the typical candidate `
    + `for this request (score ${fmt.num(baseline)}): + above typical, − below.`);
}

/** The table of signal groups: points, a bar on the candidate's own scale, the signals. */
function contributionsTable(candidate) {
  const groups = groupContributions(candidate);
  const maxAbs = Math.max(...Object.values(groups).map(Math.abs), 1e-9);
  const rows = groupsIn(Object.keys(groups)).map((g) => {
    const signals = signalsIn(candidate, g.id).map(([name, v]) => `${signalLabel(name)} ${fmt.score(v)}`).join(", ");
    const v = groups[g.id];
    return h("tr", {},
      h("th", { scope: "row" }, h("span", { class: "glabel" }, h("span", { class: "swatch", style: `background:${g.color}` }), g.label)),
      h("td", { class: "num" }, fmt.score(v)),
      h("td", { class: "gbar-cell" }, h("span", { class: `gbar${v < 0 ? " gbar-neg" : ""}`, style: `width:${(Math.abs(v) / maxAbs) * 100}%;background:${g.color}` })),
      h("td", { class: "muted small feat" }, signals));
  });
  return h("div", { class: "table-wrap" }, h("table", { class: "table gtable" },
    caption(candidate),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Signal"), h("th", { scope: "col" }, "Points"), h("th", { scope: "col" }, h("span", { class: "sr-only" }, "Bar")), h("th", { scope: "col" }, "Features"))),
    h("tbody", {}, rows)));
}

/** The evidence of `candidate`; `requesterName` names "you" in network paths. */
export function evidencePanel(candidate, { requesterName = "" } = {}) {
  const ev = candidate.evidence || {};
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
  if (ev.history && ev.history.known === false) {
    parts.push(section("history", "No project history", "users", h("p", {},
      "No past projects are known for this organisation. Where a missing record would cost it points, it is given the benefit "
      + "of the doubt: its track record and its place in the network count as what they usually are for organisations as close "
      + "to the request. It is never credited with a collaboration with you, and none of this is given as a reason.")));
  }
  if (ev.languages) {
    const l = ev.languages;
    const same = l.request && l.request === l.profile;
    parts.push(section("languages", same || !l.request ? "Matched by meaning" : "Across languages", "search",
      h("p", { class: "ev-languages" }, same
        ? `Both in ${l.profile_name}: matched by meaning with the multilingual model. The term index is built mostly from `
          + `English texts and knows few ${l.profile_name} words, so the term signals count at least what they usually are `
          + "at this similarity and are not given as a reason."
        : (l.request ? `Written in ${l.profile_name}, the request in ${l.request_name}` :
          `Written in ${l.profile_name}; the request is too short to tell its language`)
          + ": matched by meaning with the multilingual model. "
          + "Words cannot be shared across languages, so the term signals count as what they usually are at this similarity "
          + "and are not given as a reason.")));
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
    parts.push(section("network", "Network path", "network", h("ul", { class: "paths" }, links.slice(0, 3).map((l) => networkPath(l, candidate, requesterName)))));
  }
  if (ev.ecosystems && (ev.ecosystems.shared?.length || ev.ecosystems.complementary?.length)) {
    const eco = (id) => labels.ecosystem[id] || id;
    parts.push(section("ecosystems", "Sectors", "layers", h("ul", { class: "plain" },
      ev.ecosystems.asked?.length ? h("li", {}, "Works in the ecosystems you asked for: ", h("strong", {}, ev.ecosystems.asked.map(eco).join(", "))) : null,
      // sectors read from the text or the requester's profile: the user did not pick them
      ev.ecosystems.shared?.some((e) => !(ev.ecosystems.asked || []).includes(e))
        ? h("li", {}, "Works in sectors the request is about: ", h("strong", {},
          ev.ecosystems.shared.filter((e) => !(ev.ecosystems.asked || []).includes(e)).map(eco).join(", ")))
        : null,
      (ev.ecosystems.complementary || []).map((c) => h("li", {}, "Brings ", h("strong", {}, eco(c.offered)), ", which often joins ",
        h("strong", {}, eco(c.wanted)), ` consortia (${fmt.num(c.lift, 1)}× more often than chance)`)))));
  }
  if (ev.country) parts.push(section("country", "Location", "pin", h("p", {}, ev.country)));
  if (ev.experience) {
    const x = ev.experience;
    // the ranking damps very large records: say why, so that it does not read as a penalty
    const damping = Number(x.damping) || 0;
    const why = damping < 0
      ? "The ranking damps organisations with very many projects: at equal fit, they join fewer of the consortia they resemble, so a record larger than the typical candidate's counts slightly against it."
      : damping > 0
        ? "At equal fit the ranking favours organisations with fewer projects than the typical candidate: very large ones join fewer of the consortia they resemble."
        : "";
    parts.push(section("experience", "Track record", "users", h("p", {},
      `${x.activities} past project${x.activities === 1 ? "" : "s"}`, x.coordinated ? `, ${x.coordinated} coordinated` : "",
      x.history ? `, ${x.history} in earlier programmes` : ""), why ? h("p", { class: "ev-note" }, why) : null));
  }
  if (ev.kind) parts.push(section("kind", "Type of organisation", "spark", h("p", {}, ev.kind.label || ev.kind.kind, ev.kind.sme ? " · SME" : "")));
  if (ev.mentioned?.length) {
    const said = { organisation: "The request names it: ", place: "The request names its location: ", country: "The request names its country: " };
    parts.push(section("mentioned", "Named in the request", "search", h("ul", { class: "plain" },
      ev.mentioned.map((m) => h("li", {}, said[m.what] || "", h("strong", {}, m.text))))));
  }
  parts.push(section("contributions", "Signal contributions", "chart", contributionsTable(candidate)));
  return h("div", { class: "evidence" }, parts);
}
