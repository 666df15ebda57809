// @ts-check
import assert from "node:assert/strict";
import { test } from "node:test";
import { ago, judgedNote, listsStatus, scopeNote } from "../src/insights/freshness.js";

test("an age reads in the largest whole unit", () => {
  assert.deepEqual([0, 59, 60, 125, 3599, 3600, 7300, 47 * 3600, 49 * 3600].map(ago), [
    "just now", "just now", "1 minute ago", "2 minutes ago", "59 minutes ago",
    "1 hour ago", "2 hours ago", "47 hours ago", "2 days ago",
  ]);
});

test("stored lists being refreshed say their age and that they are refreshing", () => {
  assert.deepEqual(listsStatus(1260, true), {
    text: "Refreshing… these lists were updated 21 minutes ago.", busy: true,
  });
});

test("fresh lists say their age and the page stops asking", () => {
  assert.deepEqual(listsStatus(42.5, false), { text: "Updated just now.", busy: false });
});

test("lists never computed say so, refreshing or not", () => {
  assert.deepEqual(listsStatus(null, true), {
    text: "Refreshing… the lists are being computed for the first time.", busy: true,
  });
  assert.deepEqual(listsStatus(null, false), { text: "The lists have not been computed yet.", busy: false });
});

const covers = { since: "2026-11-07T10:00:00Z", until: "2026-12-07T10:00:00Z" };

test("lists narrowed by filters name them and the period they were counted over", () => {
  const narrowed = { since: "2026-11-30T00:00:00Z", until: "2026-12-07T10:00:00Z", filters: { brand: "Acme", ticket_type: "" } };
  assert.equal(scopeNote(covers, narrowed), "Counted for brand “Acme”, ticket type “(unknown)”, from 2026-11-30 to 2026-12-07.");
});

test("a period reaching past the lists' 30 days says where the lists begin", () => {
  const narrowed = { since: "2026-06-08T00:00:00Z", until: "2026-12-07T10:00:00Z", filters: {} };
  assert.equal(scopeNote(covers, narrowed), "Counted from 2026-06-08 to 2026-12-07. The lists look back to 2026-11-07 only.");
});

test("lists as found carry no note", () => {
  assert.equal(scopeNote(covers, null), "");
});

test("a narrowed cohort or section says why it does not count within the filters", () => {
  assert.equal(judgedNote("coaching", { flagged: false, drafts: 19, min_count: 20 }), " · too few drafts within these filters to judge (20 needed)");
  assert.equal(judgedNote("coaching", { flagged: false, drafts: 40, min_count: 20 }), " · not above the rate within these filters");
  assert.equal(judgedNote("revision", { flagged: false, cited: 3, min_count: 5 }), " · too few cited sentences within these filters to judge (5 needed)");
  assert.equal(judgedNote("revision", { flagged: false, cited: 9, min_count: 5 }), " · under the revision threshold within these filters");
  assert.equal(judgedNote("coaching", { flagged: true, drafts: 40, min_count: 20 }), "");
  assert.equal(judgedNote("revision", { cited: 40 }), "");  // the lists as found carry no flag
});
