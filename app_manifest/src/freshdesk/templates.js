// @ts-check
/**
 * The Freshdesk app's API calls as request templates (config/requests.json): the iframe
 * never calls the backend itself. Pure, except templateFetch, which calls the client.
 */

const API_PATH = /\/api\/v1(\/.*)$/;

/**
 * Request templates may be called 50 times a minute per app and account (platform 3.0,
 * ../shared/docs/helpdesk-platforms.md §4.1): every open sidebar of the account shares it.
 */
export const REQUESTS_PER_MINUTE = 50;

/**
 * How the Freshdesk app paces itself, as sidebar options. A template answers whole responses,
 * so the draft's event stream cannot be read here (the Zendesk sidebar streams): the app
 * polls, 1.5 s after the request and then half as long again each time, at most every 8 s;
 * a draft held for review is re-read after 15 s, then 30 s, then every minute. A 60 s draft
 * costs one sidebar 11 requests (test/freshdesk-pacing.test.js), so four agents drafting at
 * once stay within the account's budget.
 */
export const PACING = Object.freeze({
  stream: false,
  pollInterval: 1500,
  pollBackoff: 1.5,
  pollMaxInterval: 8000,
  gatePollInterval: 15000,
  gatePollBackoff: 2,
  gatePollMaxInterval: 60000,
  timeout: 120000, // a slow model: 8 s polls keep that affordable
});

/** @type {[string, RegExp, string][]} method, API path, request template */
export const ROUTES = [
  ["POST", /^\/drafts$/, "requestDraft"],
  ["GET", /^\/drafts\/([^/]+)$/, "readDraft"],
  ["POST", /^\/drafts\/([^/]+)\/insert$/, "insertDraft"],
  ["POST", /^\/drafts\/([^/]+)\/shown$/, "markDraftShown"],
  ["POST", /^\/drafts\/([^/]+)\/outcome$/, "reportOutcome"],
  ["POST", /^\/drafts\/([^/]+)\/escalate$/, "escalateDraft"],
  ["GET", /^\/drafts\/([^/]+)\/escalation$/, "readEscalation"],
];

/**
 * The template and its options for one API call, or null when no template serves it.
 * @param {string} method
 * @param {string} url  absolute, or relative to `base`
 * @param {unknown} body  the JSON body, if any
 * @param {string} base
 * @returns {{ template: string, options: { context: Record<string, string>, body?: unknown } } | null}
 */
export function templateCall(method, url, body, base) {
  const match = API_PATH.exec(new URL(url, base).pathname);
  const path = match ? match[1] : "";
  for (const [routeMethod, pattern, template] of ROUTES) {
    const found = routeMethod === method && pattern.exec(path);
    if (!found) continue;
    /** @type {{ context: Record<string, string>, body?: unknown }} */
    const options = { context: found[1] ? { draft_id: decodeURIComponent(found[1]) } : {} };
    if (body != null) options.body = body;
    return { template, options };
  }
  return null;
}

/** A template's answer as the response the sidebar's client reads. @param {number} status @param {unknown} text */
export function templateResponse(status, text) {
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: "",
    text: () => Promise.resolve(text == null ? "" : String(text)),
  };
}

/**
 * The part of the Freshworks client this app uses.
 * @typedef {{
 *   request: { invokeTemplate(name: string, options: object): Promise<{ status?: number, response?: unknown }> },
 *   interface: { trigger(name: string, options: object): Promise<unknown> },
 *   events: { on(name: string, handler: (event: any) => void): void },
 *   data: { get(name: string): Promise<any> },
 * }} FreshworksClient
 */

/**
 * A fetch() for the sidebar core that maps each API path onto a request template.
 * @param {FreshworksClient} client
 * @param {string} base  the page's address
 * @returns {import("../shared/api.js").FetchLike}
 */
export function templateFetch(client, base) {
  return (url, init) => {
    const method = (init && init.method) || "GET";
    const call = templateCall(method, url, init && init.body, base);
    if (!call) {
      const path = API_PATH.exec(new URL(url, base).pathname);
      return Promise.reject(new Error("no request template for " + method + " " + (path ? path[1] : "")));
    }
    return client.request.invokeTemplate(call.template, call.options).then(
      (res) => templateResponse(res.status || 200, res.response),
      (err) => {
        if (!err || !err.status) throw new Error((err && err.message) || "the request template failed");
        return templateResponse(err.status, err.response);
      },
    );
  };
}

/** The editor takes HTML: keep the draft's paragraphs and escape everything else. @param {unknown} text */
export function toHtml(text) {
  return String(text).split(/\n{2,}/).map((block) => {
    const safe = block.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    return "<p>" + safe.replace(/\n/g, "<br>") + "</p>";
  }).join("");
}

/**
 * The text a send event carries (its payload is not documented), or "" — the helpdesk
 * webhook reports it then.
 * @param {any} event
 */
export function sentText(event) {
  const data = event && event.helper && typeof event.helper.getData === "function" ? event.helper.getData() : {};
  const sent = data && (data.body || data.body_text || data.text);
  return sent ? String(sent) : "";
}
