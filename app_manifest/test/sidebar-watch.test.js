import assert from "node:assert/strict";
import { test } from "node:test";

import { watchDecision } from "../src/sidebar/watch.js";

const PENDING = { status: "ready", text: "a", gate: { status: "review_required", insertable: false, eligible_reviewers: 1 } };

/** Runs a watch until it settles; answers are taken in turn from `answers` (an Error rejects). */
function watchWith(answers, live = () => true) {
  const notes = [];
  const changes = [];
  return new Promise((resolve) => {
    const w = watchDecision({
      get: async () => {
        const next = answers.shift();
        if (next instanceof Error) throw next;
        return next;
      },
      path: "/drafts/d1", interval: 5, delay: 0, live,
      shown: () => PENDING,
      onChange: (next) => { changes.push(next); resolve({ w, notes, changes }); },
      note: (text) => { notes.push(text); if (!answers.length) setTimeout(() => resolve({ w, notes, changes }), 20); },
    });
    if (!live()) setTimeout(() => resolve({ w, notes, changes }), 20);
  });
}

test("the watch re-reads the draft until the reviewer's decision changes it", async () => {
  const approved = { ...PENDING, gate: { status: "approved", insertable: true } };
  const { w, notes, changes } = await watchWith([PENDING, approved]);
  assert.deepEqual(changes, [approved]);
  assert.deepEqual(notes, ["Waiting for a reviewer. Insert unlocks here as soon as the draft is approved."]);
  w.stop();
});

test("a draft that is gone stops the watch and says why", async () => {
  const gone = Object.assign(new Error("draft not found."), { status: 404 });
  const { w, notes } = await watchWith([gone]);
  assert.deepEqual(notes, ["Stopped checking for a decision: Draft not found."]);
  assert.equal(w.stopped, true);
});

test("a network hiccup is retried and said", async () => {
  const hiccup = Object.assign(new Error("Could not reach Precedent."), { status: 0 });
  const { w, notes } = await watchWith([hiccup, PENDING]);
  assert.equal(notes[0], "Could not check for a decision (Could not reach Precedent). Trying again\u2026");
  w.stop();
});

test("a watch whose operation ended never asks", async () => {
  let asked = 0;
  const w = watchDecision({
    get: async () => { asked += 1; return PENDING; }, path: "/drafts/d1", interval: 5, delay: 0,
    live: () => false, shown: () => PENDING, onChange: () => {}, note: () => {},
  });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(asked, 0);
  w.stop();
});
