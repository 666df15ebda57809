import assert from "node:assert/strict";
import { test } from "node:test";

import { TOKEN_KEY, tokenStore } from "../src/review/api.js";
import {
  ageSeconds, covers, coversDomain, credentialStatus, decisionCoverage, decisionDone, foundText, formatAge,
  initials, longAge, queueSelection, removeReview, successor,
} from "../src/review/queue.js";

const DAY = new Date(2026, 5, 1);

test("jurisdiction patterns cover what the server's do", () => {
  const c = { jurisdictions: ["US-*", "GB"] };
  assert.deepEqual(["US-CA", "GB", "EU-DE", ""].map((j) => covers(c, j)), [true, true, false, false]);
  assert.equal(covers({ jurisdictions: ["*"] }, "EU-DE"), true);
  assert.equal(covers(null, "GB"), false);
});

test("a medical licence may also decide safety items", () => {
  assert.equal(coversDomain({ domain: "medical" }, "safety"), true);
  assert.equal(coversDomain({ domain: "safety" }, "medical"), false);
});

test("credentials expire after their day and warn within 30 days", () => {
  assert.deepEqual(credentialStatus({ expires_on: "2026-05-31" }, DAY), { expired: true, soon: false, days: -1 });
  assert.deepEqual(credentialStatus({ expires_on: "2026-06-01" }, DAY), { expired: false, soon: true, days: 0 });
  assert.deepEqual(credentialStatus({ expires_on: "2027-01-01" }, DAY).soon, false);
  assert.deepEqual(credentialStatus({}, DAY), { expired: false, soon: false, days: null });
});

test("an item's age grows from the server's figure, else from its creation", () => {
  assert.equal(ageSeconds({ id: 1, age_seconds: 100 }, 1_000, 31_000), 130);
  assert.equal(ageSeconds({ id: 1, created_at: "1970-01-01T00:00:10Z" }, 0, 70_000), 60);
  assert.ok(Number.isNaN(ageSeconds({ id: 1 }, 0, 0)));
  assert.deepEqual([formatAge(30), formatAge(720), formatAge(7200), formatAge(200000)], ["just now", "12 min", "2 h", "2 d"]);
  assert.deepEqual([longAge(30), longAge(60), longAge(7200)], ["less than a minute", "1 minute", "2 hours"]);
  assert.deepEqual([initials("Ana Ruiz"), initials("sam@example.com"), initials("")], ["AR", "SC", "?"]);
});

test("the first queue opens the item in the address, else the first one", () => {
  const base = { selected: null, openPending: false, afterDecision: false, hasItem: false, initial: true };
  assert.deepEqual(queueSelection({ ...base, ids: ["1", "2"], hashId: "2" }), { select: "2", empty: false, gone: false });
  assert.deepEqual(queueSelection({ ...base, ids: ["1", "2"], hashId: "9" }), { select: "1", empty: false, gone: false });
  assert.deepEqual(queueSelection({ ...base, ids: [], hashId: "" }), { select: null, empty: true, gone: false });
});

test("a refresh that drops the open pending item says it is gone, unless we decided it", () => {
  const base = { ids: ["2"], selected: "1", hashId: "", initial: false, openPending: true, hasItem: true };
  assert.deepEqual(queueSelection({ ...base, afterDecision: false }), { select: null, empty: false, gone: true });
  assert.deepEqual(queueSelection({ ...base, afterDecision: true }), { select: null, empty: false, gone: false });
  assert.deepEqual(queueSelection({ ...base, selected: null, afterDecision: false }), { select: "2", empty: false, gone: false });
});

test("after a decision the next item is the one that took its place", () => {
  const reviews = [{ id: 1 }, { id: 2 }, { id: 3 }];
  assert.deepEqual(removeReview(reviews, "2"), { reviews: [{ id: 1 }, { id: 3 }], next: { id: 3 } });
  assert.deepEqual(removeReview(reviews, "3").next, { id: 2 });
  assert.deepEqual(removeReview([{ id: 1 }], "1"), { reviews: [], next: null });
});

test("the decision panel names the domains the reviewer's licences do not cover", () => {
  const reviewer = { credentials: [
    { domain: "medical", jurisdictions: ["GB"], licence_id: "M-1", expires_on: "2099-01-01" },
    { domain: "legal", jurisdictions: ["GB"], licence_id: "L-1", expires_on: "2020-01-01" },
  ] };
  const { creds, notes } = decisionCoverage(reviewer, { domains: ["safety", "legal", "insurance"], jurisdiction: "GB" }, DAY, (d) => String(d));
  assert.deepEqual(creds.map((c) => c.licence_id), ["M-1"]);
  assert.deepEqual(notes, ["Your legal licence L-1 expired on 2020-01-01.", "You have no insurance licence covering GB."]);
});

test("decision toasts and found lines read as sentences", () => {
  assert.deepEqual(decisionDone("reject", "rejected", "4"), { verb: "Rejected", tone: "warn", detail: "The agent is told not to use this draft." });
  assert.deepEqual(decisionDone("edit_and_approve", "approved", "4").verb, "Edited and approved");
  assert.equal(decisionDone("approve", "", "4").detail, "Review #4 is decided.");
  assert.equal(foundText(2, "ticket"), "Highlighted 2\u00d7 in the ticket");
  assert.equal(foundText(0, "draft"), "Not found in the text shown (it may contain redacted details)");
});

test("the reviewer's token lives in the tab's storage, or nowhere when storage is blocked", () => {
  const data = new Map();
  const storage = { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => data.set(k, v), removeItem: (k) => data.delete(k) };
  const store = tokenStore(storage);
  store.write("tok");
  assert.equal(data.get(TOKEN_KEY), "tok");
  assert.equal(store.read(), "tok");
  store.write("");
  assert.equal(store.read(), "");
  const blocked = tokenStore({ getItem: () => { throw new Error("denied"); }, setItem: () => { throw new Error("denied"); }, removeItem: () => {} });
  blocked.write("tok");
  assert.equal(blocked.read(), "");
});

test("a superseded item links to the review of the draft that replaced it, if it has one", () => {
  assert.deepEqual(successor({ id: 4, superseded_by: { draft_id: "d2", review_id: 9 } }),
    { text: "Replaced by a newer draft of this ticket: review #9", reviewId: "9" });
  assert.deepEqual(successor({ id: 4, superseded_by: { draft_id: "d2", review_id: null } }),
    { text: "Replaced by a newer draft of this ticket that needs no review", reviewId: null });
});
