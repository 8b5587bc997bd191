// The HTTP client: same-origin JSON calls to /v1, the API key from localStorage, and errors
// turned into ApiProblem (RFC 9457 problem details: type, title, status, detail, errors).

const KEY_STORAGE = "partner-search.api-key";
/** The API root: the UI is served at /ui/ by the same app, so /v1 is one level up. */
export const API_BASE = new URL("../", document.baseURI).href.replace(/\/$/, "");

export class ApiProblem extends Error {
  constructor({ type = "about:blank", title = "Error", status = 0, detail = "", errors = null } = {}) {
    super(detail || title);
    this.type = type;
    this.title = title;
    this.status = status;
    this.detail = detail;
    this.errors = Array.isArray(errors) ? errors : null;
  }

  /** Whether an API key would help (missing, unknown or insufficient key). */
  get needsKey() {
    return this.status === 401 || this.status === 403;
  }
}

export const apiKey = {
  get: () => {
    try { return localStorage.getItem(KEY_STORAGE) || ""; } catch { return ""; }
  },
  set: (value) => {
    try {
      if (value) localStorage.setItem(KEY_STORAGE, value);
      else localStorage.removeItem(KEY_STORAGE);
    } catch { /* private mode: the key lives for this page only */ }
    window.dispatchEvent(new CustomEvent("apikeychange"));
  },
};

/**
 * Call the API. `body` is sent as JSON; `query` becomes the query string (null values
 * dropped). Resolves with the parsed JSON (or null for 204); rejects with ApiProblem.
 */
export async function api(path, { method = "GET", body, query, signal } = {}) {
  const url = new URL(API_BASE + path);
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== null && v !== undefined && v !== "") url.searchParams.set(k, String(v));
  }
  const headers = { Accept: "application/json, application/problem+json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const key = apiKey.get();
  if (key) headers["X-API-Key"] = key;
  let response;
  try {
    response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiProblem({
      title: "Server unreachable",
      detail: "The partner-search server did not answer. Check your connection and try again.",
    });
  }
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") || "";
  let data = null;
  if (type.includes("json")) {
    try { data = await response.json(); } catch { data = null; }
  }
  if (!response.ok) {
    const problem = data && typeof data === "object" ? data : {};
    throw new ApiProblem({
      type: problem.type,
      title: problem.title || response.statusText || "Error",
      status: response.status,
      detail: problem.detail || "",
      errors: problem.errors,
    });
  }
  return data;
}
