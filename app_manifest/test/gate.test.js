import assert from "node:assert/strict";
import { test } from "node:test";

import { fallbackReason, gateKey, gateOf, normalizeRules, ruleWhy, waitingText } from "../src/shared/gate.js";

test("nested gate rules become one flat entry per span, duplicates dropped", () => {
  const rules = normalizeRules([
    { id: "dosage", domain: "medical", spans: [{ source: "ticket", text: "How much" }, { source: "draft", text: "take two" }] },
    { rule: "dosage", domain: "medical", source: "ticket", text: "how much " },
    "junk",
  ]);
  assert.deepEqual(rules.map((r) => [r.rule, r.source, r.text]), [["dosage", "ticket", "How much"], ["dosage", "draft", "take two"]]);
  assert.equal(rules[0].score, null);
});

test("a draft from before the gate is clear and insertable", () => {
  const gate = gateOf({ status: "ready" });
  assert.equal(gate.status, "clear");
  assert.equal(gate.insertable, true);
  assert.equal(gate.urgent, false);
});

test("a safety domain makes a draft urgent even without the urgent flag", () => {
  const gate = gateOf({ gate: { status: "review_required", domains: ["safety"], insertable: false, eligible_reviewers: 0 } });
  assert.equal(gate.urgent, true);
  assert.equal(gate.eligible, 0);
  assert.match(waitingText(gate), /follow the safety instruction/);
});

test("the waiting line never promises a review nobody can give", () => {
  assert.match(waitingText(gateOf({ gate: { eligible_reviewers: 2 } })), /^Waiting for a reviewer/);
  assert.match(waitingText(gateOf({ gate: { domains: ["legal"], eligible_reviewers: 0 } })), /No reviewer is credentialed/);
  const nobody = waitingText(gateOf({ gate: { domains: ["legal"], eligible_reviewers: 0 } }));
  assert.doesNotMatch(nobody, /unlocks/);
  assert.match(nobody, /escalate the ticket/);
});

test("the fallback reason names the domains and the jurisdiction", () => {
  const gate = gateOf({ gate: { status: "review_required", domains: ["legal", "insurance"], jurisdiction: "US-CA", insertable: false } });
  assert.equal(fallbackReason(gate), "This draft may give legal and insurance advice for US-CA; a reviewer credentialed for legal and insurance in US-CA must approve it before use.");
});

test("a rule hit says why in the gate's words, else by rule, type and score", () => {
  assert.equal(ruleWhy({ detail: "classifier: medical 0.82" }), "classifier: medical 0.82");
  assert.equal(ruleWhy({ rule: "dosage", type: "classifier", score: 0.8234 }), "dosage \u00b7 classifier \u00b7 score 0.82");
});

test("the watched key changes with the decision and with the text", () => {
  const pending = { status: "ready", text: "a", gate: { status: "review_required", insertable: false } };
  assert.equal(gateKey(pending), gateKey({ ...pending }));
  assert.notEqual(gateKey(pending), gateKey({ ...pending, gate: { status: "approved" } }));
  assert.notEqual(gateKey(pending), gateKey({ ...pending, text: "b" }));
});
