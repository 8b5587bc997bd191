// "Embed" page: how an external website posts a partner request to the recommend endpoint.
import { API_BASE } from "../api.js";
import { icon, iconButton } from "../components/icons.js";
import { toast } from "../components/messages.js";
import { clear, h } from "../dom.js";

function snippet(title, id, code, lang) {
  const pre = h("pre", { class: "code", id, tabindex: "0", "aria-label": `${title} (code)` }, h("code", { class: `lang-${lang}` }, code));
  const copy = iconButton("copy", "Copy", {
    class: "btn-small btn-quiet",
    "aria-label": `Copy the ${title.toLowerCase()}`,
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(code);
        toast("Copied to the clipboard");
      } catch {
        const range = document.createRange();
        range.selectNodeContents(pre);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        toast("Selected: press Ctrl+C to copy");
      }
    },
  });
  return h("section", { class: "snippet" }, h("div", { class: "snippet-head" }, h("h3", {}, title), copy), pre);
}

/** Draw the embed page into `view`, with snippets for this server's address. */
export function renderEmbedPage(view, base = API_BASE) {
  const body = `{
  "title": "Grid battery storage pilot",
  "text": "We seek a research partner for solid-state battery storage pilots on the grid.",
  "countries": ["DE", "FR", "NL"],
  "kinds": ["research", "university"],
  "ecosystems": ["renewables"],
  "cross_border": 0.5,
  "k": 10,
  "explain": true
}`;
  const curl = `curl -s ${base}/v1/recommend \\
  -H 'Content-Type: application/json' \\
  -d '${body}'`;
  const fetchCode = `// on https://your-cluster.example.eu (listed in PARTNER_SEARCH_CORS_ORIGINS)
const response = await fetch("${base}/v1/recommend", {
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify({
    text: document.querySelector("#need").value,
    countries: ["DE", "FR"],
    k: 10,
    explain: true,
  }),
});
const result = await response.json();
if (!response.ok) {
  // RFC 9457 problem details: { type, title, status, detail, errors: [{ field, message }] }
  throw new Error(\`\${result.title}: \${result.detail}\`);
}
for (const candidate of result.data) {
  console.log(candidate.rank, candidate.profile.name, candidate.profile.country,
              candidate.score.toFixed(2), candidate.summary);
}`;
  const formCode = `<form id="partner-form">
  <label for="need">Whom do you seek?</label>
  <textarea id="need" required></textarea>
  <button>Find partners</button>
  <ol id="partners" aria-live="polite"></ol>
</form>
<script type="module">
  const form = document.getElementById("partner-form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const response = await fetch("${base}/v1/recommend", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text: form.need.value, k: 5, explain: true }),
    });
    const result = await response.json();
    const list = document.getElementById("partners");
    list.replaceChildren(...(response.ok ? result.data : []).map((c) => {
      const item = document.createElement("li");
      item.textContent = \`\${c.profile.name} (\${c.profile.country}): \${c.summary}\`;
      return item;
    }));
  });
</script>`;
  clear(view).append(h("div", { class: "page embed-page" },
    h("h1", { tabindex: "-1", class: "view-title" }, "Embed partner search on your website"),
    h("p", { class: "lead" }, "Any website can post a partner request to the recommend endpoint and show the ranked partners, with their one-sentence reasons."),
    h("div", { class: "embed-grid" },
      h("div", { class: "panel" },
        h("h2", {}, icon("code"), "The endpoint"),
        h("p", {}, h("code", {}, "POST /v1/recommend"), " with a JSON partner request; the answer is ",
          h("code", {}, "{data: [candidate…], count, took_ms, model, index_version}"), "."),
        h("ul", { class: "plain" },
          h("li", {}, h("code", {}, "text"), " (or ", h("code", {}, "title"), "): what partner is sought, in any language."),
          h("li", {}, h("code", {}, "countries"), ", ", h("code", {}, "exclude_countries"), ", ", h("code", {}, "kinds"), ", ", h("code", {}, "ecosystems"), ": filters (ids from ", h("a", { href: `${base}/v1/taxonomy` }, "/v1/taxonomy"), ")."),
          h("li", {}, h("code", {}, "cross_border"), ": from −1 (home country) to +1 (abroad); ", h("code", {}, "requester_id"), ": your own profile, for network and location signals."),
          h("li", {}, h("code", {}, "k"), " (1–100), ", h("code", {}, "diversity"), " ", h("code", {}, "{mmr_lambda, max_per_country, max_per_kind}"), ", ", h("code", {}, "positive_ids"), " / ", h("code", {}, "negative_ids"), "."),
          h("li", {}, h("code", {}, "explain: true"), " adds ", h("code", {}, "summary"), " and ", h("code", {}, "evidence"), " to each candidate; ", h("code", {}, "contributions"), " always say how each signal added to the score.")),
        h("p", {}, "The full schema is in the ", h("a", { href: `${base}/docs` }, "OpenAPI reference"), ".")),
      h("div", { class: "panel notice-panel" },
        h("h2", {}, icon("alert"), "CORS and keys"),
        h("ul", { class: "plain" },
          h("li", {}, "Browsers call the API from another site only if the server lists that origin: set ",
            h("code", {}, "PARTNER_SEARCH_CORS_ORIGINS=https://your-cluster.example.eu,https://een.example.eu"), " (comma-separated, exact scheme and host) and restart it."),
          h("li", {}, "Recommending is a read: no key is needed unless the server sets ", h("code", {}, "PARTNER_SEARCH_READ_REQUIRES_KEY=true"), "."),
          h("li", {}, h("strong", {}, "Never put an API key in a public page."), " Saving a partner request (", h("code", {}, "POST /v1/requests"), "), feedback and expressions of interest need ",
            h("code", {}, "X-API-Key"), ": send those from your own server."),
          h("li", {}, "Errors are ", h("code", {}, "application/problem+json"), " with ", h("code", {}, "title"), " and ", h("code", {}, "detail"), "; 429 comes with ", h("code", {}, "Retry-After"), ".")))),
    snippet("curl command", "snippet-curl", curl, "shell"),
    snippet("fetch call", "snippet-fetch", fetchCode, "js"),
    snippet("Complete HTML form", "snippet-form", formCode, "html")));
}
