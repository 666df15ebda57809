// @ts-check
/** The agent's verdict row: Reject, Escalate, thumbs up / down, each reported as an outcome. */
import { h } from "../shared/dom.js";
import { sentence } from "../shared/text.js";
import { button } from "./views.js";

/**
 * @typedef {{ action?: string, rating?: string }} Verdict
 * @param {(outcome: Verdict) => Promise<unknown>} report  POSTs the outcome for this draft
 * @param {(action: string) => void} onAction  the server recorded an action (the last one rides along later)
 * @param {(message: string) => void} announce
 */
export function feedbackRow(report, onAction, announce) {
  const note = h("p", { class: "pcd-feedback-note", role: "status", hidden: true });
  /** @type {{ btn: HTMLButtonElement, group: string }[]} */
  const buttons = [];
  /**
   * @param {string} label @param {string} iconName @param {Verdict} outcome
   * @param {string} done @param {Record<string, string>} [attrs]
   */
  function choice(label, iconName, outcome, done, attrs) {
    const group = outcome.action ? "action" : "rating";
    const btn = button(label, iconName, "pcd-btn-ghost pcd-btn-sm", () => {
      if (btn.getAttribute("aria-busy") === "true") return;
      btn.setAttribute("aria-busy", "true");
      report(outcome).then(() => {
        if (outcome.action) onAction(outcome.action);
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
