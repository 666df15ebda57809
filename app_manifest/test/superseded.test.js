import assert from "node:assert/strict";
import { test } from "node:test";

import { gateKey } from "../src/shared/gate.js";
import { SUPERSEDED_COPY, supersededBy } from "../src/sidebar/superseded.js";
import { watchDecision } from "../src/sidebar/watch.js";

const HELD = { id: "d1", status: "ready", text: "a", gate: { status: "review_required", insertable: false, eligible_reviewers: 1 } };
const REPLACED = { ...HELD, gate: { ...HELD.gate, superseded_by: "d2" } };

test("a held draft names the draft that replaced it; others name none", () => {
  assert.equal(supersededBy(REPLACED), "d2");
  assert.equal(supersededBy(HELD), null);
  assert.equal(supersededBy({ ...HELD, gate: { ...HELD.gate, superseded_by: null } }), null);
  assert.equal(supersededBy({ ...HELD, gate: { ...HELD.gate, superseded_by: "d1" } }), null); // never itself
  assert.equal(supersededBy({ id: "d1", status: "ready" }), null); // from before the gate
  assert.equal(supersededBy(null), null);
});

test("being replaced is a change the sidebar re-renders for", () => {
  assert.notEqual(gateKey(REPLACED), gateKey(HELD));
  assert.equal(gateKey(REPLACED), gateKey({ ...REPLACED }));
});

test("the watch on a held draft reports it once a newer draft replaced it", async () => {
  const answers = [HELD, REPLACED];
  const changed = await new Promise((resolve) => {
    watchDecision({
      get: async () => answers.shift(),
      path: "/drafts/d1", interval: 5, delay: 0, live: () => true,
      shown: () => HELD,
      onChange: resolve,
      note: () => {},
    });
  });
  assert.equal(supersededBy(changed), "d2");
});

test("the notice says what happened and offers the newer draft", () => {
  assert.equal(SUPERSEDED_COPY.title, "A newer draft replaced this one");
  assert.equal(SUPERSEDED_COPY.action, "Open the newer draft");
});
