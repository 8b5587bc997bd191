// The profile page (#/profile/ID): the organisation, its activities (paginated), similar
// organisations, complementary partners across sectors, and open requests that fit it, with
// "express interest".
import { api } from "../api.js";
import { claimsPath, drawClaims } from "../components/claims.js";
import { icon, iconButton } from "../components/icons.js";
import { keyNote } from "../components/key-note.js";
import { lengthNote } from "../components/length-note.js";
import { loading, reveal, showProblem, showSuccess } from "../components/messages.js";
import { starButton } from "../components/star-button.js";
import { clear, h, whileBusy } from "../dom.js";
import { fmt } from "../format.js";
import { entryOf } from "../shortlist.js";
import { labels } from "../taxonomy.js";

const ACTIVITIES_PER_PAGE = 8;

function chips(items, label, cls = "eco") {
  return items?.length ? h("ul", { class: "eco-list", "aria-label": label }, items.map((t) => h("li", { class: cls }, t))) : null;
}

/** A section that loads on its own, with a loading line and its own error message. */
async function lazySection(host, load, render) {
  host.setAttribute("aria-busy", "true");
  clear(host).append(loading());
  try {
    const data = await load();
    clear(host);
    render(host, data);
  } catch (problem) {
    showProblem(clear(host), problem);
  } finally {
    host.setAttribute("aria-busy", "false");
  }
}

/** Where an activity is known from; a self-declared one's ties count only once confirmed. */
function provenanceTag(activity) {
  const p = activity.provenance;
  if (!p) return null;
  if (p.source === "self-declared") {
    const confirmed = p.confirmations.length;
    const listed = activity.partners?.length || 0;
    const text = listed ? `self-declared · ${confirmed} of ${listed} partner${listed === 1 ? "" : "s"} confirmed` : "self-declared";
    return h("span", { class: "tag tag-amber", dataset: { provenance: p.source }, title: "stated by the organisation; a partner tie counts once that partner confirms it" }, text);
  }
  const words = { cordis: "CORDIS", h2020: "CORDIS (H2020)", curator: "curated" };
  return h("span", { class: "tag", dataset: { provenance: p.source }, title: "where this project is known from" }, words[p.source] || p.source);
}

function activitiesTable(host, activities, page = 1) {
  const pages = Math.max(1, Math.ceil(activities.length / ACTIVITIES_PER_PAGE));
  const current = Math.min(Math.max(1, page), pages);
  const shown = activities.slice((current - 1) * ACTIVITIES_PER_PAGE, current * ACTIVITIES_PER_PAGE);
  clear(host);
  if (!activities.length) {
    host.append(h("p", { class: "muted" }, "No activities recorded."));
    return;
  }
  host.append(h("ul", { class: "activity-list" }, shown.map((a) => h("li", { class: "activity" },
    h("div", { class: "activity-head" },
      h("span", { class: "activity-title" }, a.title || a.id),
      h("span", { class: "ev-meta" },
        a.year ? h("span", { class: "tag" }, String(a.year)) : null,
        a.role && a.role !== "participant" ? h("span", { class: "tag tag-amber" }, a.role) : null,
        a.partners?.length ? h("span", { class: "tag", title: "partners in this project" }, `${a.partners.length} partner${a.partners.length === 1 ? "" : "s"}`) : null,
        provenanceTag(a))),
    a.text ? h("p", { class: "activity-text" }, a.text.length > 320 ? `${a.text.slice(0, 320)}…` : a.text) : null))));
  if (pages > 1) {
    host.append(h("nav", { class: "pager", "aria-label": "Activity pages" },
      h("ul", {},
        h("li", {}, h("button", { type: "button", class: "btn btn-small btn-quiet", disabled: current === 1, onclick: () => { activitiesTable(host, activities, current - 1); host.querySelector("button:not([disabled])")?.focus(); } }, icon("back", { size: 16 }), h("span", {}, "Previous"))),
        h("li", {}, h("span", { class: "hint", "aria-live": "polite" }, `Page ${current} of ${pages} · ${activities.length} activities`)),
        h("li", {}, h("button", { type: "button", class: "btn btn-small btn-quiet", disabled: current === pages, onclick: () => { activitiesTable(host, activities, current + 1); host.querySelector("button:not([disabled])")?.focus(); } }, h("span", {}, "Next"), icon("back", { size: 16, className: "icon flip" }))))));
  }
}

function miniCard(c) {
  const p = c.profile;
  return h("li", { class: "mini", dataset: { profileId: p.id } },
    h("div", { class: "mini-head" },
      h("a", { href: `#/profile/${encodeURIComponent(p.id)}`, class: "mini-name" }, p.name),
      h("span", { class: "mini-score", title: "fused score" }, fmt.num(c.score))),
    h("p", { class: "meta" }, h("span", { class: "tag tag-kind" }, labels.kind[p.kind] || p.kind),
      h("span", { class: "loc" }, icon("pin", { size: 14 }), [p.city, labels.country[p.country] || p.country].filter(Boolean).join(", "))),
    chips((p.ecosystems || []).map((e) => labels.ecosystem[e] || e), "Ecosystems"),
    c.summary ? h("p", { class: "small muted" }, c.summary) : null);
}

/** The API's limit on an expression of interest's message (api/schemas/requests.py). */
const MAX_MESSAGE = 4000;

function interestForm(match, profile) {
  const id = `interest-${match.request.id}`;
  const message = h("textarea", { id: `${id}-msg`, rows: "3", placeholder: "What cooperation do you offer, what is missing, who are you?" });
  const result = h("div", { role: "status", class: "form-message" });
  const form = h("form", { class: "interest-form", id, "aria-label": `Express interest in ${match.request.title || match.request.id}` },
    h("label", { for: `${id}-msg` }, `Message from ${profile.name}`),
    message,
    h("div", { class: "form-actions" },
      h("button", { type: "submit", class: "btn btn-primary btn-small" }, icon("send", { size: 16 }), h("span", {}, "Send expression of interest"))),
    result);
  lengthNote(message, MAX_MESSAGE, "the message");
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const submit = form.querySelector("button[type=submit]");
    whileBusy(submit, async () => {
      try {
        const interest = await api(`/v1/requests/${encodeURIComponent(match.request.id)}/interest`, {
          method: "POST", body: { profile_id: profile.id, message: message.value.trim() },
        });
        showSuccess(result, h("p", {}, `Interest sent (no. ${interest.id}). The requester's advisor will be in touch.`));
      } catch (problem) {
        showProblem(result, problem);
      }
      reveal(result);
    });
  });
  return form;
}

function opportunity(match, profile) {
  const r = match.request;
  const holder = h("div", { class: "interest-holder" });
  const toggle = h("button", {
    type: "button", class: "btn btn-small btn-secondary", "aria-expanded": "false", "aria-controls": `interest-${r.id}-wrap`,
    dataset: { interest: r.id },
    onclick: () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      holder.hidden = !open;
      if (open && !holder.firstChild) holder.append(interestForm(match, profile));
      if (open) holder.querySelector("textarea")?.focus();
    },
  }, icon("send", { size: 16 }), h("span", {}, "Express interest"));
  holder.id = `interest-${r.id}-wrap`;
  holder.hidden = true;
  return h("li", { class: "opportunity", dataset: { requestId: r.id } },
    h("div", { class: "mini-head" },
      h("span", { class: "mini-name" }, r.title || r.text.slice(0, 80)),
      h("span", { class: "mini-score", title: "how well this profile fits the request" }, `fit ${fmt.num(match.score)}`)),
    r.title ? h("p", { class: "small" }, r.text.length > 240 ? `${r.text.slice(0, 240)}…` : r.text) : null,
    h("p", { class: "meta" },
      h("span", { class: "tag" }, labels.collab[r.collaboration_type] || r.collaboration_type),
      ...(r.ecosystems || []).map((e) => h("span", { class: "tag tag-teal" }, labels.ecosystem[e] || e)),
      h("span", { class: "muted small" }, `open until ${fmt.date(r.expires_at)}`)),
    toggle, holder);
}

/**
 * Draw the profile `profileId` into `view`. `ctx`: hasResults() (the search has results to go
 * back to), onUseAsRequester(profile) (search partners for this organisation).
 */
export async function renderProfilePage(view, profileId, ctx) {
  view.setAttribute("aria-busy", "true");
  clear(view).append(h("div", { class: "page" }, loading("Loading the profile…")));
  let p;
  try {
    p = await api(`/v1/profiles/${encodeURIComponent(profileId)}`);
  } catch (problem) {
    const box = h("div", { role: "alert" });
    clear(view).append(h("div", { class: "page" },
      h("a", { href: "#/", class: "back" }, icon("back", { size: 16 }), "Back to search"),
      h("h1", { tabindex: "-1", class: "view-title" }, "Profile not available"), box));
    showProblem(box, problem);
    view.setAttribute("aria-busy", "false");
    return;
  }
  const location = [p.city, p.region_name, labels.country[p.country] || p.country].filter(Boolean).join(", ");
  const activitiesHost = h("div", { class: "activities" });
  const similarHost = h("div", { "aria-live": "polite" });
  const partnersHost = h("div", { "aria-live": "polite" });
  const opportunitiesHost = h("div", { "aria-live": "polite" });
  const claimsHost = h("div", { "aria-live": "polite" });
  const useAsRequester = iconButton("search", "Search partners for this organisation", {
    class: "btn-secondary", onclick: () => ctx.onUseAsRequester(p),
  });
  clear(view).append(h("div", { class: "page profile-page" },
    h("a", { href: "#/", class: "back" }, icon("back", { size: 16 }), ctx.hasResults() ? "Back to results" : "Back to search"),
    h("div", { class: "panel profile-head" },
      h("div", { class: "profile-title" },
        h("div", {},
          h("h1", { tabindex: "-1", class: "view-title" }, p.name, p.acronym && p.acronym !== p.name ? h("span", { class: "acronym" }, ` ${p.acronym}`) : null),
          h("p", { class: "meta" },
            h("span", { class: "tag tag-kind" }, labels.kind[p.kind] || p.kind),
            p.sme ? h("span", { class: "tag" }, "SME") : null,
            location ? h("span", { class: "loc" }, icon("pin", { size: 14 }), location) : null,
            /^https?:\/\//i.test(p.url || "") ? h("a", { href: p.url, rel: "noopener noreferrer", target: "_blank", class: "ext" }, "Website", icon("external", { size: 14 }), h("span", { class: "sr-only" }, " (opens in a new tab)")) : null)),
        h("div", { class: "page-actions" }, starButton(entryOf(p)), useAsRequester)),
      chips((p.ecosystems || []).map((e) => labels.ecosystem[e] || e), "Ecosystems"),
      p.description ? h("p", { class: "description" }, p.description) : null,
      p.keywords?.length ? h("div", { class: "keywords" }, h("span", { class: "muted small" }, "Keywords: "), chips(p.keywords, "Keywords", "kw")) : null,
      p.source ? h("p", { class: "muted small" }, `Source: ${p.source} · updated ${fmt.date(p.updated_at)}`) : null),
    h("div", { class: "profile-grid" },
      h("section", { class: "panel", "aria-labelledby": "sec-activities" },
        h("h2", { id: "sec-activities" }, icon("doc"), `Activities (${p.activities.length})`), activitiesHost),
      h("section", { class: "panel", "aria-labelledby": "sec-opps" },
        h("h2", { id: "sec-opps" }, icon("send"), "Open requests that fit"),
        h("p", { class: "hint" }, "Partner requests this organisation could answer."),
        keyNote("Expressing interest"),
        opportunitiesHost),
      h("section", { class: "panel", "aria-labelledby": "sec-claims" },
        h("h2", { id: "sec-claims" }, icon("network"), "Named as a partner"),
        h("p", { class: "hint" }, "Projects other organisations declared with this one. Each counts as a collaboration only once this organisation confirms it."),
        keyNote("Confirming"),
        claimsHost),
      h("section", { class: "panel", "aria-labelledby": "sec-similar" },
        h("h2", { id: "sec-similar" }, icon("users"), "Similar organisations"), similarHost),
      h("section", { class: "panel", "aria-labelledby": "sec-partners" },
        h("h2", { id: "sec-partners" }, icon("layers"), "Complementary partners across sectors"),
        h("p", { class: "hint" }, "Organisations from other ecosystems of the same value chains."), partnersHost))));
  view.setAttribute("aria-busy", "false");
  activitiesTable(activitiesHost, p.activities || []);
  const id = encodeURIComponent(p.id);
  const list = (host, data, empty) => {
    if (!data.data.length) host.append(h("p", { class: "muted" }, empty));
    else host.append(h("ul", { class: "mini-list" }, data.data.map((c) => miniCard(c))));
  };
  // the three lists load in the background, each with its own loading state
  Promise.all([
    lazySection(similarHost, () => api(`/v1/profiles/${id}/similar`, { query: { k: 6, explain: true } }),
      (host, data) => list(host, data, "No organisation is similar enough to list.")),
    lazySection(partnersHost, () => api(`/v1/profiles/${id}/partners`, { query: { k: 6, explain: true } }),
      (host, data) => list(host, data, "No partner from another ecosystem fits closely enough to list.")),
    lazySection(claimsHost, () => api(claimsPath(p.id)), (host, data) => drawClaims(host, data, p.id)),
    lazySection(opportunitiesHost, () => api(`/v1/profiles/${id}/opportunities`, { query: { k: 10 } }),
      (host, data) => {
        if (!data.data.length) host.append(h("p", { class: "muted" }, "No open partner requests fit this organisation now."));
        else host.append(h("ul", { class: "mini-list" }, data.data.map((m) => opportunity(m, p))));
      }),
  ]);
}
