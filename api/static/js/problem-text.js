// How a problem (ApiProblem or Error) is said to people: a plain title per HTTP status, the
// server's detail where it adds something, each invalid field by its form label,
// a hint of what to do, and the server's own status line kept as a reference for support.
import { ApiProblem } from "./api.js";

const TITLES = {
  0: "The server could not be reached",
  400: "The server could not read this request",
  401: "This needs a valid API key",
  403: "Your API key does not allow this",
  404: "This could not be found",
  409: "This clashes with a change made elsewhere",
  413: "This is too large to send",
  422: "Some of what was entered cannot be used",
  429: "Too many requests at once",
  503: "The server is not ready yet",
};

const HINTS = {
  401: "Enter a valid API key under Settings.",
  403: "An owner key writes only for its own organisation; a curator key may do more.",
  409: "Reload the page to see the current state, then try again.",
  422: "Correct what is marked and try again.",
  429: "Wait a moment and try again.",
  503: "The index is loading; try again in a few seconds.",
};

/** The request fields (api/schemas) as the form labels them. */
const FIELDS = {
  title: "Title",
  text: "Description",
  collaboration_type: "Collaboration type",
  requester_id: "Your own profile",
  kinds: "Wanted partner kinds",
  ecosystems: "Ecosystems",
  countries: "Target countries",
  exclude_countries: "Exclude countries",
  cross_border: "Cross-border preference",
  sme_only: "SMEs only",
  message: "Message",
  k: "Candidates",
  diversity: "Refine and diversify",
};

function titleOf(status) {
  if (TITLES[status]) return TITLES[status];
  return status >= 500 ? "The server ran into a problem" : "The server did not accept this";
}

/**
 * The wording of `problem` for a message box: title, detail, fields ([{label, message}]),
 * hint and reference (the server's status line, e.g. "Unprocessable Entity (422)").
 */
export function describeProblem(problem) {
  if (!(problem instanceof ApiProblem)) {
    return { title: "Something went wrong", detail: String(problem?.message || problem), fields: [], hint: "", reference: "" };
  }
  const errors = problem.errors || [];
  const repeated = errors.length === 1 && errors[0].message === problem.detail;
  const fields = repeated ? [] : errors.map((e) => {
    const name = String(e.field || "").split(".")[0];
    return { label: FIELDS[name] || e.field, message: e.message };
  });
  // with a list of fields, the server's detail only names them again
  const detail = fields.length ? "" : problem.detail;
  return {
    title: titleOf(problem.status),
    detail,
    fields,
    hint: HINTS[problem.status] || "",
    reference: problem.status ? `${problem.title} (${problem.status})` : "",
  };
}
