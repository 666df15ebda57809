// @ts-check
/**
 * Following a draft until it is final: its event stream while a model writes it, else (or
 * when the stream ends early) polling GET /drafts/<id>.
 */
import { apiError } from "../shared/api.js";
import { backoffDelay } from "../shared/pacing.js";
import { str } from "../shared/text.js";
import { EMPTY_STREAM, isFinal, pollStep, retryPoll, streamEvent } from "./state.js";

/**
 * @typedef {{
 *   client: import("../shared/api.js").Client,
 *   op: import("./state.js").Operation,
 *   started: number,
 *   stream: boolean, timeout: number, poll: import("../shared/pacing.js").Backoff,
 *   later: (fn: () => void, ms: number) => unknown,
 *   now: () => number,
 *   streaming: (abort: AbortController | null) => void,
 *   progress: () => import("./progress.js").Progress | undefined,
 *   shown: (draft: any) => void,
 *   render: (draft: any) => void,
 *   fail: (err: import("../shared/api.js").ApiError) => null,
 * }} Follow
 *   `poll` paces the re-reads (each one, failed or not, waits longer, up to its ceiling);
 *   `now` is the clock (Date.now; a fake one in tests); `streaming` registers the stream's AbortController (stopping the operation aborts it);
 *   `shown` records the latest draft read; `render` shows a final one; `fail` an error.
 */

/** @param {any} draft @param {Follow} f @returns {Promise<any>} */
export function follow(draft, f) {
  if (!f.stream || !draft || isFinal(draft.status) || !draft.id) return poll(draft, f);
  return streamed(draft, f).then((final) => {
    if (!f.op.live) return null;
    if (!final) return poll(draft, f);
    f.render(final);
    return final;
  });
}

/** The draft's events; the final draft, or null to fall back to polling. @param {any} draft @param {Follow} f */
function streamed(draft, f) {
  let stream = EMPTY_STREAM;
  const abort = typeof AbortController === "function" ? new AbortController() : null;
  f.streaming(abort);
  f.later(() => { if (abort) abort.abort(); }, Math.max(0, f.timeout - (f.now() - f.started)));
  /** @param {string} text */
  const grow = (text) => { f.progress()?.grow(text); };
  /** @param {string} name @param {any} data */
  const onEvent = (name, data) => {
    if (!f.op.live) {
      if (abort) abort.abort();
      return;
    }
    stream = streamEvent(stream, name, data);
    if (!stream.final) grow(stream.text);
  };
  const path = "/drafts/" + encodeURIComponent(str(draft.id)) + "/events";
  return f.client.events(path, onEvent, abort ? abort.signal : undefined).then(() => stream.final, () => {
    if (!stream.final && f.op.live) grow(""); // nothing half-written stays up while we poll
    return stream.final;
  });
}

/** @param {any} draft @param {Follow} f @returns {Promise<any>} */
function poll(draft, f) {
  let failures = 0;
  let polls = 0;
  /** @param {number} ms @returns {Promise<void>} */
  const sleep = (ms) => new Promise((resolve) => { f.later(resolve, ms); });
  /** @param {any} current @returns {Promise<any>} */
  function step(current) {
    if (!f.op.live) return Promise.resolve(null);
    const next = pollStep(current, { started: f.started, now: f.now(), timeout: f.timeout });
    if (next.kind === "invalid") return Promise.resolve(f.fail(apiError("bad_response", "Precedent sent a draft without a status.")));
    f.shown(current);
    if (next.kind === "final") {
      f.render(current);
      return Promise.resolve(current);
    }
    const progress = f.progress();
    progress?.update(current);
    // Clients that cannot read the event stream (Freshdesk's request templates) still see
    // the text growing, one poll at a time.
    if (current.status === "running" && typeof current.partial_text === "string") progress?.grow(current.partial_text);
    if (next.kind === "timeout") {
      return Promise.resolve(f.fail(apiError("timeout", "No draft after " + Math.round(f.timeout / 1000) +
        " s. The drafting worker may be busy or offline; it may still finish, so try again in a moment.")));
    }
    if (next.kind === "no_id") return Promise.resolve(f.fail(apiError("bad_response", "Precedent sent a draft without an id.")));
    return sleep(backoffDelay(f.poll, polls++)).then(() => {
      if (!f.op.live) return null;
      return f.client.get(next.self).then((fresh) => {
        failures = 0;
        return step(fresh);
      }, (err) => {
        if (!f.op.live) return null;
        if (err.transient) failures += 1;
        if (retryPoll(err, failures, { started: f.started, now: f.now(), timeout: f.timeout })) return step(current);
        return f.fail(err);
      });
    });
  }
  return step(draft);
}
