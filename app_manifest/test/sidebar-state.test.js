import assert from "node:assert/strict";
import { test } from "node:test";

import { customerFacts, draftNotices, footerFacts, retryLine } from "../src/sidebar/content.js";
import {
  createOperations, EMPTY_STREAM, gateChangeMessage, pollStep, readyMessage, refusalKind, retryPoll, streamEvent,
} from "../src/sidebar/state.js";

test("beginning an operation ends the one before; ending stops them all", () => {
  const ops = createOperations();
  const first = ops.begin();
  assert.equal(first.live, true);
  const current = ops.current();
  assert.equal(current.live, true);
  const second = ops.begin();
  assert.deepEqual([first.live, current.live, second.live], [false, false, true]);
  ops.end();
  assert.deepEqual([second.live, ops.current().live, ops.begin().live, ops.ended], [false, false, false, true]);
});

test("a stream grows with deltas, starts again on reset and ends with the draft", () => {
  let s = EMPTY_STREAM;
  s = streamEvent(s, "delta", { text: "Hi " });
  s = streamEvent(s, "delta", { text: "there" });
  assert.equal(s.text, "Hi there");
  s = streamEvent(s, "reset", {});
  assert.equal(s.text, "");
  s = streamEvent(s, "delta", { text: 5 }); // not text: ignored
  s = streamEvent(s, "ready", { status: "ready", id: "d1" });
  assert.deepEqual(s, { text: "", final: { status: "ready", id: "d1" } });
  assert.equal(EMPTY_STREAM.text, "");
});

test("a polled draft is followed until final, or until the timeout", () => {
  const clock = { started: 0, now: 1000, timeout: 60000 };
  assert.deepEqual(pollStep(null, clock), { kind: "invalid" });
  assert.deepEqual(pollStep({ status: "ready" }, clock), { kind: "final" });
  assert.deepEqual(pollStep({ status: "running", id: "a b" }, clock), { kind: "wait", self: "/drafts/a%20b" });
  assert.deepEqual(pollStep({ status: "queued", links: { self: "/api/v1/drafts/1" } }, clock), { kind: "wait", self: "/api/v1/drafts/1" });
  assert.deepEqual(pollStep({ status: "queued" }, clock), { kind: "no_id" });
  assert.deepEqual(pollStep({ status: "queued", id: "1" }, { ...clock, now: 60000 }), { kind: "timeout" });
});

test("only transient poll failures are retried, three times at most", () => {
  const clock = { started: 0, now: 1000, timeout: 60000 };
  assert.equal(retryPoll({ transient: true }, 3, clock), true);
  assert.equal(retryPoll({ transient: true }, 4, clock), false);
  assert.equal(retryPoll({ transient: false }, 1, clock), false);
  assert.equal(retryPoll({ transient: true }, 1, { ...clock, now: 60000 }), false);
});

test("the ready announcement says sources, evidence and the gate", () => {
  assert.equal(readyMessage({ citations: [{}], flags: [] }), "Draft ready with 1 source.");
  assert.equal(readyMessage({ citations: [], flags: ["knowledge_gap"] }), "Draft ready, no sources cited. Knowledge gap.");
  assert.equal(
    readyMessage({ citations: [{}, {}], flags: ["weak_evidence"], gate: { status: "review_required", insertable: false } }),
    "Draft ready with 2 sources. Weak evidence. Needs approval by a credentialed reviewer before use.",
  );
  assert.equal(gateChangeMessage("approved"), "A reviewer approved this draft. Insert into reply is now available.");
});

test("a refused insert is shown under the server's code when the page knows it", () => {
  const known = { review_required: {}, rejected: {}, blocked: {} };
  assert.equal(refusalKind("rejected", "clear", known), "rejected");
  assert.equal(refusalKind("draft_not_ready", "review_required", known), "review_required");
  assert.equal(refusalKind("draft_not_ready", "clear", known), "blocked");
});

test("notices: gaps first, a default line for a flag no note explains", () => {
  const notices = draftNotices({ notes: ["Used 2 sources", "weak evidence: closest ticket is old"], flags: ["weak_evidence", "knowledge_gap"] });
  assert.deepEqual(notices.map((n) => [n.tone, n.title]), [["gap", "Knowledge gap"], ["warn", "Weak evidence"], ["info", "Note"]]);
  assert.equal(notices[1].body, "Closest ticket is old");
});

test("notices: the gate's own notes are shown too", () => {
  const note = "The ticket is in Italian; the legal policies were not measured on it, so their decision may be wrong: read it with care.";
  const notices = draftNotices({ notes: [], flags: [], gate: { notes: [note] } });
  assert.deepEqual(notices.map((n) => [n.tone, n.title, n.body]), [["info", "Note", note]]);
  assert.deepEqual(draftNotices({ notes: [], flags: [], gate: null }), []);
});

test("customer facts keep what has a value and skip the plan twice", () => {
  const c = customerFacts({ organization: "Acme", plan: "Pro", fields: { tier: "Pro", region_code: "EU" }, tags: ["vip"], prior_tickets: { count: 2, recent: [{ id: 7, status: "solved" }] } });
  assert.deepEqual(c.facts, [["Organisation", "Acme"], ["Plan", "Pro"], ["Region code", "EU"], ["Prior tickets", "2"]]);
  assert.deepEqual(c.recent, [{ subject: "#7", status: "solved" }]);
  assert.equal(customerFacts(null), null);
});

test("the footer names the model, the total time and the stages", () => {
  const f = footerFacts({ provider: "offline", model: "extractive", timings_ms: { retrieve: 120, generate: 1400 }, attempts: 2 });
  assert.deepEqual(f, { who: "offline \u00b7 extractive", total: "1.5 s", attempts: "2 attempts", timings: [["Retrieve", "120 ms"], ["Generate", "1.4 s"]] });
  assert.equal(retryLine({ status: "running", attempts: 2, error: { message: "worker lost" } }), "Retrying after a problem (attempt 2): worker lost");
  assert.equal(retryLine({ status: "failed", error: { message: "x" } }), "");
});
