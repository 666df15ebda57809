// @ts-check
/**
 * The sidebar controller: mounts the UI into an element and runs its operations (request,
 * follow by stream or poll, show, insert, report, watch a gated draft for the decision).
 * Every asynchronous step belongs to an Operation and drops its result once a newer one
 * began (see state.js).
 */
import { apiError, createClient } from "../shared/api.js";
import { add, clear, h, reducedMotion, uid } from "../shared/dom.js";
import { GATE_COPY, gateKey, gateOf, waitingText } from "../shared/gate.js";
import { icon } from "../shared/icons.js";
import { toPlainText } from "../shared/markers.js";
import { citationCard, citedText, copyText, highlight, safetyNotice } from "../shared/render.js";
import { sentence, str } from "../shared/text.js";
import { retryLine } from "./content.js";
import {
  createOperations, EMPTY_STREAM, gateChangeMessage, isFinal, pollStep, readyMessage,
  refusalKind, retryPoll, statusHint, statusLabel, streamEvent,
} from "./state.js";
import {
  button, customer, errorView, fillFooter, flagList, flashButton, gateBanner, idleView,
  lockButtons, notices, statusPill, swapIcon, ticketView,
} from "./views.js";

/** @typedef {import("./state.js").Operation} Operation */
/** @typedef {import("./state.js").StateName} StateName */
/** @typedef {import("../shared/api.js").ApiError} ApiError */

/**
 * @typedef {{
 *   apiBase: string,
 *   fetch: import("../shared/api.js").FetchLike | null,
 *   headers: Record<string, string> | (() => Record<string, string>) | null,
 *   onInsert: ((text: string, draft: any) => unknown) | null,
 *   onStateChange: ((name: StateName, detail: Record<string, unknown>) => void) | null,
 *   feedback: boolean, pollInterval: number, stream: boolean, gatePollInterval: number,
 *   timeout: number, keepMarkers: boolean, draftButton: boolean, title: string,
 * }} Options
 */

/** @type {Options} */
export const DEFAULTS = {
  apiBase: "/api/v1",
  fetch: null,
  headers: null,
  onInsert: null,
  onStateChange: null,
  feedback: false,
  pollInterval: 400,
  stream: true,
  gatePollInterval: 5000,
  timeout: 60000,
  keepMarkers: false,
  draftButton: true,
  title: "Precedent",
};

/** @param {any} draft */
function draftPath(draft) {
  if (draft && draft.links && draft.links.self) return str(draft.links.self);
  return draft && draft.id ? "/drafts/" + encodeURIComponent(str(draft.id)) : null;
}

/** @param {HTMLElement} el */
function focusQuietly(el) {
  try {
    el.focus({ preventScroll: true });
  } catch {
    el.focus();
  }
}

/**
 * @param {HTMLElement} element
 * @param {Partial<Options>} [options]
 */
export function mount(element, options) {
  if (!element || element.nodeType !== 1) throw new Error("PrecedentSidebar.mount needs a DOM element");
  /** @type {Options} */
  const opts = { ...DEFAULTS, ...(options || {}) };
  const client = createClient(opts);
  const ops = createOperations();
  /** @type {number[]} */
  let timers = [];
  /** @type {ReturnType<typeof setInterval> | null} */
  let ticker = null;
  /** @type {AbortController | null} */
  let streaming = null; // the event stream being read
  /** @type {ReturnType<typeof setTimeout> | null} */
  let flashTimer = null;
  /** @type {{ name: StateName, ticketId: string | null, draft: any }} */
  const state = { name: "idle", ticketId: null, draft: null };
  /**
   * Live references into the current view.
   * @type {{
   *   progress?: { label: HTMLElement, elapsed: HTMLElement, hint: HTMLElement, retry: HTMLElement, status: string | null, growing: HTMLElement, streamBox: HTMLElement, skeleton: HTMLElement },
   *   text?: HTMLElement, cards?: Map<number, HTMLElement>, card?: HTMLElement, banner?: import("./views.js").Banner | null,
   *   insertBtn?: HTMLButtonElement | null, copyBtn?: HTMLButtonElement, lockHint?: HTMLElement, insertError?: HTMLElement,
   *   inserted?: HTMLElement, blocked?: boolean, inserting?: boolean,
   * }}
   */
  let ui = {};
  /** @type {{ id: unknown, action: string } | null} the agent's last action on a draft */
  let verdict = null;
  /** @type {{ op: Operation, path: string, timer: ReturnType<typeof setTimeout> | null, busy: boolean, now?: () => void } | null} */
  let watch = null;

  element.classList.add("pcd-root");
  clear(element);

  const live = h("div", { class: "pcd-sr", role: "status", "aria-live": "polite", "aria-atomic": "true" });
  const ticketChip = h("span", { class: "pcd-chip pcd-mono", hidden: true });
  const body = h("div", { class: "pcd-body" });
  const foot = h("footer", { class: "pcd-foot", hidden: true });
  const shell = h("section", { class: "pcd", "aria-label": opts.title + " draft assistant" },
    h("header", { class: "pcd-head" },
      h("span", { class: "pcd-logo", "aria-hidden": "true" }, "P"),
      h("div", { class: "pcd-head-text" },
        h("span", { class: "pcd-brand", text: opts.title }),
        h("span", { class: "pcd-tagline", text: "Cited reply drafts" })),
      ticketChip),
    live, body, foot);
  element.appendChild(shell);

  // Layout by the host element's own width (iframe sidebar vs. wide panel).
  /** @type {ResizeObserver | null} */
  let resizer = null;
  /** @param {number} width */
  const measure = (width) => shell.classList.toggle("pcd-narrow", width > 0 && width < 340);
  if (typeof ResizeObserver === "function") {
    resizer = new ResizeObserver((entries) => measure(entries[0].contentRect.width));
    resizer.observe(element);
  } else measure(element.clientWidth);

  /* ---- plumbing */

  /** @param {() => void} fn @param {number} ms */
  function later(fn, ms) {
    const id = setTimeout(() => {
      timers = timers.filter((t) => t !== id);
      fn();
    }, ms);
    timers.push(id);
    return id;
  }

  /** @param {number} ms @returns {Promise<void>} */
  const sleep = (ms) => new Promise((resolve) => { later(resolve, ms); });

  function stopTimers() {
    timers.forEach(clearTimeout);
    timers = [];
    if (ticker) {
      clearInterval(ticker);
      ticker = null;
    }
    if (streaming) {
      streaming.abort();
      streaming = null;
    }
    stopWatch();
  }

  /** @param {string} message */
  function announce(message) {
    live.textContent = "";
    // A fresh text node after a tick makes screen readers re-announce repeated messages.
    setTimeout(() => { live.textContent = message; }, 30);
  }

  /** @param {StateName} name @param {Record<string, unknown>} [detail] */
  function setState(name, detail) {
    state.name = name;
    if (typeof opts.onStateChange === "function") {
      try {
        opts.onStateChange(name, { ticketId: state.ticketId, draft: state.draft, ...(detail || {}) });
      } catch (e) {
        if (globalThis.console) console.error(e);
      }
    }
  }

  /** @param {string | null} id */
  function setTicketChip(id) {
    ticketChip.textContent = id ? str(id) : "";
    ticketChip.hidden = !id;
    if (id) ticketChip.setAttribute("title", "Ticket " + id);
  }

  function view() {
    clear(body);
    foot.hidden = true;
    clear(foot);
    ui = {};
    return body;
  }

  /* ---- views */

  function renderIdle() {
    add(view(), idleView());
  }

  /** @param {string} [notice] */
  function renderTicketReady(notice) {
    const id = /** @type {string} */ (state.ticketId);
    add(view(), ticketView(id, notice, opts.draftButton ? () => { requestDraft(id); } : null));
  }

  /** @param {number} started */
  function renderProgress(started) {
    const label = h("span", { class: "pcd-progress-label", text: statusLabel(null) });
    const elapsed = h("span", { class: "pcd-progress-time", text: "0 s" });
    const hint = h("p", { class: "pcd-muted pcd-progress-hint", text: statusHint(null) });
    const retry = h("p", { class: "pcd-progress-retry", hidden: true });
    const growing = h("p", { class: "pcd-stream-text" });
    const streamBox = h("div", { class: "pcd-card pcd-stream", hidden: true }, growing);
    const skeleton = h("div", { class: "pcd-skeleton", "aria-hidden": "true" },
      h("span", null), h("span", null), h("span", null), h("span", { class: "pcd-short" }));
    const bar = h("div", { class: "pcd-bar", role: "progressbar", "aria-label": "Drafting progress", "aria-valuetext": "In progress" },
      h("span", { class: "pcd-bar-fill" }));
    add(view(), [
      h("div", { class: "pcd-card pcd-progress", "aria-busy": "true" },
        h("div", { class: "pcd-progress-row" }, h("span", { class: "pcd-pulse", "aria-hidden": "true" }), label, elapsed),
        bar, hint, retry,
        h("div", { class: "pcd-progress-actions" },
          button("Cancel", null, "pcd-btn-ghost pcd-btn-sm", cancel))),
      streamBox,
      skeleton,
    ]);
    ui.progress = { label, elapsed, hint, retry, status: null, growing, streamBox, skeleton };
    const tick = () => {
      const s = Math.floor((Date.now() - started) / 1000);
      elapsed.textContent = s + " s";
      elapsed.setAttribute("aria-label", s + " seconds elapsed");
    };
    tick();
    ticker = setInterval(tick, 250);
  }

  /** @param {any} draft */
  function updateProgress(draft) {
    const p = ui.progress;
    if (!p) return;
    const status = draft && draft.status;
    if (status !== p.status) {
      p.status = status;
      p.label.textContent = statusLabel(status);
      p.hint.textContent = statusHint(status);
      if (status === "queued" || status === "running") announce(status === "queued" ? "Queued" : "Drafting");
    }
    const line = retryLine(draft);
    p.retry.hidden = !line;
    if (line) p.retry.textContent = line;
  }

  /** The text so far while the model writes it: plain text, markers as written. @param {string} text */
  function showGrowing(text) {
    const p = ui.progress;
    if (!p) return;
    p.growing.textContent = text;
    p.streamBox.hidden = !text;
    p.skeleton.hidden = !!text;
    if (text && p.status !== "writing") {
      p.status = "writing";
      p.label.textContent = "Writing the draft";
      p.hint.textContent = "The model is writing; citations are checked when it finishes.";
    }
  }

  /**
   * @param {{ message?: unknown, code?: unknown } | null | undefined} err
   * @param {{ title?: string, draft?: any }} [options]
   */
  function renderError(err, options) {
    const o = options || {};
    const id = state.ticketId;
    add(view(), errorView(err, o.title, id && opts.draftButton !== false ? () => { requestDraft(id); } : null));
    if (o.draft) fillFooter(foot, o.draft);
  }

  /** @param {number} marker @param {boolean} on */
  function highlightBadges(marker, on) {
    if (!ui.text) return;
    ui.text.querySelectorAll('.pcd-cite[data-marker="' + marker + '"]').forEach((b) => {
      b.classList.toggle("pcd-cite-hot", on);
    });
  }

  /** @param {number} marker */
  function focusCitation(marker) {
    const card = ui.cards && ui.cards.get(marker);
    if (!card) return;
    if (ui.cards) ui.cards.forEach((c) => c.classList.remove("pcd-flash"));
    card.scrollIntoView({ behavior: reducedMotion() ? "auto" : "smooth", block: "nearest" });
    void card.offsetWidth; // restart the animation when clicked twice
    card.classList.add("pcd-flash");
    focusQuietly(card);
    if (flashTimer) clearTimeout(flashTimer);
    flashTimer = setTimeout(() => card.classList.remove("pcd-flash"), 1800);
  }

  /** @param {any} draft */
  function renderReady(draft) {
    const citations = (Array.isArray(draft.citations) ? draft.citations : []).slice()
      .sort((/** @type {any} */ a, /** @type {any} */ b) => Number(a.marker) - Number(b.marker));
    const plain = toPlainText(draft.text, citations, opts.keepMarkers);
    const gate = gateOf(draft);
    const locked = !gate.insertable;
    const gateKind = GATE_COPY[gate.status] ? gate.status : "blocked";

    const textEl = h("div", { class: "pcd-text" });
    if (str(draft.text).trim()) {
      citedText(textEl, draft.text, citations, focusCitation);
      highlight(textEl.querySelectorAll("p, li"), gate.rules, {
        source: "draft", tone: gate.status === "approved" || gate.insertable ? "reviewed" : "review",
      });
    } else textEl.appendChild(h("p", { class: "pcd-muted", text: "The draft came back empty." }));

    const copyBtn = button("Copy", "copy", "pcd-btn-secondary", () => {
      if (ui.blocked) return;
      copyText(plain).then(() => {
        flashButton(copyBtn, "Copied", "check");
        announce("Draft copied to the clipboard");
      }, () => {
        flashButton(copyBtn, "Copy failed", "error");
        announce("Copy failed. Select the text and copy it manually.");
      });
    }, { disabled: !plain });
    /** @type {HTMLButtonElement | null} */
    const insertBtn = typeof opts.onInsert === "function"
      ? button("Insert into reply", "insert", "pcd-btn-primary", () => insert(draft, plain, insertBtn), { disabled: !plain })
      : null;
    const redraft = state.ticketId && opts.draftButton
      ? h("button", {
        type: "button", class: "pcd-btn pcd-btn-ghost pcd-btn-icon", title: "Draft again", "aria-label": "Draft again",
        onclick: () => { requestDraft(state.ticketId); },
      }, icon("refresh"))
      : null;
    const lockHint = h("p", { class: "pcd-lock-hint", id: uid("pcd-lock"), hidden: true }, icon("lock", "pcd-icon-xs"), h("span"));
    const insertError = h("p", { class: "pcd-insert-error", role: "alert", hidden: true });
    const inserted = h("p", { class: "pcd-inserted", hidden: true });

    /** @type {Map<number, HTMLElement>} */
    const cards = new Map();
    const sources = citations.length
      ? h("ol", { class: "pcd-sources" }, citations.map((/** @type {any} */ c) => {
        const card = citationCard(c, {
          onEnter: (marker) => highlightBadges(marker, true),
          onLeave: (marker) => highlightBadges(marker, false),
        });
        cards.set(Number(c.marker), card);
        return card;
      }))
      : h("p", { class: "pcd-muted pcd-none", text: "No sources are cited. Nothing in this draft is backed by a resolved ticket or help article." });

    const banner = locked ? gateBanner(gate, gateKind) : null;
    const cardClass = "pcd-card pcd-draft" + (locked ? " pcd-draft-locked" : "") +
      (gate.status === "rejected" ? " pcd-draft-rejected" : "") + (gate.status === "approved" ? " pcd-draft-approved" : "");
    const card = h("article", { class: cardClass, "aria-label": "Draft reply" },
      h("div", { class: "pcd-draft-head" },
        h("h2", { class: "pcd-h2", text: "Draft reply" }),
        statusPill(gate),
        redraft),
      flagList(draft.flags),
      textEl,
      h("div", { class: "pcd-actions" }, insertBtn, copyBtn),
      lockHint, insertError, inserted,
      opts.feedback ? feedbackRow(draft) : null);

    add(view(), [
      gate.urgent ? safetyNotice(gate.instruction, gate.insertable ? null : "The draft below waits for a reviewer; this does not.") : null,
      banner ? banner.el : null,
      notices(draft),
      card,
      h("section", { class: "pcd-sources-wrap", "aria-label": "Sources" },
        h("h3", { class: "pcd-h3" }, "Sources", h("span", { class: "pcd-count", text: String(citations.length) })),
        sources),
      customer(draft.customer_context),
    ]);
    ui = { ...ui, text: textEl, cards, card, banner, insertBtn, copyBtn, lockHint, insertError, inserted, blocked: locked };
    if (banner) {
      /** @type {Node} */ (lockHint.lastChild).textContent = GATE_COPY[gateKind].hint;
      lockHint.hidden = false;
      lockButtons([insertBtn, copyBtn], lockHint, lockHint.id + " " + banner.reasonId);
    }
    if (!locked) showInserted(draft.inserted_at);
    fillFooter(foot, draft);
  }

  /** @param {unknown} when */
  function showInserted(when) {
    const el = ui.inserted;
    if (!el) return;
    const d = when ? new Date(/** @type {string} */ (when)) : null;
    if (!d || isNaN(d.getTime())) {
      el.hidden = true;
      return;
    }
    clear(el);
    add(el, [icon("check", "pcd-icon-xs"), h("span", null, "Inserted into a reply at ",
      h("time", { datetime: d.toISOString(), title: d.toLocaleString(), text: d.toLocaleTimeString([], { hour: "numeric", minute: "2-digit" }) }))]);
    el.hidden = false;
  }

  /**
   * Insert = ask the server (it records it, or refuses a gated draft), then hand over.
   * @param {any} draft
   * @param {string} plain
   * @param {HTMLButtonElement | null} btn
   */
  function insert(draft, plain, btn) {
    if (ui.blocked || ui.inserting || !btn) return;
    if (!draft.id) {
      showInsertError({ message: "This draft has no id, so Precedent cannot record the insert." });
      return;
    }
    const op = ops.current();
    ui.inserting = true;
    if (ui.insertError) ui.insertError.hidden = true;
    btn.disabled = true;
    btn.setAttribute("aria-busy", "true");
    const labelEl = /** @type {HTMLElement} */ (btn.querySelector(".pcd-btn-label"));
    labelEl.textContent = "Inserting\u2026";
    const restore = () => {
      ui.inserting = false;
      btn.removeAttribute("aria-busy");
      labelEl.textContent = "Insert into reply";
      btn.disabled = !!ui.blocked || !plain;
    };
    client.post("/drafts/" + encodeURIComponent(str(draft.id)) + "/insert", {}).then((fresh) => {
      if (!op.live) return;
      restore();
      const next = fresh && typeof fresh === "object" && fresh.status === "ready" ? fresh : draft;
      const nextPlain = toPlainText(next.text, next.citations, opts.keepMarkers);
      if (nextPlain !== plain) {
        // The server's copy differs (e.g. a reviewer edited it): show that, never insert unseen text.
        render(next, { announce: "The draft changed since it was shown. Read it again, then insert." });
        showInsertError({ message: "The draft changed since it was shown (a reviewer may have edited it). Read it again, then insert." });
        return;
      }
      state.draft = next;
      // onInsert may return a promise (helpdesk SDK calls are asynchronous).
      /** @type {Promise<unknown>} */
      let handed;
      try {
        handed = Promise.resolve(/** @type {NonNullable<Options["onInsert"]>} */ (opts.onInsert)(plain, next));
      } catch (e) {
        handed = Promise.reject(e);
      }
      handed.then(() => {
        flashButton(btn, "Inserted", "check");
        announce("Draft inserted into the reply");
      }, (e) => {
        flashButton(btn, "Insert failed", "error");
        showInsertError({ message: "The helpdesk did not accept the text" + (e && e.message ? ": " + e.message : ".") });
        if (globalThis.console) console.error(e);
      });
      showInserted(next.inserted_at || new Date().toISOString());
      setState("ready", { inserted: true });
    }, (err) => {
      if (!op.live) return;
      restore();
      if (err.status === 409) {
        refuseInsert(err);
        return;
      }
      flashButton(btn, "Insert failed", "error");
      showInsertError(err);
      announce("Insert failed: " + str(err.message));
    });
  }

  /** @param {{ message?: unknown }} err */
  function showInsertError(err) {
    if (!ui.insertError) return;
    ui.insertError.textContent = sentence(err && err.message) || "Insert failed.";
    ui.insertError.hidden = false;
  }

  /** A 409 from the server: it is the authority, so lock the draft and say why. @param {ApiError} err */
  function refuseInsert(err) {
    const message = sentence(err.message) || "Precedent refused to insert this draft.";
    const gate = gateOf(state.draft);
    const kind = refusalKind(err.code, gate.status, GATE_COPY);
    ui.blocked = true;
    let banner = ui.banner;
    if (!banner) {
      // The page thought the draft was usable: the server's answer becomes the banner.
      banner = ui.banner = gateBanner({ ...gate, status: kind, insertable: false, reason: message }, kind);
      const safety = body.querySelector(":scope > .pcd-safety"); // the safety notice stays first
      body.insertBefore(banner.el, safety ? safety.nextSibling : body.firstChild);
      banner.error.textContent = "Insert refused by Precedent.";
    } else banner.error.textContent = "Insert refused: " + message;
    banner.error.hidden = false;
    const pill = ui.card && ui.card.querySelector(".pcd-draft-head .pcd-status");
    if (pill && pill.parentNode) pill.parentNode.replaceChild(statusPill({ ...gate, status: kind, insertable: false }), pill);
    if (ui.card) ui.card.classList.add("pcd-draft-locked");
    const lockHint = /** @type {HTMLElement} */ (ui.lockHint);
    /** @type {Node} */ (lockHint.lastChild).textContent = "Insert and Copy are locked: Precedent refused to insert this draft.";
    lockHint.hidden = false;
    lockButtons([ui.insertBtn || null, ui.copyBtn || null], lockHint, lockHint.id + " " + banner.reasonId);
    banner.el.scrollIntoView({ behavior: reducedMotion() ? "auto" : "smooth", block: "nearest" });
    announce("Insert refused: " + message);
    if (err.code === "review_required" && !watch) watchGate(state.draft, opts.gatePollInterval);
  }

  /* ---- the agent's verdict and what was sent: POST /drafts/<id>/outcome */

  /** @param {Record<string, unknown> | undefined} outcome @param {any} [draft] */
  function reportOutcome(outcome, draft) {
    const d = draft || state.draft;
    if (!d || !d.id) return Promise.reject(apiError("input", "There is no draft to report on."));
    const action = verdict && verdict.id === d.id ? { action: verdict.action } : {};
    return client.post("/drafts/" + encodeURIComponent(str(d.id)) + "/outcome", { ...action, ...(outcome || {}) });
  }

  /** @param {any} draft */
  function feedbackRow(draft) {
    const note = h("p", { class: "pcd-feedback-note", role: "status", hidden: true });
    /** @type {{ btn: HTMLButtonElement, group: string }[]} */
    const buttons = [];
    /**
     * @param {string} label @param {string} iconName @param {{ action?: string, rating?: string }} outcome
     * @param {string} done @param {Record<string, string>} [attrs]
     */
    function choice(label, iconName, outcome, done, attrs) {
      const group = outcome.action ? "action" : "rating";
      const btn = button(label, iconName, "pcd-btn-ghost pcd-btn-sm", () => {
        if (btn.getAttribute("aria-busy") === "true") return;
        btn.setAttribute("aria-busy", "true");
        reportOutcome(outcome, draft).then(() => {
          if (outcome.action) verdict = { id: draft.id, action: outcome.action };
          for (const b of buttons) if (b.group === group) b.btn.setAttribute("aria-pressed", b.btn === btn ? "true" : "false");
          note.textContent = done;
          announce(done);
        }, (err) => {
          note.textContent = "Could not record that: " + sentence(err.message);
        }).then(() => {
          btn.removeAttribute("aria-busy");
          note.hidden = false;
        });
      }, { "aria-pressed": "false", ...(attrs || {}) });
      buttons.push({ btn, group });
      return btn;
    }
    const up = choice("", "thumb", { rating: "up" }, "Thanks: marked as helpful.", { title: "Helpful", "aria-label": "Helpful" });
    const down = choice("", "thumb", { rating: "down" }, "Thanks: marked as not helpful.", { title: "Not helpful", "aria-label": "Not helpful" });
    down.classList.add("pcd-thumb-down");
    return h("div", { class: "pcd-feedback" },
      h("div", { class: "pcd-feedback-row", role: "group", "aria-label": "Your verdict on this draft" },
        choice("Reject", "x", { action: "rejected" }, "Rejected: Precedent records that this draft was not used."),
        choice("Escalate", "flag", { action: "escalated" }, "Escalated: recorded for follow-up."),
        h("span", { class: "pcd-feedback-spacer" }), up, down),
      note);
  }

  /* ---- watching a gated draft for the reviewer's decision */

  function stopWatch() {
    if (watch && watch.timer) clearTimeout(watch.timer);
    watch = null;
  }

  /** @param {any} draft @param {number} [delay] */
  function watchGate(draft, delay) {
    stopWatch();
    const path = draftPath(draft);
    if (!path) return;
    /** @type {NonNullable<typeof watch>} */
    const w = watch = { op: ops.current(), path, timer: null, busy: false };
    const alive = () => watch === w && w.op.live;
    /** @param {number} ms */
    const schedule = (ms) => {
      if (w.timer) clearTimeout(w.timer);
      w.timer = setTimeout(() => {
        w.timer = null;
        check();
      }, ms);
    };
    /** @param {string} text */
    const note = (text) => {
      const el = ui.banner && ui.banner.watchNote;
      if (el && el.lastChild) el.lastChild.textContent = text;
    };
    function check() {
      if (!alive() || w.busy) return;
      w.busy = true;
      client.get(w.path).then((next) => {
        w.busy = false;
        if (!alive()) return;
        if (!next || typeof next !== "object" || !next.status) {
          schedule(opts.gatePollInterval);
          return;
        }
        if (gateKey(next) !== gateKey(state.draft)) {
          gateChanged(next);
          return;
        }
        note(waitingText(gateOf(next)));
        schedule(opts.gatePollInterval);
      }, (err) => {
        w.busy = false;
        if (!alive()) return;
        if (err.status === 401 || err.status === 403 || err.status === 404) {
          note("Stopped checking for a decision: " + sentence(err.message));
          stopWatch();
          return;
        }
        note("Could not check for a decision (" + str(err.message).replace(/\.$/, "") + "). Trying again\u2026");
        schedule(opts.gatePollInterval * 2);
      });
    }
    w.now = () => {
      if (!alive()) return;
      if (w.timer) clearTimeout(w.timer);
      w.timer = null;
      check();
    };
    schedule(delay == null ? opts.gatePollInterval : delay);
  }

  /** @param {any} next */
  function gateChanged(next) {
    const status = gateOf(next).status;
    const focused = element.contains(document.activeElement);
    render(next, { announce: gateChangeMessage(status) });
    if (status === "approved" && ui.card) {
      ui.card.classList.add("pcd-just-approved");
      if (focused && ui.insertBtn) focusQuietly(ui.insertBtn);
    }
  }

  function onVisible() {
    if (document.visibilityState === "visible" && watch && watch.now) watch.now();
  }
  if (typeof document !== "undefined" && document.addEventListener) document.addEventListener("visibilitychange", onVisible);

  /* ---- operations */

  /** @param {any} draft @param {{ announce?: string, refresh?: boolean }} [options] */
  function render(draft, options) {
    const o = options || {};
    stopTimers();
    state.draft = draft;
    if (draft.ticket_id) {
      state.ticketId = str(draft.ticket_id);
      setTicketChip(state.ticketId);
    }
    if (draft.status === "ready") {
      renderReady(draft);
      const gate = gateOf(draft);
      announce(o.announce || readyMessage(draft));
      setState("ready", { gate: gate.status });
      if (gate.status === "review_required") watchGate(draft, o.refresh ? 300 : opts.gatePollInterval);
    } else {
      const err = draft.error || {};
      renderError({ message: err.message || "The draft failed without a message.", code: err.code || "draft_failed" }, { draft });
      announce("Draft failed: " + (err.message || "no message"));
      setState("failed", { error: err });
    }
  }

  /** @param {ApiError} err @param {Operation} op @returns {null} */
  function fail(err, op) {
    if (!op.live) return null;
    stopTimers();
    renderError(err);
    announce("Error: " + str(err && err.message));
    setState("error", { error: { code: err && err.code, message: err && err.message } });
    return null;
  }

  /** @param {any} draft @param {Operation} op @param {number} started @returns {Promise<any>} */
  function follow(draft, op, started) {
    if (!opts.stream || !draft || isFinal(draft.status) || !draft.id) return poll(draft, op, started);
    return streamed(draft, op, started).then((final) => {
      if (!op.live) return null;
      if (!final) return poll(draft, op, started);
      render(final);
      return final;
    });
  }

  /** Follows the draft's events; the final draft, or null to fall back to polling. @param {any} draft @param {Operation} op @param {number} started */
  function streamed(draft, op, started) {
    let stream = EMPTY_STREAM;
    const abort = typeof AbortController === "function" ? new AbortController() : null;
    streaming = abort;
    const remaining = Math.max(0, opts.timeout - (Date.now() - started));
    later(() => { if (abort) abort.abort(); }, remaining);
    /** @param {string} name @param {any} data */
    const onEvent = (name, data) => {
      if (!op.live) {
        if (abort) abort.abort();
        return;
      }
      stream = streamEvent(stream, name, data);
      if (!stream.final) showGrowing(stream.text);
    };
    const path = "/drafts/" + encodeURIComponent(str(draft.id)) + "/events";
    return client.events(path, onEvent, abort ? abort.signal : undefined).then(() => stream.final, () => {
      if (!stream.final && op.live) showGrowing(""); // nothing half-written stays up while we poll
      return stream.final;
    });
  }

  /** @param {any} draft @param {Operation} op @param {number} started @returns {Promise<any>} */
  function poll(draft, op, started) {
    let failures = 0;
    /** @param {any} current @returns {Promise<any>} */
    function step(current) {
      if (!op.live) return Promise.resolve(null);
      const next = pollStep(current, { started, now: Date.now(), timeout: opts.timeout });
      if (next.kind === "invalid") return Promise.resolve(fail(apiError("bad_response", "Precedent sent a draft without a status."), op));
      state.draft = current;
      if (next.kind === "final") {
        render(current);
        return Promise.resolve(current);
      }
      updateProgress(current);
      // Clients that cannot read the event stream (Freshdesk's request templates) still see
      // the text growing, one poll at a time.
      if (current.status === "running" && typeof current.partial_text === "string") showGrowing(current.partial_text);
      if (next.kind === "timeout") {
        return Promise.resolve(fail(apiError("timeout", "No draft after " + Math.round(opts.timeout / 1000) +
          " s. The drafting worker may be busy or offline; it may still finish, so try again in a moment."), op));
      }
      if (next.kind === "no_id") return Promise.resolve(fail(apiError("bad_response", "Precedent sent a draft without an id."), op));
      return sleep(opts.pollInterval).then(() => {
        if (!op.live) return null;
        return client.get(next.self).then((fresh) => {
          failures = 0;
          return step(fresh);
        }, (err) => {
          if (!op.live) return null;
          if (err.transient) failures += 1;
          if (retryPoll(err, failures, { started, now: Date.now(), timeout: opts.timeout })) return step(current);
          return fail(err, op);
        });
      });
    }
    return step(draft);
  }

  /** A new operation: everything still running for the previous one is dropped. @param {unknown} ticketId */
  function begin(ticketId) {
    stopTimers();
    const op = ops.begin();
    if (ticketId != null) {
      state.ticketId = str(ticketId);
      setTicketChip(state.ticketId);
    }
    state.draft = null;
    return op;
  }

  /** @param {unknown} [ticketId] @returns {Promise<any>} */
  function requestDraft(ticketId) {
    if (ops.ended) return Promise.resolve(null);
    const id = str(ticketId != null ? ticketId : state.ticketId).trim();
    if (!id) return Promise.resolve(fail(apiError("input", "Choose a ticket first."), ops.current()));
    const op = begin(id);
    const started = Date.now();
    renderProgress(started);
    announce("Requesting a draft for ticket " + id);
    setState("loading");
    return client.post("/drafts", { ticket_id: id }).then((draft) => follow(draft, op, started), (err) => fail(err, op));
  }

  /** @param {unknown} draftId @returns {Promise<any>} */
  function loadDraft(draftId) {
    if (ops.ended) return Promise.resolve(null);
    const op = begin(null);
    const started = Date.now();
    renderProgress(started);
    setState("loading");
    return client.get("/drafts/" + encodeURIComponent(str(draftId))).then((draft) => follow(draft, op, started), (err) => fail(err, op));
  }

  /** @param {any} draft @returns {Promise<any>} */
  function showDraft(draft) {
    if (ops.ended) return Promise.resolve(null);
    if (!draft || typeof draft !== "object") return Promise.resolve(fail(apiError("input", "showDraft needs a Draft object."), ops.current()));
    const op = begin(draft.ticket_id);
    // A draft handed over from a cache may be stale: a gated one is re-read right away.
    if (isFinal(draft.status)) {
      render(draft, { refresh: true });
      return Promise.resolve(draft);
    }
    const started = Date.now();
    renderProgress(started);
    setState("loading");
    return follow(draft, op, started);
  }

  /** @param {unknown} ticketId */
  function setTicket(ticketId) {
    begin(null);
    state.ticketId = ticketId == null || ticketId === "" ? null : str(ticketId);
    setTicketChip(state.ticketId);
    if (state.ticketId) {
      renderTicketReady();
      setState("ticket");
    } else {
      renderIdle();
      setState("idle");
    }
  }

  function cancel() {
    if (state.name !== "loading") return;
    begin(null);
    renderTicketReady("Stopped waiting. The draft may still finish in the background; drafting again picks it up.");
    announce("Stopped waiting for the draft");
    setState("ticket", { cancelled: true });
  }

  /** @param {string | { code?: string, message?: unknown, status?: number } | null | undefined} err */
  function showError(err) {
    const e = typeof err === "string" ? { message: err } : err || {};
    begin(null);
    const { code, message, status } = /** @type {{ code?: string, message?: unknown, status?: number }} */ (e);
    return fail(apiError(code || "error", str(message) || "Something went wrong.", status), ops.current());
  }

  function destroy() {
    ops.end();
    if (resizer) resizer.disconnect();
    if (typeof document !== "undefined" && document.removeEventListener) document.removeEventListener("visibilitychange", onVisible);
    stopTimers();
    if (flashTimer) clearTimeout(flashTimer);
    clear(element);
    element.classList.remove("pcd-root");
  }

  renderIdle();

  return {
    element,
    client,
    requestDraft,
    showDraft,
    loadDraft,
    setTicket,
    cancel,
    showError,
    reset: () => setTicket(null),
    getDraft: () => state.draft,
    /** @param {Record<string, unknown>} outcome */
    reportOutcome: (outcome) => reportOutcome(outcome),
    getState: () => state.name,
    /** The draft as text for the reply; "" while gated. @param {{ markers?: boolean }} [o] */
    getText: (o) => {
      const d = state.draft;
      if (!d || d.status !== "ready") return "";
      if (ui.blocked || !gateOf(d).insertable) return ""; // gated: not for use until approved
      const keep = o && o.markers != null ? !!o.markers : opts.keepMarkers;
      return toPlainText(d.text, d.citations, keep);
    },
    destroy,
  };
}
