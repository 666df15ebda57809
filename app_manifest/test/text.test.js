import assert from "node:assert/strict";
import { test } from "node:test";

import { markerSet, rulePattern, toPlainText } from "../src/shared/markers.js";
import { matchRanges } from "../src/shared/render.js";
import { formatMs, humanize, listWords, percent, safeUrl, sentence, totalMs } from "../src/shared/text.js";

const CITES = [{ marker: 1 }, { marker: 2 }];

test("when markers point at citations then the reply text drops them", () => {
  assert.equal(toPlainText("Restart the router [1]. Then pair it [1, 2].", CITES), "Restart the router. Then pair it.");
});

test("when a marker points at no citation then it stays as written", () => {
  assert.equal(toPlainText("See clause [7] and [1].", CITES), "See clause [7] and.");
});

test("when asked to keep markers then only whitespace is tidied", () => {
  assert.equal(toPlainText("a [1]  \r\n\r\n\r\n\r\nb", CITES, true), "a [1]\n\nb");
});

test("marker sets ignore citations without a whole-number marker", () => {
  assert.deepEqual([...markerSet([{ marker: 1 }, { marker: "2" }, { marker: "x" }, {}])], [1, 2]);
});

test("a rule's text matches across whitespace, markers and restored placeholders", () => {
  const re = rulePattern("call <PERSON_1>  about the\nclaim [2]");
  assert.ok(re);
  assert.match("Call Ana Ruiz about the claim", re);
  assert.equal(rulePattern("<PERSON_1> ."), null); // nothing but a placeholder
});

test("overlapping matches merge into one range naming both rules", () => {
  const { ranges, counts } = matchRanges("stop taking the pills now", [/taking the/gi, /the pills/gi, null]);
  assert.deepEqual(ranges, [{ s: 5, e: 21, rules: [0, 1] }]);
  assert.deepEqual(counts, [1, 1, 0]);
});

test("small text helpers say what a person would", () => {
  assert.equal(sentence("  no draft yet"), "No draft yet");
  assert.equal(humanize("weak_evidence"), "Weak evidence");
  assert.equal(humanize(""), "Flag");
  assert.deepEqual([formatMs(850), formatMs(1234), formatMs(12400), formatMs(NaN)], ["850 ms", "1.2 s", "12 s", ""]);
  assert.equal(totalMs({ fetch: 10, redact: "5", bad: "x" }), 15);
  assert.ok(Number.isNaN(totalMs({})));
  assert.deepEqual([percent(0.824), percent(1.7), percent("x")], [82, 100, null]);
  assert.equal(listWords(["legal", "medical", "financial"]), "legal, medical and financial");
});

test("only http(s) links are made", () => {
  assert.equal(safeUrl("javascript:alert(1)", "https://help.test/"), null);
  assert.equal(safeUrl("/articles/1#wifi", "https://help.test/x"), "https://help.test/articles/1#wifi");
  assert.equal(safeUrl("", "https://help.test/"), null);
});
