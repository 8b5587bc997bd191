// Partner search, advisor workspace: boot and hash routing (#/, #/profile/ID, #/shortlist,
// #/map, #/embed, #/events, #/events/ID, #/events/ID/participant/PROFILE). The pages are in
// js/pages/, what they are built from in js/components/.
// Plain ES modules, no framework, no network beyond this server's /v1 API.
import { hydrateIcons } from "./js/components/icons.js";
import { showProblem } from "./js/components/messages.js";
import { initSettings } from "./js/components/settings.js";
import { initShortlistBadge } from "./js/components/shortlist-badge.js";
import { clear, h } from "./js/dom.js";
import { renderEmbedPage } from "./js/pages/embed.js";
import { renderEventPage } from "./js/pages/event.js";
import { renderEventsPage } from "./js/pages/events.js";
import { renderMapPage } from "./js/pages/map.js";
import { renderParticipantPage } from "./js/pages/participant.js";
import { renderProfilePage } from "./js/pages/profile.js";
import { focusSearchPage, hasResults, initSearchPage, searchAs, startSearchPage } from "./js/pages/search.js";
import { followShortlist, renderShortlistPage } from "./js/pages/shortlist.js";
import { loadTaxonomy } from "./js/taxonomy.js";
import { timings } from "./js/timings.js";

const $ = (id) => document.getElementById(id);

// ---- routing ---------------------------------------------------------------------------------
const VIEWS = ["search", "profile", "shortlist", "map", "embed", "events"];

function showView(name) {
  for (const v of VIEWS) $(`view-${v}`).hidden = v !== name;
  for (const link of document.querySelectorAll("[data-nav]")) {
    if (link.dataset.nav === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

let firstRoute = true;
async function route() {
  const hash = decodeURIComponent(location.hash.replace(/^#\/?/, ""));
  const [name, ...rest] = hash.split("/");
  const focusTitle = (view) => {
    if (firstRoute) return;
    const title = view.querySelector("h1, .view-title");
    title?.focus({ preventScroll: false });
  };
  if (name === "profile" && rest.length) {
    showView("profile");
    window.scrollTo(0, 0);
    await renderProfilePage($("view-profile"), rest.join("/"), { hasResults, onUseAsRequester: searchAs });
    document.title = `${$("view-profile").querySelector("h1")?.textContent || "Profile"} · Partner search`;
    focusTitle($("view-profile"));
  } else if (name === "shortlist") {
    showView("shortlist");
    renderShortlistPage($("view-shortlist"));
    document.title = "Shortlist · Partner search";
    focusTitle($("view-shortlist"));
  } else if (name === "map") {
    showView("map");
    document.title = "Map · Partner search";
    const rendering = renderMapPage($("view-map"));
    focusTitle($("view-map"));
    await rendering;
  } else if (name === "events") {
    // #/events, #/events/ID, #/events/ID/participant/PROFILE
    showView("events");
    window.scrollTo(0, 0);
    const view = $("view-events");
    if (rest[1] === "participant" && rest.length > 2) await renderParticipantPage(view, rest[0], rest.slice(2).join("/"));
    else if (rest[0]) await renderEventPage(view, rest[0]);
    else await renderEventsPage(view);
    document.title = `${view.querySelector("h1")?.textContent || "Events"} · Partner search`;
    focusTitle(view);
  } else if (name === "embed") {
    showView("embed");
    renderEmbedPage($("view-embed"));
    document.title = "Embed · Partner search";
    focusTitle($("view-embed"));
  } else {
    showView("search");
    document.title = "Partner search · advisor workspace";
    if (!firstRoute) focusSearchPage();
  }
  firstRoute = false;
}

// ---- boot ----------------------------------------------------------------------------------
function bootFailed(problem) {
  const box = $("boot-error");
  box.hidden = false;
  showProblem(box, problem);
}

async function boot() {
  hydrateIcons();
  // the skip link moves focus without touching the hash (the hash is the route)
  document.querySelector(".skip-link").addEventListener("click", (e) => {
    e.preventDefault();
    $("main").focus();
  });
  initSettings();
  initSearchPage();
  initShortlistBadge($("shortlist-count"));
  followShortlist($("view-shortlist"));
  let taxonomy;
  try {
    taxonomy = await loadTaxonomy({
      onWait: () => { $("results-meta").textContent = "The server is loading its index…"; },
    });
  } catch (problem) {
    bootFailed(problem);
    clear($("results").querySelector("#empty-state p")).append("The workspace could not load its vocabularies. Reload the page when the server is ready.");
    const retry = h("button", { type: "button", class: "btn btn-secondary btn-small", onclick: () => location.reload() }, "Reload");
    $("boot-error").querySelector(".notice-body")?.append(retry);
    return;
  }
  startSearchPage(taxonomy);
  window.addEventListener("hashchange", route);
  await route();
  document.body.dataset.ready = "true";
  performance.mark("ps-ready");
  timings.ready_ms = Math.round(performance.now() * 10) / 10;
}

boot().catch(bootFailed);
