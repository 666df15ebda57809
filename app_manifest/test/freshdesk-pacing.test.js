import assert from "node:assert/strict";
import { test } from "node:test";

import { REQUESTS_PER_MINUTE, PACING, templateFetch } from "../src/freshdesk/templates.js";
import { createClient } from "../src/shared/api.js";
import { backoffDelay, pacingOf, peakPerWindow, requestTimes } from "../src/shared/pacing.js";
import { follow } from "../src/sidebar/follow.js";
import { watchDecision } from "../src/sidebar/watch.js";

const BASE = "https://acme.freshdesk.test/app/index.html";
// The app's page, as in the iframe: links.self ("/api/v1/drafts/d1") resolves against it.
globalThis.location = /** @type {any} */ ({ href: BASE });
const GATED = { status: "review_required", insertable: false, eligible_reviewers: 1 };

/** A clock the test moves: timers run in order of their time, never in real time. */
function fakeClock() {
  let now = 0;
  /** @type {{ at: number, fn: () => void }[]} */
  const timers = [];
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    now: () => now,
    later(fn, ms) {
      timers.push({ at: now + ms, fn });
      timers.sort((a, b) => a.at - b.at);
    },
    async runUntil(end) {
      await settle();
      while (timers.length && timers[0].at <= end) {
        const timer = timers.shift();
        now = timer.at;
        timer.fn();
        await settle();
      }
      now = end;
    },
  };
}

/** A Freshworks client whose backend drafts for `draftMs`, then answers `ready` (gated or not). */
function freshworks(clock, draftMs, gate) {
  const calls = [];
  const draft = (status) => ({
    id: "d1", ticket_id: "7", status, text: status === "ready" ? "Reset it." : null,
    citations: [], links: { self: "/api/v1/drafts/d1" }, gate: gate || { status: "clear", insertable: true },
  });
  return {
    calls,
    request: {
      invokeTemplate(name) {
        calls.push({ at: clock.now(), name });
        const body = name === "requestDraft" ? draft("queued") : draft(clock.now() >= draftMs ? "ready" : "running");
        return Promise.resolve({ status: name === "requestDraft" ? 202 : 200, response: JSON.stringify(body) });
      },
    },
  };
}

/** Requests a draft and follows it as the Freshdesk app does, on the fake clock. */
async function draftWithFreshdesk(clock, fw, until) {
  const client = createClient({ apiBase: "/api/v1", fetch: templateFetch(fw, BASE) });
  let shown = null;
  const op = { live: true };
  const f = {
    client, op, started: 0, stream: PACING.stream, timeout: PACING.timeout, poll: pacingOf(PACING).poll,
    later: clock.later, now: clock.now, streaming() {}, progress: () => undefined, shown() {},
    render: (d) => { shown = d; }, fail: (err) => { throw err; },
  };
  client.post("/drafts", { ticket_id: "7" }).then((d) => follow(d, f));
  await clock.runUntil(until);
  return shown;
}

test("the back-off grows from its first delay to its ceiling", () => {
  const b = { first: 1500, factor: 1.5, max: 8000 };
  assert.deepEqual([0, 1, 2, 3, 4, 5, 9].map((n) => backoffDelay(b, n)), [1500, 2250, 3375, 5063, 7594, 8000, 8000]);
  assert.equal(backoffDelay({ first: 400, factor: 1, max: 400 }, 7), 400); // Zendesk's fallback: steady
  assert.equal(peakPerWindow([0, 10, 20, 60010, 60015]), 3); // a sliding minute
  assert.deepEqual(requestTimes(b, 10000), [0, 1500, 3750, 7125]);
});

test("a 60 s draft costs the Freshdesk app a fifth of the account's requests per minute", async () => {
  const clock = fakeClock();
  const fw = freshworks(clock, 60000);
  const shown = await draftWithFreshdesk(clock, fw, 90000);
  assert.equal(shown && shown.status, "ready", "the draft is shown once it is ready");
  const times = fw.calls.map((c) => c.at);
  assert.equal(fw.calls[0].name, "requestDraft");
  assert.ok(fw.calls.slice(1).every((c) => c.name === "readDraft"));
  const peak = peakPerWindow(times);
  assert.ok(peak <= REQUESTS_PER_MINUTE, peak + " requests in a minute");
  // Several agents share the account's budget: one sidebar takes at most a fifth of it.
  assert.ok(peak <= REQUESTS_PER_MINUTE / 4, peak + " requests in a minute by one sidebar");
  assert.equal(peak, 11);
  assert.ok(times[times.length - 1] - 60000 <= PACING.pollMaxInterval, "found within one poll of being ready");
});

test("before the back-off, the same draft took 151 requests a minute (400 ms polls)", () => {
  const old = requestTimes({ first: 400, factor: 1, max: 400 }, 60000);
  assert.ok(peakPerWindow(old) > REQUESTS_PER_MINUTE);
});

test("a draft held for review is re-read ever more slowly: an hour's wait stays within budget", async () => {
  const clock = fakeClock();
  const fw = freshworks(clock, 0, GATED);
  const client = createClient({ apiBase: "/api/v1", fetch: templateFetch(fw, BASE) });
  const ready = await client.get("/drafts/d1");
  fw.calls.length = 0;
  const pace = pacingOf(PACING).gate;
  const realTimeout = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  globalThis.setTimeout = /** @type {any} */ ((fn, ms) => { clock.later(fn, ms); return 0; });
  globalThis.clearTimeout = /** @type {any} */ (() => {});
  try {
    const watch = watchDecision({
      get: client.get, path: "/drafts/d1", interval: pace.first, factor: pace.factor, maxInterval: pace.max,
      delay: pace.first, live: () => true, shown: () => ready, onChange: () => {}, note: () => {},
    });
    await clock.runUntil(3600000);
    watch.stop();
  } finally {
    globalThis.setTimeout = realTimeout;
    globalThis.clearTimeout = realClear;
  }
  const times = fw.calls.map((c) => c.at);
  assert.deepEqual(times.slice(0, 4), [15000, 45000, 105000, 165000]);
  assert.ok(peakPerWindow(times) <= 2, "at most two re-reads in any minute");
  assert.equal(times.length, 61); // 15 s, 45 s, then once a minute
});
