// @ts-check
/**
 * Precedent's JSON API client. Every failure becomes a PrecedentApiError with a code the UI
 * can act on (`network`, `http_502`, the server's own `error.code`, `bad_response`, ...) and
 * a message written for the agent.
 */
import { str } from "./text.js";

/**
 * The minimum of a fetch() Response the client reads; adapters (Freshdesk request
 * templates) hand over objects of this shape.
 * @typedef {{
 *   ok?: boolean, status?: number, statusText?: string,
 *   text?: () => Promise<string>, json?: () => Promise<unknown>, body?: any,
 *   headers?: { get(name: string): string | null },
 * }} ResponseLike
 * @typedef {(url: string, init: RequestInit) => Promise<ResponseLike>} FetchLike
 * @typedef {Record<string, string>} Headers
 * @typedef {{ apiBase?: string, fetch?: FetchLike | null, headers?: Headers | (() => Headers) | null }} ClientOptions
 */

/** @typedef {Error & { code: string, status: number, transient: boolean }} ApiError */

/**
 * @param {string} code
 * @param {string} message
 * @param {number} [status]
 * @param {boolean} [transient]  worth trying again (the network, a gateway)
 * @returns {ApiError}
 */
export function apiError(code, message, status, transient) {
  const err = /** @type {ApiError} */ (new Error(message));
  err.name = "PrecedentApiError";
  err.code = code;
  err.status = status || 0;
  err.transient = !!transient;
  return err;
}

/**
 * The request never got an answer.
 * @param {string} base
 * @param {unknown} cause
 */
export function networkError(base, cause) {
  const said = cause && typeof cause === "object" && "message" in cause ? str(cause.message) : "";
  const detail = said ? " (" + said + ")" : "";
  return apiError("network", "Could not reach Precedent at " + base + detail + ". Check that the backend is running.", 0, true);
}

/**
 * An answer as data, or the error it stands for. `data` is the parsed body (null when it
 * was empty or not JSON).
 * @param {{ ok?: boolean, status?: number, statusText?: string }} res
 * @param {any} data
 * @returns {{ data: object } | { error: ApiError }}
 */
export function readAnswer(res, data) {
  const status = Number(res.status) || 0;
  const ok = res.ok != null ? !!res.ok : status >= 200 && status < 300;
  if (!ok) {
    const e = data && data.error;
    const message = e && e.message ? str(e.message)
      : "Precedent answered HTTP " + status + (res.statusText ? " " + res.statusText : "") + ".";
    const code = e && e.code ? str(e.code) : "http_" + status;
    // 429: the helpdesk's own rate limit (Freshdesk's per-app budget): wait and try again.
    return { error: apiError(code, message, status, status === 429 || status === 502 || status === 504) };
  }
  if (data == null || typeof data !== "object") {
    return { error: apiError("bad_response", "Precedent sent a response that is not JSON.", status) };
  }
  return { data };
}

/** @param {ResponseLike} res @returns {Promise<any>} */
function parseBody(res) {
  const read = typeof res.text === "function"
    ? res.text().then((raw) => (raw ? JSON.parse(raw) : null))
    : Promise.resolve(typeof res.json === "function" ? res.json() : res.body);
  return read.catch(() => null);
}

/**
 * A tiny JSON client. `fetch` may be any function with the fetch() signature whose
 * response has `ok`, `status`, `statusText` and `text()` (or `json()`).
 * @param {ClientOptions} [options]
 */
export function createClient(options) {
  const opts = options || {};
  const fetchFn = opts.fetch || (globalThis.fetch ? globalThis.fetch.bind(globalThis) : null);
  const base = str(opts.apiBase || "/api/v1").replace(/\/+$/, "");

  /** @param {string} suffix */
  function resolved(suffix) {
    try {
      return new URL(base + "/", globalThis.location.href)[suffix === "href" ? "href" : "pathname"];
    } catch {
      return null;
    }
  }

  /** An absolute URL for an API path, or for a path the server handed out (links.self). @param {unknown} path */
  function url(path) {
    const p = str(path);
    if (/^https?:\/\//i.test(p)) return p;
    const root = (resolved("pathname") ?? base).replace(/\/+$/, "");
    if (p.charAt(0) === "/" && root !== "" && p.indexOf(root + "/") === 0) {
      return new URL(p, resolved("href") ?? base + "/").href; // e.g. links.self = "/api/v1/drafts/…"
    }
    return base + (p.charAt(0) === "/" ? p : "/" + p);
  }

  /** @param {boolean} hasBody @returns {Headers} */
  function headers(hasBody) {
    const extra = typeof opts.headers === "function" ? opts.headers() : opts.headers;
    return { Accept: "application/json", ...(hasBody ? { "Content-Type": "application/json" } : {}), ...(extra || {}) };
  }

  /**
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   * @returns {Promise<any>}
   */
  function request(method, path, body) {
    if (!fetchFn) return Promise.reject(apiError("no_fetch", "This browser cannot make requests (fetch is unavailable)."));
    /** @type {RequestInit} */
    const init = { method, headers: headers(body !== undefined), credentials: "same-origin" };
    if (body !== undefined) init.body = JSON.stringify(body);
    const target = url(path);
    return Promise.resolve()
      .then(() => fetchFn(target, init))
      .catch((e) => {
        throw networkError(base, e);
      })
      .then((res) => parseBody(res).then((data) => {
        const answer = readAnswer(res, data);
        if ("error" in answer) throw answer.error;
        return answer.data;
      }));
  }

  /**
   * Reads a text/event-stream, calling onEvent(name, data) per event. Resolves when the
   * stream ends; rejects with code "no_stream" when the response cannot be read as one.
   * @param {string} path
   * @param {(name: string, data: any) => void} onEvent
   * @param {AbortSignal} [signal]
   */
  function events(path, onEvent, signal) {
    if (!fetchFn) return Promise.reject(apiError("no_fetch", "fetch is unavailable."));
    /** @type {RequestInit} */
    const init = {
      method: "GET", credentials: "same-origin", signal,
      headers: { ...headers(false), Accept: "text/event-stream" },
    };
    return Promise.resolve().then(() => fetchFn(url(path), init)).then((res) => {
      const type = res && res.headers && typeof res.headers.get === "function" ? str(res.headers.get("Content-Type")) : "";
      if (!res || !res.ok || !res.body || typeof res.body.getReader !== "function" || type.indexOf("text/event-stream") !== 0) {
        throw apiError("no_stream", "The draft's events cannot be streamed here.", res && res.status);
      }
      return readEvents(res.body.getReader(), onEvent);
    });
  }

  return {
    url,
    request,
    events,
    /** @param {string} path */
    get: (path) => request("GET", path),
    /** @param {string} path @param {unknown} [body] */
    post: (path, body) => request("POST", path, body === undefined ? {} : body),
  };
}

/** @typedef {ReturnType<typeof createClient>} Client */

/**
 * One server-sent event block as (event name, JSON data), or null for a comment, an event
 * without data, or data that is not JSON.
 * @param {string} block
 * @returns {[string, any] | null}
 */
export function parseEvent(block) {
  let name = "message";
  /** @type {string[]} */
  const data = [];
  for (const line of block.split("\n")) {
    if (line.indexOf("event:") === 0) name = line.slice(6).trim();
    else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
  }
  if (!data.length) return null;
  try {
    return [name, JSON.parse(data.join("\n"))];
  } catch {
    return null;
  }
}

/**
 * Splits a server-sent event stream into (event, JSON data) calls.
 * @param {{ read(): Promise<{ done: boolean, value?: Uint8Array }> }} reader
 * @param {(name: string, data: any) => void} onEvent
 * @returns {Promise<null>}
 */
export function readEvents(reader, onEvent) {
  const decoder = new TextDecoder();
  let buffer = "";
  /** @returns {Promise<null>} */
  function pump() {
    return reader.read().then((chunk) => {
      if (chunk.done) return null;
      buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n?/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const event = parseEvent(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (event) onEvent(event[0], event[1]);
      }
      return pump();
    });
  }
  return pump();
}
