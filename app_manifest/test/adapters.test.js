import assert from "node:assert/strict";
import { test } from "node:test";

import { sentText, templateCall, templateFetch, templateResponse, toHtml } from "../src/freshdesk/templates.js";
import { bearer, frameHeight, sentOutcome } from "../src/zendesk/composer.js";

const PAGE = "https://acme.freshdesk.test/a/tickets/1";

test("each sidebar call maps onto its Freshdesk request template", () => {
  assert.deepEqual(templateCall("POST", "/api/v1/drafts", '{"ticket_id":"1"}', PAGE), { template: "requestDraft", options: { context: {}, body: '{"ticket_id":"1"}' } });
  assert.deepEqual(templateCall("GET", "/api/v1/drafts/d%201", undefined, PAGE), { template: "readDraft", options: { context: { draft_id: "d 1" } } });
  assert.equal(templateCall("POST", "https://x.test/api/v1/drafts/d1/insert", "{}", PAGE).template, "insertDraft");
  assert.equal(templateCall("POST", "/api/v1/drafts/d1/outcome", "{}", PAGE).template, "reportOutcome");
  assert.equal(templateCall("POST", "/api/v1/drafts/d1/escalate", "{}", PAGE).template, "escalateDraft");
  assert.deepEqual(templateCall("GET", "/api/v1/drafts/d1/escalation", undefined, PAGE), { template: "readEscalation", options: { context: { draft_id: "d1" } } });
  assert.equal(templateCall("GET", "/api/v1/drafts/d1/events", undefined, PAGE), null); // no streaming through templates
});

test("a template's error answer reaches the sidebar as an HTTP error, a failure as a network one", async () => {
  const calls = [];
  const client = { request: { invokeTemplate: async (name, options) => {
    calls.push([name, options]);
    if (name === "insertDraft") throw { status: 409, response: '{"error": {"code": "review_required"}}' };
    if (name === "readDraft") throw { message: "timeout" };
    return { status: 202, response: '{"id": "d1"}' };
  } } };
  const fetch = templateFetch(/** @type {any} */ (client), PAGE);
  const made = await fetch("/api/v1/drafts", { method: "POST", body: "{}" });
  assert.deepEqual([made.ok, made.status, await made.text()], [true, 202, '{"id": "d1"}']);
  const refused = await fetch("/api/v1/drafts/d1/insert", { method: "POST", body: "{}" });
  assert.deepEqual([refused.ok, refused.status], [false, 409]);
  await assert.rejects(fetch("/api/v1/drafts/d1", { method: "GET" }), /timeout/);
  await assert.rejects(fetch("/api/v1/health", { method: "GET" }), /no request template for GET \/health/);
  assert.equal(await templateResponse(200, null).text(), "");
});

test("the Freshdesk editor gets escaped paragraphs", () => {
  assert.equal(toHtml("Hi <b>Ana</b>,\nline two\n\nBye & thanks"), "<p>Hi &lt;b&gt;Ana&lt;/b&gt;,<br>line two</p><p>Bye &amp; thanks</p>");
  assert.equal(sentText({ helper: { getData: () => ({ body_text: "Sent" }) } }), "Sent");
  assert.equal(sentText({}), "");
});

test("the Zendesk adapter reports what the composer holds, and sizes the frame", () => {
  assert.deepEqual(sentOutcome({ "ticket.comment.text": "Hello", "ticket.comment.type": "publicReply" }), { sent_text: "Hello", sent_type: "publicReply" });
  assert.deepEqual(sentOutcome({ "ticket.comment.text": "Hello" }), { sent_text: "Hello", sent_type: null });
  assert.equal(sentOutcome({ "ticket.comment.text": "" }), null);
  assert.deepEqual([frameHeight(10), frameHeight(400.2)], [120, 409]);
  assert.deepEqual([bearer("t"), bearer(null)], [{ Authorization: "Bearer t" }, {}]);
});
