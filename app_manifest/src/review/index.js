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
import { add, clear, h, reducedMotion } from "../shared/dom.js";
import { domainLabel, normalizeRules, ruleLabel, ruleWhy } from "../shared/gate.js";
import { citationCard, citedText, domainPill, highlight, safetyNotice } from "../shared/render.js";
import { sentence, str } from "../shared/text.js";
import { reviewClient, tokenStore } from "./api.js";
import { icon } from "./icons.js";
import {
  ageSeconds, credentialStatus, decisionCoverage, decisionDone, foundText, initials, longAge,
  queueSelection, removeReview, today,
} from "./queue.js";
import {
  absolute, ageTag, domainPills, errorBox, formatDay, jurisTag, message, placeholder, skeletonCard, toast,
} from "./views.js";

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
 * @type {{ token: string, reviewer: Reviewer | null, reviews: ReviewItem[], fetchedAt: number,
 *   selected: string | null, item: any, loadToken: number, queueToken: number, busy: boolean, editing: boolean }}
 */
const state = {
  token: tokens.read(),
  reviewer: null,
  reviews: [],
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

/** @param {HTMLElement} el @param {ScrollLogicalPosition} block */
function scrollTo(el, block) {
  el.scrollIntoView({ behavior: reducedMotion() ? "auto" : "smooth", block });
}

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
  state.fetchedAt = Date.now();
  els.queue.setAttribute("aria-busy", "false");
  els.refresh.classList.remove("rv-spinning");
  els.queueSub.textContent = "Urgent first, then oldest \u00b7 only items your credentials cover";
  renderReviewer();
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

function renderReviewer() {
  /** @type {Reviewer} */
  const r = state.reviewer || {};
  const creds = Array.isArray(r.credentials) ? r.credentials : [];
  const day = today();
  els.whoAvatar.textContent = initials(r.name || r.email);
  els.whoName.textContent = str(r.name) || str(r.email) || "Reviewer";
  els.who.title = [str(r.name), str(r.email)].filter(Boolean).join(" \u00b7 ");
  clear(els.whoCreds);
  const expired = creds.filter((c) => credentialStatus(c, day).expired).length;
  add(els.whoCreds, [
    str(r.email) ? h("span", { text: str(r.email) }) : null,
    expired ? h("span", { class: "rv-who-warn" }, icon("warn"), expired + (expired === 1 ? " licence expired" : " licences expired")) : null,
  ]);
  els.who.hidden = false;

  clear(els.creds);
  if (!creds.length) {
    els.creds.appendChild(h("li", { class: "rv-cred rv-cred-none", text: "No credentials on file. Ask your administrator to add your licences." }));
    return;
  }
  for (const c of creds) {
    const st = credentialStatus(c, day);
    const juris = Array.isArray(c.jurisdictions) ? c.jurisdictions : [];
    els.creds.appendChild(h("li", { class: "rv-cred" + (st.expired ? " rv-cred-expired" : st.soon ? " rv-cred-soon" : "") },
      h("div", { class: "rv-cred-top" },
        domainPill(c.domain),
        h("span", { class: "rv-cred-licence pv-mono", title: "Licence", text: str(c.licence_id) })),
      h("div", { class: "rv-cred-juris", "aria-label": "Jurisdictions" },
        juris.length ? juris.map((j) => h("span", { class: "pv-tag", text: str(j) })) : h("span", { class: "rv-muted", text: "No jurisdictions" })),
      h("div", { class: "rv-cred-exp" },
        st.expired ? icon("warn") : icon("license"),
        st.expired ? h("span", null, h("strong", { text: "Expired" }), " on " + formatDay(c.expires_on) + ". You cannot decide " + domainLabel(c.domain).toLowerCase() + " items with it.")
          : st.soon ? h("span", null, h("strong", { text: "Expires " + (st.days === 0 ? "today" : "in " + st.days + (st.days === 1 ? " day" : " days")) }), " \u00b7 " + formatDay(c.expires_on))
            : h("span", { text: "Valid until " + formatDay(c.expires_on) }))));
  }
}

function renderQueue() {
  const list = state.reviews;
  const active = document.activeElement;
  const focusId = active && active.classList && active.classList.contains("rv-item") ? active.getAttribute("data-id") : null;
  els.count.textContent = String(list.length);
  els.count.hidden = false;
  clear(els.queue);
  if (focusId) {
    setTimeout(() => {
      const again = /** @type {HTMLElement | null} */ (els.queue.querySelector('.rv-item[data-id="' + CSS.escape(focusId) + '"]') || els.queue.querySelector(".rv-item"));
      if (again) again.focus({ preventScroll: true });
    }, 0);
  }
  if (!list.length) {
    els.queue.appendChild(h("div", { class: "rv-queue-empty" },
      h("span", { class: "rv-queue-empty-icon" }, icon("check")),
      h("strong", { text: "Nothing waiting for you" }),
      h("span", { text: "Only drafts in the domains and jurisdictions your valid credentials cover appear here. New items show up automatically." })));
    return;
  }
  els.queue.appendChild(h("ul", { class: "pv-tickets rv-items" }, list.map((r) => {
    const id = str(r.id);
    const domains = Array.isArray(r.domains) ? r.domains : [];
    return h("li", null, h("button", {
      type: "button", class: "pv-ticket rv-item" + (r.urgent ? " rv-item-urgent" : ""), "data-id": id,
      "aria-current": id === state.selected ? "true" : "false",
      "aria-label": (r.urgent ? "Urgent: someone may be in danger. " : "") + "Ticket " + str(r.ticket_id) + ", " + domains.map(domainLabel).join(" and ") + ", " +
        (r.jurisdiction || "jurisdiction unknown") + ", waiting " + longAge(ageOf(r)),
      onclick: () => select(id),
    },
    h("span", { class: "pv-ticket-top" },
      r.urgent ? h("span", { class: "rv-urgent-tag", text: "Urgent" }) : null,
      h("span", { class: "pv-mono rv-item-ticket", text: str(r.ticket_id) || "(no ticket)" }),
      h("span", { class: "rv-item-id", text: "#" + id }),
      ageEl(r, "rv-item-age")),
    h("span", { class: "pv-ticket-meta rv-item-meta" }, domainPills(domains, true), jurisTag(r.jurisdiction))));
  })));
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
function renderDetail(item) {
  clear(els.detail);
  ui = {};
  const id = str(item.id);
  const ticket = item.ticket || {};
  const draft = item.draft || {};
  const rules = normalizeRules(item.rules);
  const citations = (Array.isArray(draft.citations) ? draft.citations : []).slice()
    .sort((/** @type {any} */ a, /** @type {any} */ b) => Number(a.marker) - Number(b.marker));
  const pending = str(item.status || "pending") === "pending";
  document.title = "Ticket " + str(item.ticket_id || ticket.id) + " \u00b7 Precedent review";

  /* header */
  const statusEl = pending
    ? h("span", { class: "rv-status rv-status-pending" }, icon("clock"), "Awaiting your review")
    : h("span", { class: "rv-status rv-status-" + (item.status === "approved" ? "approved" : "rejected") },
      icon(item.status === "approved" ? "check" : "ban"), item.status === "approved" ? "Approved" : sentence(item.status));
  const header = h("header", { class: "pv-card pv-ticket-head rv-head" },
    h("div", { class: "pv-ticket-head-text" },
      h("div", { class: "pv-eyebrow" },
        h("span", { class: "pv-mono", text: "Review #" + id }),
        h("span", { "aria-hidden": "true", text: "\u00b7" }),
        h("span", { class: "pv-mono", text: "Ticket " + str(item.ticket_id || ticket.id) }),
        statusEl,
        pending ? ageEl(item, "rv-head-age") : null),
      h("h2", { class: "pv-subject", id: "rv-subject", text: str(ticket.subject) || "(no subject)" })),
    h("dl", { class: "pv-facts" },
      h("div", { class: "pv-fact" }, h("dt", { text: "Domains" }), h("dd", null, domainPills(item.domains))),
      h("div", { class: "pv-fact" }, h("dt", { text: "Jurisdiction" }), h("dd", null, jurisTag(item.jurisdiction))),
      h("div", { class: "pv-fact" }, h("dt", { text: "Flagged" }),
        h("dd", null, item.created_at ? h("time", { datetime: str(item.created_at), text: absolute(item.created_at) }) : h("span", { class: "pv-email", text: "Unknown" }))),
      h("div", { class: "pv-fact" }, h("dt", { text: "Draft" }), h("dd", null, h("span", { class: "pv-mono rv-draft-id", text: str(item.draft_id) })))));

  /* ticket */
  const comments = Array.isArray(ticket.comments) ? ticket.comments : [];
  const thread = h("ol", { class: "pv-thread", "aria-label": "Customer messages" },
    message("Customer", "Original request", ticket.body, "pv-msg-customer"),
    comments.map((/** @type {any} */ c) => message("Customer", "Follow-up", typeof c === "string" ? c : c && c.body, "pv-msg-customer")));
  const ticketHits = highlight(thread.querySelectorAll(".pv-msg-body"), rules, { source: "ticket", tone: "review", skip: ".pcd-sr" });

  /* draft */
  const textEl = h("div", { class: "pcd-text rv-draft-text" });
  /** @type {{ rules: Rule[], counts: number[] }} */
  let draftHits = { rules: [], counts: [] };
  if (str(draft.text).trim()) {
    citedText(textEl, draft.text, citations, focusSource);
    draftHits = highlight(textEl.querySelectorAll("p, li"), rules, { source: "draft", tone: "review" });
  } else textEl.appendChild(h("p", { class: "rv-muted", text: "The draft is empty." }));
  const editArea = h("textarea", { id: "rv-edit-text", class: "rv-textarea rv-edit-area", rows: "12", spellcheck: "true", "aria-describedby": "rv-edit-hint" });
  const editor = h("div", { class: "rv-editor", hidden: true },
    h("label", { class: "rv-label", for: "rv-edit-text", text: "Edited draft" }),
    editArea,
    h("p", { class: "rv-hint", id: "rv-edit-hint", text: "Keep the [n] markers on sentences that rely on a source; the agent sees your edited text once you approve it." }));
  const editingTag = h("span", { class: "rv-editing-tag", hidden: true }, icon("edit"), "Editing");
  const draftBody = h("div", { class: "pcd-root rv-draft-body" }, textEl);
  const draftCard = h("section", { class: "pv-card rv-draft", "aria-labelledby": "rv-draft-title" },
    h("div", { class: "rv-card-head" },
      h("h3", { class: "rv-card-title", id: "rv-draft-title", text: "Draft reply" }),
      h("span", { class: "rv-card-sub", text: citations.length ? citations.length + (citations.length === 1 ? " source cited" : " sources cited") : "No sources cited" }),
      editingTag),
    draftBody,
    editor);

  /* sources */
  /** @type {Map<number, HTMLElement>} */
  const cards = new Map();
  const sources = h("section", { class: "rv-sources", "aria-labelledby": "rv-sources-title" },
    h("h3", { class: "pv-section-title", id: "rv-sources-title" }, "Sources", h("span", { class: "pv-list-count", text: String(citations.length) })),
    h("div", { class: "pcd-root" }, citations.length
      ? h("ol", { class: "pcd-sources rv-source-grid" }, citations.map((/** @type {any} */ c) => {
        const card = citationCard(c, {
          onEnter: (n) => hotBadges(n, true),
          onLeave: (n) => hotBadges(n, false),
        });
        cards.set(Number(c.marker), card);
        return card;
      }))
      : h("p", { class: "pcd-muted pcd-none", text: "The draft cites no sources." })));

  /* flagged passages */
  const flagged = renderRules(rules, ticketHits, draftHits);

  /* decision */
  const decision = pending ? renderDecision(item) : renderDecided(item);

  const content = h("div", { class: "rv-content" },
    item.urgent ? h("div", { class: "pcd-root rv-safety" }, safetyNotice(item.instruction,
      "Act on this now, whatever you decide about the draft.")) : null,
    header,
    h("section", { class: "rv-ticket", "aria-labelledby": "rv-ticket-title" },
      h("h3", { class: "pv-section-title", id: "rv-ticket-title" }, "Ticket", h("span", { class: "rv-section-note", text: "what the customer wrote" })),
      thread),
    draftCard,
    sources);
  const aside = h("aside", { class: "rv-aside", "aria-label": "Flagged passages and decision" }, decision, flagged);
  add(els.detail, [content, aside]);

  Object.assign(ui, { textEl, draftBody, editor, editArea, editingTag, cards, draftText: str(draft.text) });
}

/** @param {number} marker @param {boolean} on */
function hotBadges(marker, on) {
  if (!ui.textEl) return;
  ui.textEl.querySelectorAll('.pcd-cite[data-marker="' + marker + '"]').forEach((b) => b.classList.toggle("pcd-cite-hot", on));
}

/** @param {number} marker */
function focusSource(marker) {
  const card = ui.cards && ui.cards.get(marker);
  if (!card || !ui.cards) return;
  ui.cards.forEach((c) => c.classList.remove("pcd-flash"));
  scrollTo(card, "nearest");
  void card.offsetWidth;
  card.classList.add("pcd-flash");
  try {
    card.focus({ preventScroll: true });
  } catch {
    card.focus();
  }
  setTimeout(() => card.classList.remove("pcd-flash"), 1800);
}

/**
 * @param {Rule[]} rules
 * @param {{ rules: Rule[], counts: number[] }} ticketHits
 * @param {{ rules: Rule[], counts: number[] }} draftHits
 */
function renderRules(rules, ticketHits, draftHits) {
  /** @param {Rule} r */
  const key = (r) => [r.rule, r.domain, r.source, r.text].join("\u0000");
  /** @param {Rule} rule */
  const count = (rule) => {
    const pool = rule.source === "ticket" ? ticketHits : draftHits;
    const at = pool.rules.findIndex((r) => key(r) === key(rule));
    return at >= 0 ? pool.counts[at] : 0;
  };
  const list = rules.filter((r) => r.rule || r.text);
  const card = h("section", { class: "pv-card rv-rules", "aria-labelledby": "rv-rules-title" },
    h("div", { class: "rv-card-head" },
      h("h3", { class: "rv-card-title", id: "rv-rules-title" }, icon("flag"), "Why it was flagged"),
      h("span", { class: "pv-list-count", text: String(list.length) })));
  if (!list.length) {
    card.appendChild(h("p", { class: "rv-rules-none", text: "The gate recorded no matched passages for this draft." }));
    return card;
  }
  card.appendChild(h("ul", { class: "rv-rule-list" }, list.map((r) => {
    const n = count(r);
    const inner = [
      h("span", { class: "rv-rule-head" },
        h("span", { class: "rv-rule-name", text: ruleLabel(r.rule) }),
        r.domain ? domainPill(r.domain, "pcd-domain-sm") : null,
        h("span", { class: "rv-rule-src rv-rule-src-" + (r.source === "ticket" ? "ticket" : "draft"), text: r.source === "ticket" ? "Ticket" : r.source === "draft" ? "Draft" : sentence(r.source) || "Text" })),
      r.text ? h("q", { class: "rv-rule-text", text: r.text.trim() }) : h("span", { class: "rv-muted", text: "Matched by similarity, no exact passage." }),
      h("span", { class: "rv-rule-why", text: ruleWhy(r) }),
      r.text ? h("span", { class: "rv-rule-found" + (n ? "" : " rv-rule-missing"), text: foundText(n, r.source) }) : null,
    ];
    return h("li", null, n
      ? h("button", { type: "button", class: "rv-rule", onclick: () => jumpTo(r), title: "Show this passage" }, inner)
      : h("div", { class: "rv-rule" }, inner));
  })));
  return card;
}

/** @param {Rule} rule */
function jumpTo(rule) {
  const scope = rule.source === "ticket" ? els.detail.querySelector(".pv-thread") : ui.textEl;
  if (!scope) return;
  const marks = Array.from(scope.querySelectorAll("mark.pcd-hit")).filter((m) =>
    (" " + (m.getAttribute("data-rules") || "") + " ").indexOf(" " + rule.rule + " ") >= 0);
  const target = /** @type {HTMLElement | undefined} */ (marks[0]);
  if (!target) return;
  scrollTo(target, "center");
  for (const m of marks) {
    m.classList.remove("rv-hit-flash");
    void (/** @type {HTMLElement} */ (m)).offsetWidth;
    m.classList.add("rv-hit-flash");
  }
  setTimeout(() => { marks.forEach((m) => m.classList.remove("rv-hit-flash")); }, 1600);
}

/* ------------------------------------------------------------ decision */

/** @param {any} item */
function renderDecided(item) {
  const approved = item.status === "approved";
  return h("section", { class: "pv-card rv-decision rv-decided", "aria-labelledby": "rv-decision-title" },
    h("div", { class: "rv-card-head" }, h("h3", { class: "rv-card-title", id: "rv-decision-title", text: "Decision" })),
    h("p", { class: "rv-decided-line" }, icon(approved ? "check" : "ban"),
      (approved ? "Approved" : sentence(item.status)) + (item.decided_at ? " on " + absolute(item.decided_at) : "") + "."),
    item.note ? h("blockquote", { class: "rv-decided-note", text: str(item.note) }) : null);
}

/** @param {any} item */
function renderDecision(item) {
  /** @type {Reviewer} */
  const r = state.reviewer || {};
  const noteId = "rv-note";
  const note = h("textarea", {
    id: noteId, class: "rv-textarea", rows: "4", "aria-describedby": "rv-note-hint",
    placeholder: "What you checked, or why you reject it",
  });
  const noteError = h("p", { class: "rv-field-error", id: "rv-note-error", hidden: true });
  const alertBox = h("div", { class: "rv-decision-alert", hidden: true, tabindex: "-1" });
  const approve = h("button", { type: "button", class: "pv-btn rv-btn-approve", onclick: () => decide("approve") }, icon("check"), h("span", { text: "Approve" }));
  const editBtn = h("button", { type: "button", class: "pv-btn pv-btn-secondary", onclick: startEdit }, icon("edit"), h("span", { text: "Edit & approve" }));
  const saveEdit = h("button", { type: "button", class: "pv-btn rv-btn-approve", hidden: true, onclick: () => decide("edit_and_approve") }, icon("check"), h("span", { text: "Approve edited draft" }));
  const cancelEdit = h("button", { type: "button", class: "pv-btn pv-btn-ghost", hidden: true, onclick: stopEdit, text: "Cancel edit" });
  const reject = h("button", { type: "button", class: "pv-btn rv-btn-reject", onclick: () => decide("reject") }, icon("ban"), h("span", { text: "Reject" }));
  const { creds, notes: gapNotes } = decisionCoverage(r, item, today(), formatDay);
  const section = h("section", { class: "pv-card rv-decision", "aria-labelledby": "rv-decision-title" },
    h("div", { class: "rv-card-head" },
      h("h3", { class: "rv-card-title", id: "rv-decision-title", text: "Your decision" })),
    h("p", { class: "rv-decision-as" }, icon("license"),
      h("span", null, "Deciding as ", h("strong", { text: str(r.name) || "you" }),
        creds.length ? " \u00b7 " + creds.map((c) => str(c.licence_id)).join(", ") : "")),
    gapNotes.length ? h("div", { class: "rv-decision-alert rv-alert-warn rv-gap" }, icon("warn"),
      h("div", { class: "rv-alert-body" },
        h("strong", { text: "Your credentials may not cover this item" }),
        gapNotes.map((t) => h("span", { text: t })),
        h("span", { class: "rv-gap-note", text: "Precedent checks again when you decide." }))) : null,
    alertBox,
    h("div", { class: "rv-field" },
      h("label", { class: "rv-label", for: noteId }, "Note ", h("span", { class: "rv-label-note", text: "(required to reject)" })),
      note,
      noteError,
      h("p", { class: "rv-hint", id: "rv-note-hint", text: "Kept with the decision in the audit log." })),
    h("div", { class: "rv-decision-actions" }, approve, saveEdit, editBtn, cancelEdit, reject),
    h("p", { class: "rv-decision-foot" }, icon("shield"), "Approving unlocks \u201cInsert into reply\u201d for the agent. Rejecting tells them not to use this draft."));
  note.addEventListener("input", () => {
    if (note.value.trim()) {
      note.removeAttribute("aria-invalid");
      noteError.hidden = true;
      note.setAttribute("aria-describedby", "rv-note-hint");
    }
  });
  ui.note = note;
  ui.noteError = noteError;
  ui.alert = alertBox;
  ui.buttons = { approve, edit: editBtn, saveEdit, cancelEdit, reject };
  return section;
}

/** Shows the editor (on) or the draft (off) and the buttons that go with each. @param {boolean} on */
function editing(on) {
  const b = /** @type {NonNullable<typeof ui.buttons>} */ (ui.buttons);
  state.editing = on;
  /** @type {HTMLElement} */ (ui.draftBody).hidden = on;
  /** @type {HTMLElement} */ (ui.editor).hidden = !on;
  /** @type {HTMLElement} */ (ui.editingTag).hidden = !on;
  b.approve.hidden = on;
  b.edit.hidden = on;
  b.saveEdit.hidden = !on;
  b.cancelEdit.hidden = !on;
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

/** @param {string} tone @param {string} title @param {unknown} text @param {Node} [actions] */
function showAlert(tone, title, text, actions) {
  const box = ui.alert;
  if (!box) return;
  clear(box);
  box.className = "rv-decision-alert rv-alert-" + tone;
  box.setAttribute("role", "alert");
  add(box, [icon(tone === "error" ? "lock" : "warn"),
    h("div", { class: "rv-alert-body" }, h("strong", { text: title }), h("span", { text: sentence(text) }), actions || null)]);
  box.hidden = false;
  box.scrollIntoView({ behavior: "auto", block: "nearest" });
}

/** @param {boolean} on @param {string} [action] */
function setBusy(on, action) {
  state.busy = on;
  const buttons = ui.buttons;
  if (!buttons) return;
  const all = Object.values(buttons);
  for (const b of all) b.disabled = on || !!ui.locked;
  if (ui.note) ui.note.readOnly = on;
  if (ui.editArea) ui.editArea.readOnly = on;
  const pressed = action === "approve" ? buttons.approve : action === "edit_and_approve" ? buttons.saveEdit : action === "reject" ? buttons.reject : null;
  for (const b of all) {
    const spin = b.querySelector(".pv-spin");
    if (spin && spin.parentNode) spin.parentNode.removeChild(spin);
    b.removeAttribute("aria-busy");
  }
  if (on && pressed) {
    pressed.setAttribute("aria-busy", "true");
    const svg = pressed.querySelector("svg");
    pressed.insertBefore(h("span", { class: "pv-spin", "aria-hidden": "true" }), svg || pressed.firstChild);
    if (svg) svg.style.display = "none";
  } else {
    els.detail.querySelectorAll(".rv-decision-actions svg").forEach((s) => { /** @type {SVGElement} */ (s).style.display = ""; });
  }
  els.queue.querySelectorAll(".rv-item").forEach((b) => { /** @type {HTMLButtonElement} */ (b).disabled = on; });
}

/** Lock the panel after a refusal that trying again will not fix. */
function lockDecision() {
  ui.locked = true;
  if (ui.buttons) Object.values(ui.buttons).forEach((b) => { b.disabled = true; });
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
      lockDecision();
      showAlert("error", "You cannot decide this review", err.message || "Your credentials do not cover this item.");
      if (ui.alert) ui.alert.focus({ preventScroll: true });
      announce("Refused: " + str(err.message));
      return;
    }
    if (err.status === 409) {
      lockDecision();
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
