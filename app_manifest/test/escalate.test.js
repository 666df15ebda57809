import assert from "node:assert/strict";
import { test } from "node:test";

import { escalateDraft, escalationMessage } from "../src/sidebar/escalate.js";

const DONE = { status: "done", summary: "Escalated: internal note added, tagged precedent-escalated. Told: Ana.", told: ["Ana"] };

/** Fake I/O: records the calls and the waits; GET answers are taken in turn. */
function io(answers) {
  const calls = [];
  const waits = [];
  return {
    calls, waits,
    post: async (path, body) => { calls.push(["POST", path, body]); return { status: "queued", summary: "Escalating" }; },
    get: async (path) => { calls.push(["GET", path]); return answers.shift(); },
    wait: async (ms) => { waits.push(ms); },
  };
}

test("escalating posts the note, then re-reads until the helpdesk and the people are done", async () => {
  const fake = io([{ status: "queued" }, DONE]);
  const result = await escalateDraft(fake, "d 1", "  needs billing  ");
  assert.deepEqual(result, DONE);
  assert.deepEqual(fake.calls, [
    ["POST", "/drafts/d%201/escalate", { note: "needs billing" }],
    ["GET", "/drafts/d%201/escalation"],
    ["GET", "/drafts/d%201/escalation"],
  ]);
  assert.deepEqual(fake.waits, [1000, 1500]);
});

test("an empty note is not sent, and the re-reading stops after its last try", async () => {
  const fake = io(Array.from({ length: 5 }, () => ({ status: "queued" })));
  const result = await escalateDraft(fake, "d1", " ", { first: 10, factor: 2, max: 30, tries: 3 });
  assert.equal(result.status, "queued");
  assert.deepEqual(fake.calls[0], ["POST", "/drafts/d1/escalate", {}]);
  assert.deepEqual(fake.waits, [10, 20, 30]);
});

test("the agent reads what happened and who was told, or that it is still on its way", () => {
  assert.equal(escalationMessage(DONE), DONE.summary);
  assert.match(escalationMessage({ status: "queued", summary: "", told: [] }), /not confirmed it yet/);
  assert.equal(escalationMessage({ status: "failed", summary: "", told: [] }), "Escalation failed. Try again.");
});
