// @ts-check
/**
 * The sidebar's state, kept apart from the DOM: which operation is current (so late
 * answers of an abandoned one are dropped), the text a streamed draft has grown to, and
 * what to do with each polled draft. Pure, except for the clock passed in.
 */
import { gateOf } from "../shared/gate.js";

/** Draft statuses after which nothing changes on its own. */
export const FINAL = Object.freeze({ ready: true, failed: true });

/** @param {unknown} status */
export function isFinal(status) {
  return status === "ready" || status === "failed";
}

/**
 * What the sidebar shows: idle (no ticket), ticket (ready to draft), loading, ready,
 * failed (the draft failed), error (a request failed).
 * @typedef {"idle" | "ticket" | "loading" | "ready" | "failed" | "error"} StateName
 */

/**
 * One operation (a draft request, a load, a shown draft, a watch). It is live until another
 * operation begins or the sidebar is destroyed; work that finishes later checks `live` and
 * drops its result.
 * @typedef {{ readonly live: boolean }} Operation
 */

/** Operations in order: beginning one ends the one before. */
export function createOperations() {
  let current = 0;
  let ended = false;
  /** @param {number} id @returns {Operation} */
  const op = (id) => ({
    get live() {
      return !ended && id === current;
    },
  });
  return {
    /** A new operation; every earlier one stops being live. */
    begin() {
      current += 1;
      return op(current);
    },
    /** The operation in progress (does not end it). */
    current() {
      return op(current);
    },
    /** No operation is live any more, nor will one be. */
    end() {
      ended = true;
      current += 1;
    },
    get ended() {
      return ended;
    },
  };
}

/**
 * A streamed draft so far: the text the model has written (`delta` appends, `reset`
 * starts again) and the final draft once a `ready` / `failed` event carried it.
 * @typedef {{ text: string, final: any }} Stream
 */

/** @type {Stream} */
export const EMPTY_STREAM = Object.freeze({ text: "", final: null });

/**
 * @param {Stream} stream
 * @param {string} name
 * @param {any} data
 * @returns {Stream}
 */
export function streamEvent(stream, name, data) {
  if (name === "delta" && data && typeof data.text === "string") return { ...stream, text: stream.text + data.text };
  if (name === "reset") return { ...stream, text: "" };
  if (isFinal(name) && data && data.status) return { ...stream, final: data };
  return stream;
}

/**
 * What to do with a draft read while polling.
 * @param {any} draft
 * @param {{ started: number, now: number, timeout: number }} clock
 * @returns {{ kind: "invalid" } | { kind: "final" } | { kind: "timeout" } | { kind: "no_id" } | { kind: "wait", self: string }}
 */
export function pollStep(draft, clock) {
  if (!draft || typeof draft !== "object" || !draft.status) return { kind: "invalid" };
  if (isFinal(draft.status)) return { kind: "final" };
  if (clock.now - clock.started >= clock.timeout) return { kind: "timeout" };
  const self = draft.links && draft.links.self ? draft.links.self
    : draft.id ? "/drafts/" + encodeURIComponent(draft.id) : null;
  return self ? { kind: "wait", self } : { kind: "no_id" };
}

/**
 * Whether a failed poll is tried again: only transient errors, fewer than four in a row,
 * within the timeout. `failures` counts this one.
 * @param {{ transient?: boolean }} err
 * @param {number} failures
 * @param {{ started: number, now: number, timeout: number }} clock
 */
export function retryPoll(err, failures, clock) {
  return !!err.transient && failures < 4 && clock.now - clock.started < clock.timeout;
}

/** @param {unknown} status */
export function statusLabel(status) {
  if (status === "running") return "Drafting\u2026";
  if (status === "queued") return "Queued\u2026";
  return "Requesting\u2026";
}

/** @param {unknown} status */
export function statusHint(status) {
  if (status === "running") return "Searching resolved tickets and help articles, then writing a cited draft.";
  if (status === "queued") return "Waiting for a drafting worker to pick this up.";
  return "Sending the ticket to Precedent.";
}

/**
 * What a screen reader hears when a draft is ready.
 * @param {any} draft
 */
export function readyMessage(draft) {
  const gate = gateOf(draft);
  const n = Array.isArray(draft.citations) ? draft.citations.length : 0;
  const flags = Array.isArray(draft.flags) ? draft.flags : [];
  const gateNote = gate.status === "review_required" ? " Needs approval by a credentialed reviewer before use."
    : gate.status === "rejected" ? " Rejected by a reviewer: do not use it."
      : !gate.insertable ? " Locked: it cannot be inserted."
        : gate.status === "approved" ? " Approved by a reviewer." : "";
  const sources = n ? " with " + n + (n === 1 ? " source" : " sources") : ", no sources cited";
  const evidence = flags.indexOf("knowledge_gap") >= 0 ? ". Knowledge gap."
    : flags.indexOf("weak_evidence") >= 0 ? ". Weak evidence." : ".";
  return "Draft ready" + sources + evidence + gateNote;
}

/**
 * The announcement and the message when the reviewer's decision arrives.
 * @param {string} status
 */
export function gateChangeMessage(status) {
  if (status === "approved") return "A reviewer approved this draft. Insert into reply is now available.";
  if (status === "rejected") return "A reviewer rejected this draft. Do not use it.";
  return "The draft was updated.";
}

/**
 * The banner kind when the server refuses an insert: the server's code when it is a known
 * one, else the draft's gate status when known, else "blocked".
 * @param {string} code
 * @param {string} gateStatus
 * @param {Record<string, unknown>} known
 */
export function refusalKind(code, gateStatus, known) {
  if (known[code]) return code;
  return known[gateStatus] ? gateStatus : "blocked";
}
