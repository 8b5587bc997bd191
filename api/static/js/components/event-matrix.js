// The organiser's suggestion matrix (GET /v1/events/{id}/suggestions, a curator's key): one row
// per participant, its best partners by the pair's value, a mark where the schedule placed the
// pair; "Why?" opens the row's reasons, both sides (GET …/participants/{id}/suggestions).
import { api } from "../api.js";
import { clear, h } from "../dom.js";
import { fmt } from "../format.js";
import { icon } from "./icons.js";
import { loading, showProblem } from "./messages.js";
import { participantLink } from "./event-grid.js";
import { heat, ordinal } from "./event-words.js";

export const pairKey = (a, b) => (a < b ? `${a}|${b}` : `${b}|${a}`);

function cell(row, c, placed) {
  const isPlaced = placed.has(pairKey(row.profile.id, c.id));
  const title = `${row.profile.name} and ${c.name}: value ${fmt.num(c.score)} (0 to 1, both sides' fit)`
    + `${c.must_meet ? "; on a must-meet list" : ""}${isPlaced ? "; placed in the schedule" : ""}`;
  return h("td", { class: "ev-mcell", dataset: { partner: c.id }, title },
    h("span", { class: "ev-mname" }, c.name),
    h("span", { class: "ev-mfoot" },
      h("span", { class: `ev-score ${heat(c.score)}` }, fmt.num(c.score)),
      c.must_meet ? h("span", { class: "tag tag-kind" }, "must meet") : null,
      isPlaced ? h("span", { class: "ev-placed" }, icon("check", { size: 14 }), "placed") : null));
}

/** One suggestion's reasons, both sides, for the matrix's open row of `who`. */
function reasons(who, s) {
  return h("li", { class: "ev-why-item", dataset: { partner: s.profile.id } },
    h("p", {}, h("strong", {}, s.profile.name), " ", h("span", { class: `ev-score ${heat(s.score)}` }, fmt.num(s.score))),
    h("p", { class: "small" }, h("span", { class: "ev-side-label" }, `For what ${who} seeks, they rank ${ordinal(s.yours.rank)} of ${s.yours.of}. `),
      h("span", { class: "muted" }, s.yours.reason)),
    h("p", { class: "small" }, h("span", { class: "ev-side-label" }, `For what they seek, ${who} ranks ${ordinal(s.theirs.rank)} of ${s.theirs.of}. `),
      h("span", { class: "muted" }, s.theirs.reason)));
}

async function openWhy(event, row, k, host) {
  host.setAttribute("aria-busy", "true");
  clear(host).append(loading("Loading the reasons…"));
  try {
    const body = await api(`/v1/events/${encodeURIComponent(event.id)}/participants/${encodeURIComponent(row.profile.id)}/suggestions`, { query: { k } });
    clear(host).append(body.data.length
      ? h("ul", { class: "ev-why" }, body.data.map((s) => reasons(row.profile.name, s)))
      : h("p", { class: "muted" }, "No partner to suggest: no other participant shares a slot, or all are avoided."));
  } catch (problem) {
    showProblem(clear(host), problem);
  } finally {
    host.setAttribute("aria-busy", "false");
  }
}

/**
 * The matrix `matrix` ({data: [{profile, suggestions}]}) of `event`, `k` columns; `placed`: a
 * Set of pairKey()s the schedule holds; `names`: participant id → {name}.
 */
export function suggestionMatrix(event, matrix, k, placed, names) {
  if (!matrix.data.length) {
    return h("div", { class: "empty" }, icon("users"), h("p", {}, "No participants yet, so nothing to suggest. Register participants: each gets its best partners here."));
  }
  const width = Math.max(1, ...matrix.data.map((r) => r.suggestions.length), 1);
  const columns = Math.min(k, width);
  const body = h("tbody", {});
  matrix.data.forEach((row, i) => {
    const detailId = `ev-why-${i}`;
    const host = h("div", { class: "ev-why-host", "aria-live": "polite" });
    const detail = h("tr", { class: "ev-why-row", id: detailId, hidden: true }, h("td", { colspan: String(columns + 2) }, host));
    const toggle = h("button", {
      type: "button", class: "btn btn-small btn-quiet btn-why", "aria-expanded": "false", "aria-controls": detailId,
      "aria-label": `Why these partners for ${row.profile.name}?`,
      onclick: () => {
        const open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", String(open));
        detail.hidden = !open;
        if (open && !host.firstChild) openWhy(event, row, columns, host);
      },
    }, h("span", {}, "Why?"), icon("chevron", { size: 16, className: "icon chev" }));
    const cells = Array.from({ length: columns }, (_, j) => (row.suggestions[j] ? cell(row, row.suggestions[j], placed) : h("td", { class: "ev-mcell ev-free" }, "–")));
    body.append(h("tr", { dataset: { profileId: row.profile.id } },
      h("th", { scope: "row" }, participantLink(event.id, row.profile.id, names), h("span", { class: "muted small" }, ` ${row.profile.country}`)),
      cells, h("td", {}, toggle)), detail);
  });
  return h("div", { class: `table-wrap${matrix.data.length > 12 ? " ev-scroll" : ""}` }, h("table", { class: "table ev-matrix", id: "ev-matrix" },
    h("caption", { class: "sr-only" }, "Each participant's best partners by the pair's value"),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Participant"),
      Array.from({ length: columns }, (_, j) => h("th", { scope: "col" }, `${ordinal(j + 1)} choice`)), h("th", { scope: "col" }, h("span", { class: "sr-only" }, "Reasons")))),
    body));
}
