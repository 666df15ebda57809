import assert from "node:assert/strict";
import { test } from "node:test";

import { createClient, parseEvent, readAnswer, readEvents } from "../src/shared/api.js";

/** A fetch that answers every call with `status` and `body`, recording the calls. */
function fakeFetch(status, body, statusText = "") {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, init });
    return { ok: status >= 200 && status < 300, status, statusText, text: async () => body };
  };
  return { fetch, calls };
}

test("when the server names its error then the client keeps its code and message", () => {
  const { error } = readAnswer({ ok: false, status: 409 }, { error: { code: "review_required", message: "A reviewer must approve it." } });
  assert.equal(error.code, "review_required");
  assert.equal(error.message, "A reviewer must approve it.");
  assert.equal(error.status, 409);
  assert.equal(error.transient, false);
});

test("when a gateway fails then the error is transient and names the status", () => {
  const { error } = readAnswer({ ok: false, status: 502, statusText: "Bad Gateway" }, null);
  assert.equal(error.code, "http_502");
  assert.equal(error.message, "Precedent answered HTTP 502 Bad Gateway.");
  assert.equal(error.transient, true);
});

test("when a success is not JSON then the error says so", () => {
  assert.equal(readAnswer({ status: 200 }, null).error.code, "bad_response");
  assert.deepEqual(readAnswer({ status: 201 }, { id: "d1" }), { data: { id: "d1" } });
});

test("when the network fails then the error is transient and says where", async () => {
  const client = createClient({ apiBase: "https://precedent.test/api/v1/", fetch: async () => { throw new TypeError("Failed to fetch"); } });
  await assert.rejects(client.get("/drafts/1"), (err) => {
    assert.equal(err.code, "network");
    assert.equal(err.transient, true);
    assert.equal(err.message, "Could not reach Precedent at https://precedent.test/api/v1 (Failed to fetch). Check that the backend is running.");
    return true;
  });
});

test("requests carry JSON, the adapter's headers and the API base", async () => {
  const { fetch, calls } = fakeFetch(202, '{"id": "d1", "status": "queued"}');
  const client = createClient({ apiBase: "https://precedent.test/api/v1", fetch, headers: () => ({ Authorization: "Bearer t" }) });
  assert.deepEqual(await client.post("/drafts", { ticket_id: "N-1" }), { id: "d1", status: "queued" });
  assert.equal(calls[0].url, "https://precedent.test/api/v1/drafts");
  assert.equal(calls[0].init.method, "POST");
  assert.equal(calls[0].init.body, '{"ticket_id":"N-1"}');
  assert.deepEqual(calls[0].init.headers, { Accept: "application/json", "Content-Type": "application/json", Authorization: "Bearer t" });
});

test("an error body that is not JSON still gives an error with the status", async () => {
  const { fetch } = fakeFetch(500, "<html>oops</html>", "Internal Server Error");
  await assert.rejects(createClient({ fetch }).get("/health"), { code: "http_500", status: 500 });
});

test("adapter responses with json() instead of text() are read", async () => {
  const client = createClient({ fetch: async () => ({ status: 200, json: async () => ({ ok: 1 }) }) });
  assert.deepEqual(await client.get("/x"), { ok: 1 });
});

test("server-sent events are split into named JSON events across chunks", async () => {
  const chunks = ["event: delta\ndata: {\"text\": \"Hi\"}\n", "\n: keep-alive\n\nevent: ready\r\ndata: {\"status\":", " \"ready\"}\r\n\r\n"];
  const encoder = new TextEncoder();
  const reader = { read: async () => (chunks.length ? { done: false, value: encoder.encode(chunks.shift()) } : { done: true }) };
  const seen = [];
  await readEvents(reader, (name, data) => seen.push([name, data]));
  assert.deepEqual(seen, [["delta", { text: "Hi" }], ["ready", { status: "ready" }]]);
  assert.equal(parseEvent("event: delta\ndata: not json"), null);
});
