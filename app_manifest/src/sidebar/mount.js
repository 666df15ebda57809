// @ts-check
/**
 * The sidebar controller: mounts the UI into an element and runs its operations (request,
 * follow, show, insert, report, watch a gated draft for the decision). Every asynchronous
 * step belongs to an Operation and drops its result once a newer one began (state.js).
 */
import { apiError, createClient } from "../shared/api.js";
import { add, clear, h } from "../shared/dom.js";
import { GATE_COPY, gateOf } from "../shared/gate.js";
import { toPlainText } from "../shared/markers.js";
import { pacingOf } from "../shared/pacing.js";
import { sentence, str } from "../shared/text.js";
import { escalateDraft } from "./escalate.js";
import { feedbackRow } from "./feedback.js";
import { follow as followDraft } from "./follow.js";
import { progressView } from "./progress.js";
import { lockRefused, readyView, showInserted } from "./ready.js";
import { shownReporter } from "./shown.js";
import { createOperations, gateChangeMessage, isFinal, readyMessage, refusalKind } from "./state.js";
import { SUPERSEDED_COPY, supersededBy, supersededNotice } from "./superseded.js";
import { errorView, fillFooter, flashButton, idleView, swapIcon, ticketView } from "./views.js";
import { watchDecision } from "./watch.js";

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
 *   pollBackoff: number, pollMaxInterval: number, gatePollBackoff: number, gatePollMaxInterval: number,
 *   timeout: number, keepMarkers: boolean, draftButton: boolean, title: string,
 *   reportShown: boolean,
 * }} Options
 *   `reportShown`: tell Precedent when a ready draft was first shown (shown.js), where
 *   review speed starts.
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
  pollBackoff: 1, // each poll waits this many times longer than the last (1: a steady pace) ...
  pollMaxInterval: 400, // ... up to this; the same for the gate's watch below
  stream: true,
  gatePollInterval: 5000,
  gatePollBackoff: 1,
  gatePollMaxInterval: 5000,
  timeout: 60000,
  keepMarkers: false,
  draftButton: true,
  title: "Precedent",
  reportShown: true,
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

/** The sidebar's frame: header with the ticket chip, a live region, the body and the footer. @param {string} title */
function shellView(title) {
  const live = h("div", { class: "pcd-sr", role: "status", "aria-live": "polite", "aria-atomic": "true" });
  const ticketChip = h("span", { class: "pcd-chip pcd-mono", hidden: true });
  const body = h("div", { class: "pcd-body" });
  const foot = h("footer", { class: "pcd-foot", hidden: true });
  const shell = h("section", { class: "pcd", "aria-label": title + " draft assistant" },
    h("header", { class: "pcd-head" },
      h("span", { class: "pcd-logo", "aria-hidden": "true" }, "P"),
      h("div", { class: "pcd-head-text" },
        h("span", { class: "pcd-brand", text: title }),
        h("span", { class: "pcd-tagline", text: "Cited reply drafts" })),
      ticketChip),
    live, body, foot);
  return { shell, live, ticketChip, body, foot };
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
  /** @type {ReturnType<typeof setTimeout>[]} */
  let timers = [];
  /** @type {AbortController | null} */
  let streaming = null; // the event stream being read
  /** @type {{ name: StateName, ticketId: string | null, draft: any }} */
  const state = { name: "idle", ticketId: null, draft: null };
  /**
   * Live references into the current view: the progress card, or a ready draft's parts.
   * @type {{ progress?: import("./progress.js").Progress } & Partial<import("./ready.js").ReadyRefs>}
   */
  let ui = {};
  /** @type {{ id: unknown, action: string } | null} the agent's last action on a draft */
  let verdict = null;
  /** @type {import("./watch.js").Watch | null} */
  let watch = null;
  const shown = shownReporter({
    post: client.post,
    visible: () => typeof document === "undefined" || document.visibilityState !== "hidden",
    warn: (message) => { if (globalThis.console) console.warn(message); },
  });

  element.classList.add("pcd-root");
  clear(element);
  const { shell, live, ticketChip, body, foot } = shellView(opts.title);
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

  function stopTimers() {
    timers.forEach(clearTimeout);
    timers = [];
    if (ui.progress) ui.progress.stop();
    if (streaming) {
      streaming.abort();
      streaming = null;
    }
    stopWatch();
  }

  function stopWatch() {
    if (watch) watch.stop();
    watch = null;
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

  /** @param {string} [notice] */
  function renderTicketReady(notice) {
    const id = /** @type {string} */ (state.ticketId);
    add(view(), ticketView(id, notice, opts.draftButton ? () => { requestDraft(id); } : null));
  }

  /** @param {number} started */
  function renderProgress(started) {
    const progress = progressView(started, cancel, announce);
    add(view(), progress.nodes);
    ui.progress = progress;
  }

  /**
   * @param {{ message?: unknown, code?: unknown } | null | undefined} err
   * @param {any} [draft]  a failed draft: its footer is shown too
   */
  function renderError(err, draft) {
    const id = state.ticketId;
    add(view(), errorView(err, undefined, id && opts.draftButton !== false ? () => { requestDraft(id); } : null));
    if (draft) fillFooter(foot, draft);
  }

  /** @param {any} draft */
  function renderReady(draft) {
    const feedback = opts.feedback
      ? feedbackRow((outcome) => reportOutcome(outcome, draft), (action) => { verdict = { id: draft.id, action }; }, announce,
        (note) => escalateDraft({ post: client.post, get: client.get, wait: (ms) => new Promise((done) => later(done, ms)) }, draft.id, note))
      : null;
    const { nodes, refs } = readyView(draft, {
      keepMarkers: opts.keepMarkers,
      onInsert: typeof opts.onInsert === "function" ? (plain, btn) => insert(draft, plain, btn) : null,
      onRedraft: state.ticketId && opts.draftButton ? () => { requestDraft(state.ticketId, { again: true }); } : null,
      feedback: feedback ? feedback.el : null,
      onEscalate: feedback ? feedback.openEscalate : null,
      announce,
    });
    add(view(), nodes);
    const newer = supersededBy(draft);
    if (newer) body.prepend(supersededNotice(newer, (id) => { loadDraft(id); }));
    ui = refs;
    fillFooter(foot, draft);
    if (opts.reportShown) shown.report(draft);
  }

  /* ---- insert: ask the server (it records it, or refuses a gated draft), then hand over */

  /** @param {any} draft @param {string} plain @param {HTMLButtonElement} btn */
  function insert(draft, plain, btn) {
    if (ui.blocked || ui.inserting || ui.done) return; // once per draft: a double click fills one composer
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
      btn.disabled = !!ui.blocked || !!ui.done || !plain;
    };
    client.post("/drafts/" + encodeURIComponent(str(draft.id)) + "/insert", {}).then((fresh) => {
      if (!op.live) return;
      restore();
      const next = fresh && typeof fresh === "object" && fresh.status === "ready" ? fresh : draft;
      if (toPlainText(next.text, next.citations, opts.keepMarkers) !== plain) {
        // The server's copy differs (e.g. a reviewer edited it): show that, never insert unseen text.
        render(next, { announce: "The draft changed since it was shown. Read it again, then insert." });
        showInsertError({ message: "The draft changed since it was shown (a reviewer may have edited it). Read it again, then insert." });
        return;
      }
      state.draft = next;
      ui.done = true;
      btn.disabled = true;
      handOver(plain, next, btn);
      if (ui.inserted) showInserted(ui.inserted, next.inserted_at || new Date().toISOString());
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

  /** The helpdesk's onInsert may return a promise (its SDK calls are asynchronous). @param {string} plain @param {any} draft @param {HTMLButtonElement} btn */
  function handOver(plain, draft, btn) {
    /** @type {Promise<unknown>} */
    let handed;
    try {
      handed = Promise.resolve(/** @type {NonNullable<Options["onInsert"]>} */ (opts.onInsert)(plain, draft));
    } catch (e) {
      handed = Promise.reject(e);
    }
    handed.then(() => {
      showDone(btn);
      announce("Draft inserted into the reply");
    }, (e) => {
      ui.done = false; // the composer did not take it: trying again is safe (the server records one insert)
      btn.disabled = !!ui.blocked;
      flashButton(btn, "Insert failed", "error");
      showInsertError({ message: "The helpdesk did not accept the text" + (e && e.message ? ": " + e.message : ".") });
      if (globalThis.console) console.error(e);
    });
  }

  /** Insert stays off once the composer has the draft: "Inserted", with a check. @param {HTMLButtonElement} btn */
  function showDone(btn) {
    const labelEl = btn.querySelector(".pcd-btn-label");
    if (labelEl) labelEl.textContent = "Inserted";
    swapIcon(btn, "check");
    btn.dataset.icon = "check";
    btn.classList.add("pcd-btn-done");
    btn.disabled = true;
  }

  /** @param {{ message?: unknown }} err */
  function showInsertError(err) {
    if (!ui.insertError) return;
    ui.insertError.textContent = sentence(err && err.message) || "Insert failed.";
    ui.insertError.hidden = false;
  }

  /** A 409 from the server: it is the authority, so lock the draft and say why. @param {ApiError} err */
  function refuseInsert(err) {
    if (!ui.card) return;
    const message = sentence(err.message) || "Precedent refused to insert this draft.";
    const gate = gateOf(state.draft);
    lockRefused(/** @type {import("./ready.js").ReadyRefs} */ (ui), body, gate, refusalKind(err.code, gate.status, GATE_COPY), message);
    announce("Insert refused: " + message);
    if (err.code === "review_required" && (!watch || watch.stopped)) watchGate(state.draft, opts.gatePollInterval);
  }

  /** POST /drafts/<id>/outcome; the agent's last action rides along. @param {Record<string, unknown> | undefined} outcome @param {any} [draft] */
  function reportOutcome(outcome, draft) {
    const d = draft || state.draft;
    if (!d || !d.id) return Promise.reject(apiError("input", "There is no draft to report on."));
    const action = verdict && verdict.id === d.id ? { action: verdict.action } : {};
    return client.post("/drafts/" + encodeURIComponent(str(d.id)) + "/outcome", { ...action, ...(outcome || {}) });
  }

  /* ---- watching a gated draft for the reviewer's decision */

  /** @param {any} draft @param {number} [delay] */
  function watchGate(draft, delay) {
    stopWatch();
    const path = draftPath(draft);
    if (!path) return;
    const op = ops.current();
    const pace = pacingOf(opts).gate;
    watch = watchDecision({
      get: client.get,
      path,
      interval: pace.first,
      factor: pace.factor,
      maxInterval: pace.max,
      delay: delay == null ? opts.gatePollInterval : delay,
      live: () => op.live,
      shown: () => state.draft,
      onChange: gateChanged,
      note: (text) => {
        const el = ui.banner && ui.banner.watchNote;
        if (el && el.lastChild) el.lastChild.textContent = text;
      },
    });
  }

  /** @param {any} next */
  function gateChanged(next) {
    const status = gateOf(next).status;
    const focused = element.contains(document.activeElement);
    render(next, { announce: supersededBy(next) ? SUPERSEDED_COPY.announce : gateChangeMessage(status) });
    if (status === "approved" && ui.card) {
      ui.card.classList.add("pcd-just-approved");
      if (focused && ui.insertBtn) focusQuietly(ui.insertBtn);
    }
  }

  function onVisible() {
    if (document.visibilityState !== "visible") return;
    if (watch) watch.now();
    if (opts.reportShown && state.name === "ready") shown.report(state.draft);
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
      // A superseded draft's review is closed: nothing more will change it.
      if (gate.status === "review_required" && !supersededBy(draft)) watchGate(draft, o.refresh ? 300 : opts.gatePollInterval);
    } else {
      const err = draft.error || {};
      renderError({ message: err.message || "The draft failed without a message.", code: err.code || "draft_failed" }, draft);
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

  /** @param {any} draft @param {Operation} op @param {number} started */
  function follow(draft, op, started) {
    return followDraft(draft, {
      client, op, started,
      stream: opts.stream, timeout: opts.timeout,
      poll: pacingOf(opts).poll,
      later, now: () => Date.now(),
      streaming: (abort) => { streaming = abort; },
      progress: () => ui.progress,
      shown: (current) => { state.draft = current; },
      render: (final) => render(final),
      fail: (err) => fail(err, op),
    });
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

  /**
   * The ticket's draft: the newest of its current version (the server answers the one it
   * has, approved or not), or with `again` ("Draft again") a new one.
   * @param {unknown} [ticketId] @param {{ again?: boolean }} [options] @returns {Promise<any>}
   */
  function requestDraft(ticketId, options) {
    if (ops.ended) return Promise.resolve(null);
    const id = str(ticketId != null ? ticketId : state.ticketId).trim();
    if (!id) return Promise.resolve(fail(apiError("input", "Choose a ticket first."), ops.current()));
    const op = begin(id);
    const started = Date.now();
    renderProgress(started);
    const again = !!(options && options.again);
    announce((again ? "Drafting ticket " : "Requesting a draft for ticket ") + id + (again ? " again" : ""));
    setState("loading");
    return client.post("/drafts", again ? { ticket_id: id, again: true } : { ticket_id: id }).then((draft) => follow(draft, op, started), (err) => fail(err, op));
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
      add(view(), idleView());
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
    clear(element);
    element.classList.remove("pcd-root");
  }

  add(view(), idleView());

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
