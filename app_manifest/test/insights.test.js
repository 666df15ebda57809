// @ts-check
import assert from "node:assert/strict";
import { test } from "node:test";
import { dayLabel, mixConfig, percent, query, similarityConfig, trendConfig } from "../src/insights/charts.js";

const trend = [
  { start: "2026-03-02T00:00:00Z", volume: 10, acceptance: 0.3, edit_distance: 41.5, similarity: 0.8 },
  { start: "2026-03-09T00:00:00Z", volume: 0, acceptance: 0, edit_distance: null, similarity: null },
  { start: "2026-03-16T00:00:00Z", volume: 12, acceptance: 0.5833, edit_distance: 20, similarity: 0.9 },
];

test("the trend plots acceptance in percent and leaves empty periods as gaps", () => {
  const config = trendConfig(trend);
  assert.deepEqual(config.data.labels, ["Mar 2", "Mar 9", "Mar 16"]);
  assert.deepEqual(config.data.datasets[0].data, [30, null, 58.3]);
  assert.deepEqual(config.data.datasets[1].data, [41.5, null, 20]);
});

test("the similarity histogram labels each tenth", () => {
  const config = similarityConfig([0, 0, 0, 0, 0, 1, 2, 3, 4, 5]);
  assert.equal(config.data.labels[0], "0.0–0.1");
  assert.equal(config.data.labels[9], "0.9–1.0");
  assert.deepEqual(config.data.datasets[0].data, [0, 0, 0, 0, 0, 1, 2, 3, 4, 5]);
});

test("the action mix stacks each action's share per value, unknown named", () => {
  const rows = [
    { key: "Billing", volume: 4, actions: {}, rates: { accepted: 0.5, edited: 0.25, rejected: 0.25, escalated: 0 } },
    { key: "", volume: 1, actions: {}, rates: { accepted: 1, edited: 0, rejected: 0, escalated: 0 } },
  ];
  const config = mixConfig(rows);
  assert.deepEqual(config.data.labels, ["Billing", "(unknown)"]);
  assert.deepEqual(config.data.datasets.map((d) => d.label), ["accepted", "edited", "rejected", "escalated"]);
  assert.deepEqual(config.data.datasets[2].data, [25, 0]);
});

test("filters become a query string without the empty ones", () => {
  assert.equal(query({ since: "30d", brand: "Tidewater Pro", team: "" }), "?since=30d&brand=Tidewater%20Pro");
  assert.equal(query({}), "");
  assert.equal(percent(0.426), "43%");
  assert.equal(dayLabel("2026-12-01T00:00:00Z"), "Dec 1");
});
