// @ts-check
import assert from "node:assert/strict";
import { test } from "node:test";
import { ago, listsStatus } from "../src/insights/freshness.js";

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
