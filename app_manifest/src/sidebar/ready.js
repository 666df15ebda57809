// @ts-check
/** A ready draft: the gate's notices, the cited text, Insert / Copy, the sources, the customer. */
import { add, clear, h, reducedMotion, uid } from "../shared/dom.js";
import { GATE_COPY, gateOf } from "../shared/gate.js";
import { icon } from "../shared/icons.js";
import { toPlainText } from "../shared/markers.js";
import { citationCard, citedText, copyText, highlight, safetyNotice } from "../shared/render.js";
import { str } from "../shared/text.js";
import { editedAwayNote } from "./sources.js";
import { button, customer, flagList, flashButton, gateBanner, lockButtons, notices, statusPill } from "./views.js";

/**
 * Live references into a ready draft's view; `blocked` is set while Insert / Copy are locked,
 * `done` once this view handed the draft to the composer (Insert stays off then).
 * @typedef {{
 *   text: HTMLElement, cards: Map<number, HTMLElement>, card: HTMLElement,
 *   banner: import("./views.js").Banner | null, insertBtn: HTMLButtonElement | null,
 *   copyBtn: HTMLButtonElement, lockHint: HTMLElement, insertError: HTMLElement,
 *   inserted: HTMLElement, blocked: boolean, inserting: boolean, done: boolean,
 * }} ReadyRefs
 */

/**
 * @param {any} draft
 * @param {{
 *   keepMarkers: boolean,
 *   onInsert: ((plain: string, btn: HTMLButtonElement) => void) | null,
 *   onRedraft: (() => void) | null,
 *   feedback: Node | null,
 *   onEscalate?: (() => void) | null,
 *   announce: (message: string) => void,
 * }} o
 */
export function readyView(draft, o) {
  const citations = (Array.isArray(draft.citations) ? draft.citations : []).slice()
    .sort((/** @type {any} */ a, /** @type {any} */ b) => Number(a.marker) - Number(b.marker));
  const plain = toPlainText(draft.text, citations, o.keepMarkers);
  const gate = gateOf(draft);
  const locked = !gate.insertable;
  const gateKind = GATE_COPY[gate.status] ? gate.status : "blocked";
  /** @type {Map<number, HTMLElement>} */
  const cards = new Map();
  const textEl = h("div", { class: "pcd-text" });
  const badges = citeBadges(textEl, cards);

  if (str(draft.text).trim()) {
    citedText(textEl, draft.text, citations, badges.focus);
    highlight(textEl.querySelectorAll("p, li"), gate.rules, {
      source: "draft", tone: gate.status === "approved" || gate.insertable ? "reviewed" : "review",
    });
  } else textEl.appendChild(h("p", { class: "pcd-muted", text: "The draft came back empty." }));

  const copyBtn = button("Copy", "copy", "pcd-btn-secondary", () => {
    if (refs.blocked) return;
    copyText(plain).then(() => {
      flashButton(copyBtn, "Copied", "check");
      o.announce("Draft copied to the clipboard");
    }, () => {
      flashButton(copyBtn, "Copy failed", "error");
      o.announce("Copy failed. Select the text and copy it manually.");
    });
  }, { disabled: !plain });
  const onInsert = o.onInsert;
  /** @type {HTMLButtonElement | null} */
  const insertBtn = onInsert
    ? button("Insert into reply", "insert", "pcd-btn-primary", () => onInsert(plain, /** @type {HTMLButtonElement} */ (insertBtn)), { disabled: !plain })
    : null;
  const redraft = o.onRedraft
    ? h("button", { type: "button", class: "pcd-btn pcd-btn-ghost pcd-btn-icon", title: "Draft again", "aria-label": "Draft again", onclick: o.onRedraft }, icon("refresh"))
    : null;
  const lockHint = h("p", { class: "pcd-lock-hint", id: uid("pcd-lock"), hidden: true }, icon("lock", "pcd-icon-xs"), h("span"));
  const insertError = h("p", { class: "pcd-insert-error", role: "alert", hidden: true });
  const inserted = h("p", { class: "pcd-inserted", hidden: true });

  const sources = citations.length
    ? h("ol", { class: "pcd-sources" }, citations.map((/** @type {any} */ c) => {
      const card = citationCard(c, { onEnter: (n) => badges.hot(n, true), onLeave: (n) => badges.hot(n, false) });
      const note = editedAwayNote(c);
      if (note) {
        card.querySelector(".pcd-source-head")?.after(h("p", { class: "pcd-cite-note", title: note.title },
          icon("info", "pcd-icon-xs"), h("span", { text: note.text })));
      }
      cards.set(Number(c.marker), card);
      return card;
    }))
    : h("p", { class: "pcd-muted pcd-none", text: "No sources are cited. Nothing in this draft is backed by a resolved ticket or help article." });

  const banner = locked ? gateBanner(gate, gateKind) : null;
  if (banner && gate.status === "review_required" && gate.eligible === 0 && o.onEscalate) {
    // Nobody can approve it: the way forward is to hand the ticket on, offered right here.
    banner.watchNote.after(button("Escalate", "flag", "pcd-btn-secondary pcd-btn-sm pcd-gate-escalate", o.onEscalate));
  }
  const cardClass = "pcd-card pcd-draft" + (locked ? " pcd-draft-locked" : "") +
    (gate.status === "rejected" ? " pcd-draft-rejected" : "") + (gate.status === "approved" ? " pcd-draft-approved" : "");
  const card = h("article", { class: cardClass, "aria-label": "Draft reply" },
    h("div", { class: "pcd-draft-head" }, h("h2", { class: "pcd-h2", text: "Draft reply" }), statusPill(gate), redraft),
    flagList(draft.flags),
    textEl,
    h("div", { class: "pcd-actions" }, insertBtn, copyBtn),
    lockHint, insertError, inserted,
    o.feedback);

  // Who is asking sits near the top, one line until opened; a gated draft folds its
  // notices too, so at 320 px its text starts within the first screen.
  const nodes = [
    gate.urgent ? safetyNotice(gate.instruction, gate.insertable ? null : "The draft below waits for a reviewer; this does not.") : null,
    banner ? banner.el : null,
    customer(draft.customer_context),
    notices(draft, locked),
    card,
    h("section", { class: "pcd-sources-wrap", "aria-label": "Sources" },
      h("h3", { class: "pcd-h3" }, "Sources", h("span", { class: "pcd-count", text: String(citations.length) })),
      sources),
  ];
  /** @type {ReadyRefs} */
  const refs = { text: textEl, cards, card, banner, insertBtn, copyBtn, lockHint, insertError, inserted, blocked: locked, inserting: false, done: false };
  if (banner) {
    /** @type {Node} */ (lockHint.lastChild).textContent = GATE_COPY[gateKind].hint;
    lockHint.hidden = false;
    lockButtons([insertBtn, copyBtn], lockHint, lockHint.id + " " + banner.reasonId);
  }
  if (!locked) showInserted(inserted, draft.inserted_at);
  return { nodes, refs };
}

/**
 * Citation badges in the text light up while their source card is hovered; clicking one
 * brings its card into view.
 * @param {HTMLElement} textEl
 * @param {Map<number, HTMLElement>} cards
 */
function citeBadges(textEl, cards) {
  /** @type {ReturnType<typeof setTimeout> | null} */
  let flashTimer = null;
  return {
    /** @param {number} marker @param {boolean} on */
    hot(marker, on) {
      textEl.querySelectorAll('.pcd-cite[data-marker="' + marker + '"]').forEach((b) => b.classList.toggle("pcd-cite-hot", on));
    },
    /** @param {number} marker */
    focus(marker) {
      const card = cards.get(marker);
      if (!card) return;
      cards.forEach((c) => c.classList.remove("pcd-flash"));
      card.scrollIntoView({ behavior: reducedMotion() ? "auto" : "smooth", block: "nearest" });
      void card.offsetWidth; // restart the animation when clicked twice
      card.classList.add("pcd-flash");
      try {
        card.focus({ preventScroll: true });
      } catch {
        card.focus();
      }
      if (flashTimer) clearTimeout(flashTimer);
      flashTimer = setTimeout(() => card.classList.remove("pcd-flash"), 1800);
    },
  };
}

/** "Inserted into a reply at 10:42", or hidden without a valid time. @param {HTMLElement} el @param {unknown} when */
export function showInserted(el, when) {
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
 * The server refused an insert (409): it is the authority, so lock the draft and say why.
 * The server's answer becomes the banner when the page thought the draft was usable.
 * @param {ReadyRefs} ui
 * @param {HTMLElement} body  the sidebar's body (the safety notice stays first in it)
 * @param {import("../shared/gate.js").Gate} gate  the draft's gate as shown
 * @param {string} kind  the banner kind
 * @param {string} message
 */
export function lockRefused(ui, body, gate, kind, message) {
  ui.blocked = true;
  let banner = ui.banner;
  if (!banner) {
    banner = ui.banner = gateBanner({ ...gate, status: kind, insertable: false, reason: message }, kind);
    const safety = body.querySelector(":scope > .pcd-safety");
    body.insertBefore(banner.el, safety ? safety.nextSibling : body.firstChild);
    banner.error.textContent = "Insert refused by Precedent.";
  } else banner.error.textContent = "Insert refused: " + message;
  banner.error.hidden = false;
  const pill = ui.card.querySelector(".pcd-draft-head .pcd-status");
  if (pill && pill.parentNode) pill.parentNode.replaceChild(statusPill({ ...gate, status: kind, insertable: false }), pill);
  ui.card.classList.add("pcd-draft-locked");
  /** @type {Node} */ (ui.lockHint.lastChild).textContent = "Insert and Copy are locked: Precedent refused to insert this draft.";
  ui.lockHint.hidden = false;
  lockButtons([ui.insertBtn, ui.copyBtn], ui.lockHint, ui.lockHint.id + " " + banner.reasonId);
  banner.el.scrollIntoView({ behavior: reducedMotion() ? "auto" : "smooth", block: "nearest" });
}
