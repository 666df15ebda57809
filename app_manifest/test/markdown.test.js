import assert from "node:assert/strict";
import { test } from "node:test";

import { markdownNodes, markdownText, parseInline, parseMarkdown } from "../src/shared/markdown.js";

const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
/** A stand-in for dom.js h(): elements as HTML, string children as escaped text. */
const make = (tag, attrs, ...children) => {
  const a = Object.entries(attrs || {}).map(([k, v]) => " " + k + '="' + esc(v) + '"').join("");
  return { html: "<" + tag + a + ">" + children.map((c) => (typeof c === "string" ? esc(c) : c.html)).join("") + "</" + tag + ">" };
};
const html = (text) => markdownNodes(text, make, "https://help.test/").map((n) => n.html).join("");

const CASES = [
  ["Open **Device > About** first.", "<p>Open <strong>Device &gt; About</strong> first.</p>"],
  ["It is *not* reset, __really__.", "<p>It is <em>not</em> reset, <strong>really</strong>.</p>"],
  ["Run `reset --hard <now>`.", "<p>Run <code>reset --hard &lt;now&gt;</code>.</p>"],
  ["See [the guide](https://help.test/a?x=1&y=2).",
    '<p>See <a href="https://help.test/a?x=1&amp;y=2" target="_blank" rel="noopener noreferrer">the guide</a>.</p>'],
  ["- Unplug it\n- Wait **10 s**\n- Plug it in", "<ul><li>Unplug it</li><li>Wait <strong>10 s</strong></li><li>Plug it in</li></ul>"],
  ["3. Third\n4. Fourth", '<ol start="3"><li>Third</li><li>Fourth</li></ol>'],
  ["## Before you start\nCharge it.", "<p><strong>Before you start</strong></p><p>Charge it.</p>"],
  ["One line\nand the next\n\nNew paragraph", "<p>One line and the next</p><p>New paragraph</p>"],
  ["Steps:\n- one\n- two\nDone.", "<p>Steps:</p><ul><li>one</li><li>two</li></ul><p>Done.</p>"],
  ["use snake_case_names and 2*3*4", "<p>use snake_case_names and 2*3*4</p>"], // no italics inside words
  ["a **half-open bold", "<p>a **half-open bold</p>"], // a snippet cut mid-markup stays as written
  ["**bold with *italic* inside**", "<p><strong>bold with <em>italic</em> inside</strong></p>"],
];

for (const [input, expected] of CASES) {
  test("when a snippet says " + JSON.stringify(input) + " then it renders " + expected, () => {
    assert.equal(html(input), expected);
  });
}

test("markup in a snippet is text, never elements", () => {
  assert.equal(html('<img src=x onerror="alert(1)"> **<b>hi</b>**'),
    "<p>&lt;img src=x onerror=&quot;alert(1)&quot;&gt; <strong>&lt;b&gt;hi&lt;/b&gt;</strong></p>");
  assert.equal(html("`<script>alert(1)</script>`"), "<p><code>&lt;script&gt;alert(1)&lt;/script&gt;</code></p>");
});

test("a link to anything but http(s) keeps its label and loses its address", () => {
  assert.equal(html("[click](javascript:alert(1))"), "<p>[click](javascript:alert(1))</p>"); // parens: not a link
  assert.equal(html("[click](javascript:void%200)"), "<p><span>click</span></p>");
  assert.equal(html("[data](data:text/html,hi)"), "<p><span>data</span></p>");
  assert.equal(html("[rel](/hc/articles/1)"), '<p><a href="https://help.test/hc/articles/1" target="_blank" rel="noopener noreferrer">rel</a></p>');
});

test("the parser's tokens and the plain text", () => {
  assert.deepEqual(parseInline("a `b` c"), [{ type: "text", text: "a " }, { type: "code", text: "b" }, { type: "text", text: " c" }]);
  assert.deepEqual(parseMarkdown(""), []);
  assert.deepEqual(parseMarkdown(null), []);
  assert.equal(markdownText("Open **Device > About**\n- one\n- [two](https://x.test)"), "Open Device > About\none\ntwo");
});
