import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { templateCall } from "../src/freshdesk/templates.js";
import { shownReporter } from "../src/sidebar/shown.js";

const READY = { id: "d 1", status: "ready", text: "Restart the router [1].", inserted_at: null };

/** A reporter whose posts are recorded; `answers` (an Error rejects) are taken in turn. */
function reporter(answers = [], visible = () => true) {
  const posts = [];
  const warnings = [];
  const shown = shownReporter({
    post: async (path, body) => {
      posts.push([path, body]);
      const next = answers.shift();
      if (next instanceof Error) throw next;
      return next || { id: "d 1", shown_at: "2026-03-31T10:00:00Z" };
    },
    visible,
    warn: (message) => warnings.push(message),
  });
  return { shown, posts, warnings };
}

test("a ready draft is reported once, however often it is rendered", async () => {
  const { shown, posts, warnings } = reporter();
  await shown.report(READY);
  await shown.report(READY); // the gate's watch re-renders it
  await shown.report({ ...READY, gate: { status: "approved" } });
  assert.deepEqual(posts, [["/drafts/d%201/shown", {}]]);
  assert.deepEqual(warnings, []);
});

test("each draft is reported: a new draft of the ticket is shown too", async () => {
  const { shown, posts } = reporter();
  await shown.report(READY);
  await shown.report({ ...READY, id: "d2" });
  assert.deepEqual(posts.map(([path]) => path), ["/drafts/d%201/shown", "/drafts/d2/shown"]);
});

test("a queued, running or failed draft is not reported, nor one without an id", async () => {
  const { shown, posts } = reporter();
  for (const status of ["queued", "running", "failed"]) await shown.report({ ...READY, status });
  await shown.report({ ...READY, id: "" });
  await shown.report(null);
  assert.deepEqual(posts, []);
});

test("a draft already inserted is not reported: it was seen before", async () => {
  const { shown, posts } = reporter();
  await shown.report({ ...READY, inserted_at: "2026-03-31T09:00:00Z" });
  assert.deepEqual(posts, []);
});

test("a failed report is only logged, and the next render tries again", async () => {
  const offline = Object.assign(new Error("Could not reach Precedent."), { status: 0 });
  const { shown, posts, warnings } = reporter([offline]);
  await shown.report(READY); // resolves: nothing for the sidebar to catch
  assert.deepEqual(warnings, ["Precedent: could not record that the draft was shown: Could not reach Precedent."]);
  await shown.report(READY);
  await shown.report(READY);
  assert.equal(posts.length, 2);
});

test("a post that throws at once is logged like a failed one", async () => {
  const warnings = [];
  const shown = shownReporter({
    post: () => { throw new Error("no request template"); },
    warn: (message) => warnings.push(message),
  });
  await shown.report(READY);
  assert.deepEqual(warnings, ["Precedent: could not record that the draft was shown: no request template"]);
});

test("while the page is hidden nothing is reported; once visible, the draft is", async () => {
  let visible = false;
  const { shown, posts } = reporter([], () => visible);
  await shown.report(READY);
  assert.deepEqual(posts, []);
  visible = true;
  await shown.report(READY);
  assert.deepEqual(posts, [["/drafts/d%201/shown", {}]]);
});

test("Freshdesk reports through its own request template, declared in the app", () => {
  const page = "https://acme.freshdesk.test/a/tickets/1";
  assert.deepEqual(templateCall("POST", "/api/v1/drafts/d%201/shown", "{}", page), {
    template: "markDraftShown",
    options: { context: { draft_id: "d 1" }, body: "{}" },
  });
  const requests = JSON.parse(readFileSync(new URL("../freshdesk/config/requests.json", import.meta.url), "utf8"));
  const manifest = JSON.parse(readFileSync(new URL("../freshdesk/manifest.json", import.meta.url), "utf8"));
  assert.equal(requests.markDraftShown.schema.method, "POST");
  assert.match(requests.markDraftShown.schema.path, /\/api\/v1\/drafts\/<%= context\.draft_id %>\/shown$/);
  assert.equal(requests.markDraftShown.schema.headers["X-Precedent-App-Secret"], "<%= iparam.installation_secret %>");
  assert.deepEqual(manifest.modules.common.requests.markDraftShown, {});
});
