// @ts-check
/**
 * Precedent insights: the team lead's page (/insights). Built into backend/static/insights.js
 * by `npm run build:ui` (app_manifest/), with Chart.js from npm.
 *
 * Sign in with a lead token (sessionStorage, sent as a Bearer token); filters narrow every
 * figure; the lists' entries are marked done on the server (audited). Server text only ever
 * goes in through textContent.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from "chart.js";
import { createClient } from "../shared/api.js";
import { add, clear, h } from "../shared/dom.js";
import { mixConfig, percent, query, similarityConfig, trendConfig } from "./charts.js";
import { judgedNote, listsStatus, POLL_MS, POLLS, scopeNote } from "./freshness.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

const TOKEN_KEY = "precedent.leadToken";
const DIMENSIONS = ["brand", "team", "location", "ticket_type", "jurisdiction"];
const LISTS = [
  ["revision", "Sections to revise", "Help-centre sections agents keep editing away: for their owners."],
  ["coaching", "Coaching reviews", "Rejection rates well above the team's, with enough drafts to mean something."],
  ["policy", "Policy review", "Gated drafts that were sent anyway."],
  ["gap", "Knowledge gaps", "Recurring questions the help centre does not answer: articles to write."],
];

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const apiBase = document.body.getAttribute("data-api-base") || "/api/v1";
let token = (() => { try { return sessionStorage.getItem(TOKEN_KEY) || ""; } catch { return ""; } })();
/** @returns {Record<string, string>} */
const authorization = () => (token ? { Authorization: "Bearer " + token } : {});
const client = createClient({ apiBase, fetch: null, headers: authorization });
/** @type {Record<string, Chart>} */
const charts = {};
/** @type {Record<string, string>} */
const filters = { since: "30d" };
let by = "team";

/** @param {string} name @param {any} config */
function draw(name, config) {
  if (charts[name]) charts[name].destroy();
  const canvas = /** @type {HTMLCanvasElement} */ ($("in-chart-" + name));
  charts[name] = new Chart(canvas, config);
}

function signedOut(message = "") {
  $("in-app").hidden = true;
  $("in-signin").hidden = false;
  $("in-signin-error").textContent = message;
  $("in-signin-error").hidden = !message;
}

/** @param {string} path */
async function get(path) {
  try {
    return await client.get(path);
  } catch (error) {
    if (error && /** @type {any} */ (error).status === 401) {
      token = "";
      signedOut(/** @type {any} */ (error).message || "Sign in again.");
    }
    throw error;
  }
}

async function start() {
  const lead = await get("/insights/lead");
  $("in-who").textContent = lead.name + " · team lead";
  $("in-signin").hidden = true;
  $("in-app").hidden = false;
  const dims = await get("/insights/dimensions" + query({ since: "26w" }));
  for (const d of DIMENSIONS) {
    const select = /** @type {HTMLSelectElement} */ ($("in-f-" + d));
    clear(select);
    add(select, h("option", { value: "" }, "All"));
    for (const v of dims.values[d] || []) add(select, h("option", { value: v }, v));
  }
  await Promise.all([refresh(), lists()]);
}

// Bumped on every change of the filters: a response to an older request is dropped, so a
// slow answer for the previous filters never draws over the current ones.
let asked = 0;

async function refresh() {
  const mine = asked;
  const q = query(filters);
  const [overview, quality] = await Promise.all([
    get("/insights/overview" + q),
    get("/insights/quality" + query({ ...filters, by })),
  ]);
  if (mine !== asked) return;
  const t = overview.totals;
  const stats = [
    ["Drafts acted on", String(t.volume)],
    ["Accepted as drafted", percent(t.rates.accepted)],
    ["Edited, then sent", percent(t.rates.edited)],
    ["Rejected", percent(t.rates.rejected)],
    ["Mean edit distance", overview.edit_distance == null ? "–" : overview.edit_distance + " chars"],
    ["Sent past the gate", String(overview.bypasses)],
  ];
  const box = $("in-stats");
  clear(box);
  for (const [label, value] of stats) add(box, h("div", { class: "in-stat" }, h("span", { class: "in-stat-value" }, value), h("span", { class: "in-stat-label" }, label)));
  draw("trend", trendConfig(overview.trend));
  draw("similarity", similarityConfig(overview.similarity_bins));
  draw("mix", mixConfig(quality.rows));
  table(quality.rows);
  await escalations();
}

async function escalations() {
  const by = /** @type {HTMLSelectElement} */ ($("in-esc-by")).value;
  const mine = asked;
  const found = await get("/insights/escalations" + query({ ...filters, by }));
  if (mine !== asked) return;
  const body = $("in-esc-body");
  clear(body);
  if (!found.rows.length) add(body, h("tr", null, h("td", { colspan: "8", class: "in-empty" }, "No escalations in this period.")));
  const older = $("in-esc-older");
  older.textContent = found.left_out ? `${found.left_out} older escalations are left out: topics are found for the newest 1,000.` : "";
  older.hidden = !found.left_out;
  for (const r of found.rows) {
    const key = r.key || (by === "topic" ? "(no shared topic)" : "(unknown)");
    add(body, h("tr", null, h("td", null, key), h("td", { class: "in-num" }, String(r.escalations)),
      h("td", { class: "in-num" }, String(r.held)), h("td", { class: "in-num" }, String(r.sent_back)),
      h("td", { class: "in-num" }, String(r.rerouted)), h("td", { class: "in-num" }, String(r.unseen)),
      h("td", { class: "in-num" }, percent(r.wrong_rate)), h("td", { class: "in-num" }, `${r.from_history} of ${r.escalations}`)));
  }
}

/** @param {any[]} rows */
function table(rows) {
  const body = $("in-table-body");
  clear(body);
  $("in-table-by").textContent = by.replace("_", " ");
  for (const r of rows) {
    const sim = r.similarity ? r.similarity.median.toFixed(2) : "–";
    const speed = r.review_seconds ? Math.round(r.review_seconds.median) + " s" : "–";
    add(body, h("tr", { class: "in-row", tabindex: "0", title: "Show these drafts", onclick: () => drill(r.key), onkeydown: (/** @type {KeyboardEvent} */ e) => { if (e.key === "Enter") drill(r.key); } },
      h("td", null, r.key || "(unknown)"), h("td", { class: "in-num" }, String(r.volume)),
      h("td", { class: "in-num" }, percent(r.rates.accepted)), h("td", { class: "in-num" }, percent(r.rates.edited)),
      h("td", { class: "in-num" }, percent(r.rates.rejected)), h("td", { class: "in-num" }, percent(r.rates.escalated)),
      h("td", { class: "in-num" }, sim), h("td", { class: "in-num" }, speed)));
  }
}

/** @param {string} key */
async function drill(key) {
  const found = await get("/insights/drafts" + query({ ...filters, [by]: key }));
  const panel = $("in-drill");
  clear(panel);
  add(panel, h("h3", { class: "in-h3" }, `Drafts for ${by.replace("_", " ")} “${key || "(unknown)"}” · ${found.total}`));
  const list = h("ul", { class: "in-drafts" });
  for (const d of found.drafts) {
    add(list, h("li", null, h("button", { type: "button", class: "in-link", onclick: () => showDraft(d.id) }, d.ticket_id),
      ` ${d.action} · ${d.agent || "unverified"} · ${d.similarity == null ? "not sent" : "similarity " + d.similarity.toFixed(2)} · ${d.at.slice(0, 10)}`));
  }
  add(panel, list);
  panel.hidden = false;
}

/** @param {string} id */
async function showDraft(id) {
  const d = await get("/insights/drafts/" + encodeURIComponent(id));
  const panel = $("in-drill");
  const old = panel.querySelector(".in-draft");
  if (old) old.remove();
  add(panel, h("div", { class: "in-draft" },
    h("h4", null, "Draft (as stored, customer details as placeholders)"), h("p", { class: "in-text" }, d.draft_text),
    h("h4", null, "Sent"), h("p", { class: "in-text" }, d.sent_text || "Nothing was sent.")));
}

/** @type {ReturnType<typeof setTimeout> | undefined} */
let pollTimer;
let polls = 0;

async function lists() {
  clearTimeout(pollTimer);
  const mine = asked;
  const found = await get("/insights/lists" + query(filters));
  if (mine !== asked) return;
  const root = $("in-lists");
  clear(root);
  const status = listsStatus(found.age_seconds, found.refreshing);
  add(root, h("p", { class: "in-fresh" + (status.busy ? " in-busy" : ""), id: "in-fresh", role: "status" }, status.text));
  const scope = scopeNote(found.covers, found.narrowed);
  if (scope) add(root, h("p", { class: "in-scope", id: "in-scope" }, scope));
  polls = status.busy ? polls + 1 : 0;
  if (status.busy && polls <= POLLS) pollTimer = setTimeout(() => { lists().catch(() => {}); }, POLL_MS);
  for (const [name, title, lead] of LISTS) {
    const mine = found.items.filter((/** @type {any} */ i) => i.list === name);
    const open = mine.filter((/** @type {any} */ i) => !i.done).length;
    const list = h("ul", { class: "in-items" });
    for (const item of mine) add(list, entry(item));
    if (!mine.length) add(list, h("li", { class: "in-empty" }, found.narrowed && Object.keys(found.narrowed.filters).length ? "Nothing here for these filters." : "Nothing here in this period."));
    add(root, h("section", { class: "pv-card in-list" }, h("h3", { class: "in-h3" }, title, h("span", { class: "in-count" }, String(open))),
      h("p", { class: "in-lead" }, lead), list));
  }
}

/** @param {any} item */
function entry(item) {
  const d = item.details;
  const figure = {
    revision: () => `${percent(d.rate)} of ${d.cited} cited sentences edited away` + judgedNote("revision", d),
    coaching: () => `${d.rejected} of ${d.drafts} rejected (${percent(d.low)}–${percent(d.high)}) against ${percent(d.tenant_rate)}` + judgedNote("coaching", d),
    policy: () => `${d.agent || "unverified agent"} · review ${d.review_status || "none"} · ${String(d.at).slice(0, 10)}`,
    gap: () => `${d.size} ticket${d.size === 1 ? "" : "s"}, ${d.trend}`,
  }[/** @type {"revision" | "coaching" | "policy" | "gap"} */ (item.list)]();
  const box = /** @type {HTMLInputElement} */ (h("input", { type: "checkbox", checked: item.done, "aria-label": "Done: " + item.title }));
  box.addEventListener("change", async () => {
    box.disabled = true;
    try { await client.post(`/insights/items/${item.id}/done`, { done: box.checked }); await lists(); } catch { box.checked = !box.checked; box.disabled = false; }
  });
  const example = d.examples && d.examples[0] ? (d.examples[0].text || d.examples[0].cited || "") : "";
  return h("li", { class: "in-item" + (item.done ? " in-done" : "") }, box,
    h("div", { class: "in-item-body" }, h("strong", null, item.title), h("span", { class: "in-figure" }, figure),
      example ? h("span", { class: "in-example" }, "“" + example + "”") : null));
}

$("in-signin-form").addEventListener("submit", (e) => {
  e.preventDefault();
  token = /** @type {HTMLInputElement} */ ($("in-token")).value.trim();
  try { sessionStorage.setItem(TOKEN_KEY, token); } catch { /* memory only */ }
  start().catch(() => {});
});
$("in-filters").addEventListener("change", (e) => {
  const el = /** @type {HTMLInputElement} */ (e.target);
  if (el.name === "by") by = el.value;
  else if (el.name === "since") { filters.since = el.value; delete filters.from; delete filters.to; }
  else filters[el.name] = el.value;
  if (el.name === "from" || el.name === "to") delete filters.since;
  asked += 1;
  refresh().catch(() => {});
  lists().catch(() => {});
});
$("in-esc-by").addEventListener("change", () => { escalations().catch(() => {}); });
$("in-signout").addEventListener("click", () => {
  token = "";
  clearTimeout(pollTimer);
  try { sessionStorage.removeItem(TOKEN_KEY); } catch { /* nothing kept */ }
  signedOut();
});
if (token) start().catch(() => signedOut()); else signedOut();
