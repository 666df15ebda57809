// @ts-check
/**
 * Precedent review queue: the credentialed reviewer's page (/review). Built into
 * backend/static/review.js by `npm run build:ui` (app_manifest/).
 *
 * Sign in with a personal access token (kept in sessionStorage, sent as a Bearer token),
 * then read and decide the gated drafts your credentials cover. The server checks every
 * permission; this page only shows what it answers. Server text is always set with
 * textContent / createTextNode, never innerHTML.
 */
import { add, clear, h } from "../shared/dom.js";
import { sentence, str } from "../shared/text.js";
import { reviewClient, tokenStore } from "./api.js";
import { decisionPanel, lockDecision, showAlert as showAlertIn, showBusy, showEditor } from "./decision.js";
import { decidedView, detailView, isPending } from "./detail.js";
import { icon } from "./icons.js";
import { renderQueue as renderQueueList, renderReviewer } from "./panel.js";
import { ageSeconds, decisionDone, queueSelection, removeReview } from "./queue.js";
import { ageTag, errorBox, placeholder, skeletonCard, toast } from "./views.js";

/** @typedef {import("./queue.js").ReviewItem} ReviewItem */
/** @typedef {import("./queue.js").Reviewer} Reviewer */
/** @typedef {import("../shared/gate.js").Rule} Rule */
/** @typedef {import("../shared/api.js").ApiError} ApiError */

const QUEUE_REFRESH_MS = 30000;

const body = document.body;
const apiBase = body.getAttribute("data-api-base") || "/api/v1";
/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const els = {
  signin: $("rv-signin"), form: $("rv-signin-form"), token: /** @type {HTMLInputElement} */ ($("rv-token")), toggle: $("rv-token-toggle"),
  signinError: $("rv-signin-error"), signinErrorTitle: $("rv-signin-error-title"), signinErrorText: $("rv-signin-error-text"),
  submit: /** @type {HTMLButtonElement} */ ($("rv-signin-submit")),
  app: $("rv-app"), who: $("rv-who"), whoAvatar: $("rv-who-avatar"), whoName: $("rv-who-name"), whoCreds: $("rv-who-creds"),
  signout: $("rv-signout"), queue: $("rv-queue"), count: $("rv-count"), refresh: $("rv-refresh"), queueSub: $("rv-queue-sub"),
  creds: $("rv-creds"), detail: $("rv-detail"), main: $("rv-main"), toasts: $("rv-toasts"), live: $("rv-live"),
};

const tokens = tokenStore();

/**
 * The page's state. `loadToken` / `queueToken` number the detail and queue loads: an
 * answer for an older load is dropped.
 * @type {{ token: string, reviewer: Reviewer | null, reviews: ReviewItem[], superseded: ReviewItem[], fetchedAt: number,
 *   selected: string | null, item: any, loadToken: number, queueToken: number, busy: boolean, editing: boolean }}
 */
const state = {
  token: tokens.read(),
  reviewer: null,
  reviews: [],
  superseded: [], // replaced by a newer draft of their ticket: listed apart, with a link
  fetchedAt: 0,
  selected: null,
  item: null,
  loadToken: 0,
  queueToken: 0,
  busy: false, // a decision is being sent
  editing: false,
};

/**
 * Elements of the current detail view.
 * @type {{ textEl?: HTMLElement, draftBody?: HTMLElement, editor?: HTMLElement, editArea?: HTMLTextAreaElement,
 *   editingTag?: HTMLElement, cards?: Map<number, HTMLElement>, draftText?: string, note?: HTMLTextAreaElement,
 *   noteError?: HTMLElement, alert?: HTMLElement, locked?: boolean,
 *   buttons?: Record<"approve" | "edit" | "saveEdit" | "cancelEdit" | "reject", HTMLButtonElement> }}
 */
let ui = {};
/** @type {ReturnType<typeof setInterval> | null} */
let refreshTimer = null;
/** @type {ReturnType<typeof setInterval> | null} */
let ageTimer = null;

const client = reviewClient(apiBase, () => state.token);

/* ------------------------------------------------------------ helpers */

/** @param {string} text */
function announce(text) {
  els.live.textContent = "";
  setTimeout(() => { els.live.textContent = text; }, 30);
}

/** @param {ReviewItem} item */
const ageOf = (item) => ageSeconds(item, state.fetchedAt, Date.now());

/** @param {ReviewItem} item @param {string | null} [cls] */
const ageEl = (item, cls) => ageTag(item, ageOf(item), cls);

/** @param {string} text @param {string} [tone] @param {string} [detail] */
const notify = (text, tone, detail) => toast(els.toasts, text, tone, detail);

function clearHash() {
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);
}

/* ------------------------------------------------------------ views */

/** @param {"signin" | "app"} name */
function showView(name) {
  body.setAttribute("data-view", name);
  els.signin.hidden = name !== "signin";
  els.app.hidden = name !== "app";
  els.who.hidden = name !== "app" || !state.reviewer;
  els.signout.hidden = name !== "app";
}

/** @param {string | null} text @param {string} [title] */
function showSignIn(text, title) {
  stopTimers();
  state.token = "";
  state.reviewer = null;
  state.reviews = [];
  state.selected = null;
  state.item = null;
  state.loadToken++;
  state.queueToken++;
  tokens.write("");
  ui = {};
  clear(els.detail);
  clear(els.queue);
  clear(els.creds);
  clear(els.toasts);
  showView("signin");
  els.submit.disabled = false;
  clear(els.submit);
  add(els.submit, "Sign in");
  if (text) {
    els.signinErrorTitle.textContent = title || "Signed out";
    els.signinErrorText.textContent = sentence(text);
    els.signinError.hidden = false;
  } else els.signinError.hidden = true;
  els.token.value = "";
  els.token.removeAttribute("aria-invalid");
  clearHash();
  document.title = "Precedent \u00b7 Review queue";
  setTimeout(() => els.token.focus(), 0);
}

function signOut() {
  showSignIn(null);
  announce("Signed out. Your token was removed from this tab.");
}

/** Any 401 ends the session: back to sign-in with the server's message. @param {ApiError} err */
function handleAuth(err) {
  if (err && err.status === 401) {
    showSignIn(err.message || "Your reviewer token was not accepted.", "Please sign in again");
    return true;
  }
  return false;
}

/* ------------------------------------------------------------ sign-in */

/** @param {Event} e */
function submitSignIn(e) {
  e.preventDefault();
  const token = els.token.value.trim();
  if (!token) {
    els.token.setAttribute("aria-invalid", "true");
    els.signinErrorTitle.textContent = "Token required";
    els.signinErrorText.textContent = "Paste your personal access token to sign in.";
    els.signinError.hidden = false;
    els.token.focus();
    return;
  }
  els.token.removeAttribute("aria-invalid");
  els.signinError.hidden = true;
  els.submit.disabled = true;
  clear(els.submit);
  add(els.submit, [h("span", { class: "pv-spin", "aria-hidden": "true" }), "Signing in\u2026"]);
  state.token = token;
  client.get("/reviews").then((data) => {
    tokens.write(token);
    els.token.value = "";
    enterApp(data);
    announce("Signed in as " + str(state.reviewer && state.reviewer.name));
  }, (err) => {
    state.token = "";
    els.submit.disabled = false;
    clear(els.submit);
    add(els.submit, "Sign in");
    els.signinErrorTitle.textContent = err.status === 401 ? "Token not accepted" : "Could not sign in";
    els.signinErrorText.textContent = sentence(err.message);
    els.signinError.hidden = false;
    if (err.status === 401) els.token.setAttribute("aria-invalid", "true");
    els.token.focus();
    els.token.select();
  });
}

/* ------------------------------------------------------------ app */

/** @param {any} data */
function enterApp(data) {
  showView("app");
  applyQueue(data, { initial: true });
  startTimers();
}

function startTimers() {
  stopTimers();
  refreshTimer = setInterval(() => {
    if (document.visibilityState === "visible" && !state.busy) loadQueue({ quiet: true });
  }, QUEUE_REFRESH_MS);
  ageTimer = setInterval(updateAges, 30000);
}

function stopTimers() {
  if (refreshTimer) clearInterval(refreshTimer);
  if (ageTimer) clearInterval(ageTimer);
  refreshTimer = ageTimer = null;
}

/** @typedef {{ quiet?: boolean, initial?: boolean, afterDecision?: boolean }} QueueOptions */

/** @param {QueueOptions} [options] */
function loadQueue(options) {
  const o = options || {};
  const my = ++state.queueToken;
  els.queue.setAttribute("aria-busy", "true");
  els.refresh.classList.add("rv-spinning");
  if (!state.reviews.length && !o.quiet) renderQueueSkeleton();
  return client.get("/reviews").then((data) => {
    if (my !== state.queueToken) return;
    applyQueue(data, o);
  }, (err) => {
    if (my !== state.queueToken) return;
    if (handleAuth(err)) return;
    if (o.quiet && state.reviews.length) {
      els.queueSub.textContent = "Could not refresh: " + str(err.message);
      return;
    }
    clear(els.queue);
    els.queue.appendChild(h("div", { class: "pv-list-empty" }, errorBox("Could not load your queue", err, () => { loadQueue(); })));
  }).then(() => {
    if (my === state.queueToken) {
      els.queue.setAttribute("aria-busy", "false");
      els.refresh.classList.remove("rv-spinning");
    }
  });
}

function renderQueueSkeleton() {
  clear(els.queue);
  for (let i = 0; i < 3; i++) els.queue.appendChild(h("div", { class: "pv-skel", "aria-hidden": "true" }, h("span"), h("span"), h("span")));
}

/** @param {any} data @param {QueueOptions} [o] */
function applyQueue(data, o) {
  const opts = o || {};
  state.reviewer = data && data.reviewer ? data.reviewer : state.reviewer;
  state.reviews = data && Array.isArray(data.reviews) ? data.reviews : [];
  state.superseded = data && Array.isArray(data.superseded) ? data.superseded : [];
  state.fetchedAt = Date.now();
  els.queue.setAttribute("aria-busy", "false");
  els.refresh.classList.remove("rv-spinning");
  els.queueSub.textContent = "Urgent first, then oldest \u00b7 only items your credentials cover";
  renderReviewer(els, state.reviewer);
  renderQueue();
  const next = queueSelection({
    ids: state.reviews.map((r) => str(r.id)),
    selected: state.selected,
    hashId: opts.initial ? decodeURIComponent(location.hash.replace(/^#review-/, "").replace(/^#/, "")) : "",
    initial: !!opts.initial,
    openPending: !!(state.item && state.item.status === "pending"),
    afterDecision: !!opts.afterDecision,
    hasItem: !!state.item,
  });
  if (next.gone) noteGone();
  if (next.select) select(next.select);
  else if (next.empty) renderEmptyDetail();
}

function renderQueue() {
  renderQueueList(els, state.reviews, state.selected, ageOf, select, state.superseded);
}

function updateAges() {
  for (const r of state.reviews) {
    document.querySelectorAll('[data-age-for="' + CSS.escape(str(r.id)) + '"]').forEach((el) => {
      el.replaceWith(ageEl(r, el.classList.contains("rv-item-age") ? "rv-item-age" : el.classList.contains("rv-head-age") ? "rv-head-age" : null));
    });
  }
}

function markSelected() {
  els.queue.querySelectorAll(".rv-item").forEach((b) => {
    b.setAttribute("aria-current", b.getAttribute("data-id") === state.selected ? "true" : "false");
  });
}

/* ------------------------------------------------------------ detail */

function renderEmptyDetail() {
  ui = {};
  state.selected = null;
  state.item = null;
  clear(els.detail);
  els.detail.appendChild(placeholder("check", "All caught up",
    "Nothing is waiting for your review. Drafts that need a reviewer with your credentials appear in the queue on the left."));
  clearHash();
}

/** @param {string} id @param {{ focus?: boolean }} [options] */
function select(id, options) {
  const o = options || {};
  if (state.busy) return;
  if (state.editing && ui.editArea && ui.editArea.value !== ui.draftText && id !== state.selected &&
    !window.confirm("Discard your edits to this draft?")) {
    markSelected();
    return;
  }
  state.selected = id;
  state.item = null;
  state.editing = false;
  markSelected();
  history.replaceState(null, "", "#review-" + encodeURIComponent(id));
  const my = ++state.loadToken;
  ui = {};
  clear(els.detail);
  els.detail.appendChild(h("div", { class: "rv-detail-skel", "aria-hidden": "true" }, skeletonCard(4), skeletonCard(3)));
  els.detail.setAttribute("aria-busy", "true");
  client.get("/reviews/" + encodeURIComponent(id)).then((item) => {
    if (my !== state.loadToken) return;
    state.item = item;
    renderDetail(item);
    if (o.focus) els.main.focus({ preventScroll: true });
  }, (err) => {
    if (my !== state.loadToken) return;
    if (handleAuth(err)) return;
    ui = {};
    clear(els.detail);
    els.detail.appendChild(errorBox(err.status === 403 ? "You cannot open review #" + id : "Could not open review #" + id, err,
      err.status === 403 || err.status === 404 ? null : () => select(id), "rv-detail-error"));
  }).then(() => {
    if (my === state.loadToken) els.detail.setAttribute("aria-busy", "false");
  });
}

/** @param {any} item */
/* ------------------------------------------------------------ decision */

/** @param {any} item */
function renderDetail(item) {
  clear(els.detail);
  document.title = "Ticket " + str(item.ticket_id || (item.ticket || {}).id) + " \u00b7 Precedent review";
  const panel = isPending(item)
    ? decisionPanel(item, state.reviewer, { decide, startEdit, stopEdit })
    : { section: decidedView(item, (id) => select(id, { focus: true })), refs: {} };
  const view = detailView(item, panel.section, ageOf);
  add(els.detail, view.nodes);
  ui = { ...view.refs, ...panel.refs };
}

/** @param {boolean} on */
function editing(on) {
  state.editing = on;
  if (ui.buttons && ui.editor) showEditor(/** @type {any} */ (ui), on);
}

/** @param {string} tone @param {string} title @param {unknown} text @param {Node} [actions] */
function showAlert(tone, title, text, actions) {
  showAlertIn(ui.alert, tone, title, text, actions);
}

/** @param {boolean} on @param {string} [action] */
function setBusy(on, action) {
  state.busy = on;
  showBusy(ui, on, action, els);
}

function startEdit() {
  if (!ui.editor || !ui.editArea || state.busy) return;
  ui.editArea.value = ui.draftText || "";
  editing(true);
  ui.editArea.focus();
  ui.editArea.setSelectionRange(0, 0);
  ui.editArea.scrollTop = 0;
  announce("Editing the draft. Approve edited draft when you are done.");
}

function stopEdit() {
  if (!ui.editor || !ui.editArea || !ui.buttons || state.busy) return;
  editing(false);
  ui.editArea.removeAttribute("aria-invalid");
  ui.buttons.edit.focus();
  announce("Edit cancelled. The original draft is shown.");
}

/** @param {"approve" | "edit_and_approve" | "reject"} action */
function decide(action) {
  const item = state.item;
  if (!item || state.busy || ui.locked || !ui.note || !ui.noteError || !ui.editArea) return;
  const note = ui.note.value.trim();
  /** @type {{ action: string, note: string, text?: string }} */
  const payload = { action, note };
  if (action === "reject" && !note) {
    ui.note.setAttribute("aria-invalid", "true");
    ui.note.setAttribute("aria-describedby", "rv-note-error rv-note-hint");
    ui.noteError.textContent = "Add a note explaining why you reject this draft.";
    ui.noteError.hidden = false;
    ui.note.focus();
    announce("A note is required to reject.");
    return;
  }
  if (action === "edit_and_approve") {
    const text = ui.editArea.value;
    if (!text.trim()) {
      ui.editArea.setAttribute("aria-invalid", "true");
      ui.editArea.focus();
      showAlert("warn", "The edited draft is empty", "Write the reply you approve, or cancel the edit.");
      return;
    }
    ui.editArea.removeAttribute("aria-invalid");
    payload.text = text;
  }
  if (ui.alert) ui.alert.hidden = true;
  const id = str(item.id);
  const my = state.loadToken;
  setBusy(true, action);
  client.post("/reviews/" + encodeURIComponent(id) + "/decision", payload).then((updated) => {
    setBusy(false);
    if (my !== state.loadToken) return;
    const done = decisionDone(action, updated && updated.status, id);
    notify(done.verb + " \u00b7 ticket " + str(item.ticket_id), done.tone, done.detail);
    announce(done.verb + " review " + id + " for ticket " + str(item.ticket_id) + ".");
    removeAndAdvance(id);
  }, (err) => {
    setBusy(false);
    if (my !== state.loadToken) return;
    if (handleAuth(err)) return;
    if (err.status === 403) {
      lockDecision(ui);
      showAlert("error", "You cannot decide this review", err.message || "Your credentials do not cover this item.");
      if (ui.alert) ui.alert.focus({ preventScroll: true });
      announce("Refused: " + str(err.message));
      return;
    }
    if (err.status === 409) {
      lockDecision(ui);
      showAlert("warn", "Already decided", err.message || "Someone already decided this review.", nextButton(id));
      notify("Review #" + id + " was already decided", "warn", sentence(err.message));
      loadQueue({ quiet: true, afterDecision: true });
      return;
    }
    showAlert("error", err.status === 400 ? "The decision was not accepted" : "Could not send your decision", err.message);
  });
}

/** "Next item", for a review that is gone or decided. @param {string} id */
function nextButton(id) {
  return h("div", { class: "rv-alert-actions" },
    h("button", { type: "button", class: "pv-btn pv-btn-secondary", onclick: () => removeAndAdvance(id) }, "Next item", icon("arrow")));
}

/** @param {string} id */
function removeAndAdvance(id) {
  state.editing = false;
  const { reviews, next } = removeReview(state.reviews, id);
  state.reviews = reviews;
  renderQueue();
  state.selected = null;
  state.item = null;
  if (next) select(str(next.id), { focus: true });
  else {
    renderEmptyDetail();
    els.main.focus({ preventScroll: true });
  }
}

function noteGone() {
  if (!ui.alert || ui.locked) return;
  showAlert("warn", "No longer in your queue", "Another reviewer may have decided it, or your credentials changed. Deciding it may be refused.",
    nextButton(/** @type {string} */ (state.selected)));
}

/* ------------------------------------------------------------ wiring */

els.form.addEventListener("submit", submitSignIn);
els.toggle.addEventListener("click", () => {
  const show = els.token.type === "password";
  els.token.type = show ? "text" : "password";
  els.toggle.textContent = show ? "Hide" : "Show";
  els.toggle.setAttribute("aria-pressed", show ? "true" : "false");
  els.token.focus();
});
els.token.addEventListener("input", () => els.token.removeAttribute("aria-invalid"));
els.signout.addEventListener("click", signOut);
els.refresh.addEventListener("click", () => { loadQueue({ quiet: !!state.reviews.length }); });
els.queue.addEventListener("keydown", (e) => {
  if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
  const buttons = /** @type {HTMLElement[]} */ (Array.from(els.queue.querySelectorAll(".rv-item")));
  const i = buttons.indexOf(/** @type {HTMLElement} */ (document.activeElement));
  if (i < 0) return;
  e.preventDefault();
  buttons[Math.max(0, Math.min(buttons.length - 1, i + (e.key === "ArrowDown" ? 1 : -1)))].focus();
});
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && body.getAttribute("data-view") === "app" && !state.busy) loadQueue({ quiet: true });
});
window.addEventListener("beforeunload", (e) => {
  if (state.editing && ui.editArea && ui.editArea.value !== ui.draftText) {
    e.preventDefault();
    e.returnValue = "";
  }
});

if (state.token) {
  showView("app");
  renderQueueSkeleton();
  clear(els.detail);
  els.detail.appendChild(h("div", { class: "rv-detail-skel", "aria-hidden": "true" }, skeletonCard(4)));
  client.get("/reviews").then(enterApp, (err) => {
    if (handleAuth(err)) return;
    showView("app");
    startTimers();
    clear(els.queue);
    els.queue.appendChild(h("div", { class: "pv-list-empty" }, errorBox("Could not load your queue", err, () => { loadQueue({ initial: true }); })));
    clear(els.detail);
    els.detail.appendChild(placeholder("inbox", "Queue unavailable", "Precedent could not be reached. Try again in a moment."));
  });
} else {
  showSignIn(null);
}
