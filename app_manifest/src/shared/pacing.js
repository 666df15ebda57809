// @ts-check
/**
 * How often a sidebar asks the backend again: a first delay that grows by a factor up to a
 * ceiling. Freshdesk's request templates are limited per app and account (50 a minute,
 * ../shared/docs/helpdesk-platforms.md §4.1), so its app polls slowly and ever more slowly;
 * the Zendesk sidebar streams and only polls as a fallback. Pure.
 */

/**
 * @typedef {{ first: number, factor: number, max: number }} Backoff
 *   `first` ms before the first repeat, each next delay `factor` times the last, at most `max`.
 */

/**
 * The delay before repeat number `n` (0 for the first).
 * @param {Backoff} b
 * @param {number} n
 */
export function backoffDelay(b, n) {
  const factor = b.factor > 1 ? b.factor : 1;
  const max = b.max > b.first ? b.max : b.first;
  return Math.min(max, Math.round(b.first * Math.pow(factor, Math.max(0, n))));
}

/**
 * The times (ms after the start) at which requests go out while waiting `duration` ms: the
 * first at 0, then after each back-off delay. What a rate budget is checked against.
 * @param {Backoff} b
 * @param {number} duration
 */
export function requestTimes(b, duration) {
  const times = [0];
  for (let n = 0; ; n++) {
    const next = times[times.length - 1] + backoffDelay(b, n);
    if (next > duration) return times;
    times.push(next);
  }
}

/**
 * The most requests inside any window of `windowMs` (a sliding minute by default).
 * @param {number[]} times  ascending, ms
 * @param {number} [windowMs]
 */
export function peakPerWindow(times, windowMs) {
  const span = windowMs || 60000;
  let peak = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end] - times[start] >= span) start++;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

/**
 * The sidebar's pacing options as back-offs: the draft's polls and the gate's watch.
 * @param {{ pollInterval: number, pollBackoff: number, pollMaxInterval: number,
 *   gatePollInterval: number, gatePollBackoff: number, gatePollMaxInterval: number }} o
 * @returns {{ poll: Backoff, gate: Backoff }}
 */
export function pacingOf(o) {
  return {
    poll: { first: o.pollInterval, factor: o.pollBackoff, max: o.pollMaxInterval },
    gate: { first: o.gatePollInterval, factor: o.gatePollBackoff, max: o.gatePollMaxInterval },
  };
}
