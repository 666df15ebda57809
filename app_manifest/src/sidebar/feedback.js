// @ts-check
/**
 * The agent's verdict row: Reject, Escalate, thumbs up / down, each reported as an outcome.
 * Thumbs-down first asks why (wrong facts, wrong tone, missing info, not needed; "Skip"
 * reports it without a reason), so one verdict is one outcome. Escalate first asks for an
 * optional note, then hands the ticket on (escalate.js: internal note, group, tags, people
 * told; the server records the verdict) and says what happened and who was told.
 */
import { h } from "../shared/dom.js";
import { sentence } from "../shared/text.js";
import { escalationMessage } from "./escalate.js";
import { button } from "./views.js";

/** The reasons the server accepts (backend/learning/outcomes.py REASONS), as the agent reads them. */
export const DOWN_REASONS = [
  ["wrong_facts", "Wrong facts"],
  ["wrong_tone", "Wrong tone"],
  ["missing_info", "Missing info"],
  ["not_needed", "Not needed"],
];

/**
 * @typedef {{ action?: string, rating?: string, reason?: string }} Verdict
 * @typedef {{ el: HTMLElement, openEscalate: () => void }} Feedback
 * @param {(outcome: Verdict) => Promise<unknown>} report  POSTs the outcome for this draft
 * @param {(action: string) => void} onAction  the server recorded an action (the last one rides along later)
 * @param {(message: string) => void} announce
 * @param {(note: string) => Promise<import("./escalate.js").Escalation>} escalate  hands the ticket on
 * @returns {Feedback}
 */
export function feedbackRow(report, onAction, announce, escalate) {
  const note = h("p", { class: "pcd-feedback-note", role: "status", hidden: true });
  /** @type {{ btn: HTMLButtonElement, group: string }[]} */
  const buttons = [];
  /** @type {HTMLElement | null} */
  let reasons = null;

  /** @param {Verdict} outcome @param {HTMLButtonElement} btn @param {string} done @param {HTMLButtonElement} [pressed] */
  function send(outcome, btn, done, pressed) {
    if (btn.getAttribute("aria-busy") === "true") return;
    btn.setAttribute("aria-busy", "true");
    const group = outcome.action ? "action" : "rating";
    report(outcome).then(() => {
      if (outcome.action) onAction(outcome.action);
      const on = pressed || btn;
      for (const b of buttons) if (b.group === group) b.btn.setAttribute("aria-pressed", b.btn === on ? "true" : "false");
      if (reasons && outcome.rating) closeReasons();
      note.textContent = done;
      announce(done);
    }, (err) => {
      note.textContent = "Could not record that: " + sentence(err.message);
    }).then(() => {
      btn.removeAttribute("aria-busy");
      note.hidden = false;
    });
  }

  /**
   * @param {string} label @param {string} iconName @param {Verdict} outcome
   * @param {string} done @param {Record<string, string>} [attrs]
   */
  function choice(label, iconName, outcome, done, attrs) {
    const btn = button(label, iconName, "pcd-btn-ghost pcd-btn-sm", () => send(outcome, btn, done), { "aria-pressed": "false", ...(attrs || {}) });
    buttons.push({ btn, group: outcome.action ? "action" : "rating" });
    return btn;
  }

  const up = choice("", "thumb", { rating: "up" }, "Thanks: marked as helpful.", { title: "Helpful", "aria-label": "Helpful" });
  const down = button("", "thumb", "pcd-btn-ghost pcd-btn-sm pcd-thumb-down", () => (reasons && !reasons.hidden ? closeReasons() : openReasons()), {
    "aria-pressed": "false", "aria-expanded": "false", title: "Not helpful", "aria-label": "Not helpful",
  });
  buttons.push({ btn: down, group: "rating" });

  function openReasons() {
    if (!reasons) {
      const list = /** @type {HTMLElement} */ (reasons = h("div", { class: "pcd-reasons", role: "group", "aria-label": "What was wrong with this draft?" },
        h("span", { class: "pcd-reasons-label", text: "What was wrong?" })));
      for (const [value, label] of DOWN_REASONS) {
        const b = button(label, null, "pcd-btn-secondary pcd-btn-sm pcd-reason", () => send({ rating: "down", reason: value }, b,
          "Thanks: marked as not helpful (" + label.toLowerCase() + ").", down));
        list.appendChild(b);
      }
      const skip = button("Skip", null, "pcd-btn-ghost pcd-btn-sm", () => send({ rating: "down" }, skip, "Thanks: marked as not helpful.", down));
      list.appendChild(skip);
      row.parentNode?.insertBefore(list, note);
    }
    reasons.hidden = false;
    down.setAttribute("aria-expanded", "true");
    const first = reasons.querySelector("button");
    if (first) first.focus();
  }

  function closeReasons() {
    if (reasons) reasons.hidden = true;
    down.setAttribute("aria-expanded", "false");
  }

  const escalateBtn = button("Escalate", "flag", "pcd-btn-ghost pcd-btn-sm", () => (form.hidden ? openEscalate() : closeEscalate()), {
    "aria-pressed": "false", "aria-expanded": "false",
  });
  buttons.push({ btn: escalateBtn, group: "action" });
  const noteField = /** @type {HTMLTextAreaElement} */ (h("textarea", { class: "pcd-escalate-note", rows: "2", maxlength: "10000",
    "aria-label": "Note for whoever takes the ticket (optional)", placeholder: "Note for whoever takes it (optional)" }));
  const sendBtn = button("Escalate ticket", "flag", "pcd-btn-secondary pcd-btn-sm", () => sendEscalation());
  const form = h("div", { class: "pcd-escalate", role: "group", "aria-label": "Escalate this ticket", hidden: true },
    h("span", { class: "pcd-reasons-label", text: "An internal note, the escalation group and tags go on the ticket; the customer sees nothing." }),
    noteField, sendBtn, button("Cancel", null, "pcd-btn-ghost pcd-btn-sm", () => closeEscalate()));

  function openEscalate() {
    if (escalateBtn.getAttribute("aria-pressed") === "true") {
      note.hidden = false;
      note.scrollIntoView({ block: "nearest" });
      return; // escalated already: the note says by whom and to whom
    }
    form.hidden = false;
    escalateBtn.setAttribute("aria-expanded", "true");
    form.scrollIntoView({ block: "nearest" });
    noteField.focus();
  }

  function closeEscalate() {
    form.hidden = true;
    escalateBtn.setAttribute("aria-expanded", "false");
  }

  function sendEscalation() {
    if (sendBtn.getAttribute("aria-busy") === "true") return; // one escalation per click
    sendBtn.setAttribute("aria-busy", "true");
    sendBtn.disabled = true;
    note.textContent = "Escalating: adding an internal note to the ticket\u2026";
    note.hidden = false;
    escalate(noteField.value).then((escalation) => {
      const done = escalationMessage(escalation);
      if (escalation && escalation.status !== "failed") {
        onAction("escalated");
        for (const b of buttons) if (b.group === "action") b.btn.setAttribute("aria-pressed", b.btn === escalateBtn ? "true" : "false");
        closeEscalate();
      }
      note.textContent = done;
      announce(done);
    }, (err) => {
      note.textContent = "Could not escalate: " + sentence(err.message);
    }).then(() => {
      sendBtn.removeAttribute("aria-busy");
      sendBtn.disabled = false;
    });
  }

  const row = h("div", { class: "pcd-feedback-row", role: "group", "aria-label": "Your verdict on this draft" },
    choice("Reject", "x", { action: "rejected" }, "Rejected: Precedent records that this draft was not used."),
    escalateBtn,
    h("span", { class: "pcd-feedback-spacer" }), up, down);
  return { el: h("div", { class: "pcd-feedback" }, row, form, note), openEscalate };
}
