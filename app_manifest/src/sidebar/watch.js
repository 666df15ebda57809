// @ts-check
/** Watching a gated draft for the reviewer's decision: re-read it until its gate changes. */
import { gateKey, gateOf, waitingText } from "../shared/gate.js";
import { sentence, str } from "../shared/text.js";

/**
 * @param {{
 *   get: (path: string) => Promise<any>,
 *   path: string,
 *   interval: number,
 *   delay: number,
 *   factor?: number,
 *   maxInterval?: number,
 *   live: () => boolean,
 *   shown: () => any,
 *   onChange: (next: any) => void,
 *   note: (text: string) => void,
 * }} w
 *   `interval` grows by `factor` after each unchanged answer, up to `maxInterval` (a
 *   Freshdesk app stays within its request budget while a review takes hours); `live`: the operation that started the watch is still current; `shown`: the draft on
 *   screen; `onChange`: its gate (or text) changed; `note`: the line under the banner.
 */
export function watchDecision(w) {
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;
  let busy = false;
  let stopped = false;
  let interval = w.interval;
  const slower = () => {
    const grown = Math.round(interval * (w.factor && w.factor > 1 ? w.factor : 1));
    interval = Math.min(Math.max(w.maxInterval || 0, w.interval), grown);
    return interval;
  };
  const alive = () => !stopped && w.live();
  /** @param {number} ms */
  const schedule = (ms) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      check();
    }, ms);
  };
  const stop = () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
  function check() {
    if (!alive() || busy) return;
    busy = true;
    w.get(w.path).then((next) => {
      busy = false;
      if (!alive()) return;
      if (!next || typeof next !== "object" || !next.status) {
        schedule(slower());
        return;
      }
      if (gateKey(next) !== gateKey(w.shown())) {
        w.onChange(next);
        return;
      }
      w.note(waitingText(gateOf(next)));
      schedule(slower());
    }, (err) => {
      busy = false;
      if (!alive()) return;
      if (err.status === 401 || err.status === 403 || err.status === 404) {
        w.note("Stopped checking for a decision: " + sentence(err.message));
        stop();
        return;
      }
      w.note("Could not check for a decision (" + str(err.message).replace(/\.$/, "") + "). Trying again\u2026");
      schedule(slower() * 2);
    });
  }
  schedule(w.delay);
  return {
    /** Checks at once (the page became visible again). */
    now() {
      if (!alive()) return;
      if (timer) clearTimeout(timer);
      timer = null;
      check();
    },
    stop,
    get stopped() {
      return stopped;
    },
  };
}

/** @typedef {ReturnType<typeof watchDecision>} Watch */
