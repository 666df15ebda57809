// @ts-check
/** The reviewer's decision panel: note, Approve / Edit & approve / Reject, alerts, busy state. */
import { add, clear, h } from "../shared/dom.js";
import { sentence, str } from "../shared/text.js";
import { icon } from "./icons.js";
import { decisionCoverage, today } from "./queue.js";
import { formatDay } from "./views.js";

/** @typedef {import("./queue.js").Reviewer} Reviewer */
/** @typedef {"approve" | "edit_and_approve" | "reject"} Action */
/**
 * @typedef {{ note: HTMLTextAreaElement, noteError: HTMLElement, alert: HTMLElement,
 *   buttons: Record<"approve" | "edit" | "saveEdit" | "cancelEdit" | "reject", HTMLButtonElement> }} DecisionRefs
 * @typedef {{ textEl: HTMLElement, draftBody: HTMLElement, editor: HTMLElement, editArea: HTMLTextAreaElement,
 *   editingTag: HTMLElement, cards: Map<number, HTMLElement>, draftText: string }} EditorRefs
 */

/**
 * The decision panel for a pending item: who decides with which licences, a warning for the
 * domains they hold no valid licence for, the note, and Approve / Edit & approve / Reject.
 * @param {any} item
 * @param {Reviewer | null} reviewer
 * @param {{ decide: (action: Action) => void, startEdit: () => void, stopEdit: () => void }} on
 */
export function decisionPanel(item, reviewer, on) {
  /** @type {Reviewer} */
  const r = reviewer || {};
  const noteId = "rv-note";
  const note = h("textarea", {
    id: noteId, class: "rv-textarea", rows: "4", "aria-describedby": "rv-note-hint",
    placeholder: "What you checked, or why you reject it",
  });
  const noteError = h("p", { class: "rv-field-error", id: "rv-note-error", hidden: true });
  const alertBox = h("div", { class: "rv-decision-alert", hidden: true, tabindex: "-1" });
  const approve = h("button", { type: "button", class: "pv-btn rv-btn-approve", onclick: () => on.decide("approve") }, icon("check"), h("span", { text: "Approve" }));
  const editBtn = h("button", { type: "button", class: "pv-btn pv-btn-secondary", onclick: on.startEdit }, icon("edit"), h("span", { text: "Edit & approve" }));
  const saveEdit = h("button", { type: "button", class: "pv-btn rv-btn-approve", hidden: true, onclick: () => on.decide("edit_and_approve") }, icon("check"), h("span", { text: "Approve edited draft" }));
  const cancelEdit = h("button", { type: "button", class: "pv-btn pv-btn-ghost", hidden: true, onclick: on.stopEdit, text: "Cancel edit" });
  const reject = h("button", { type: "button", class: "pv-btn rv-btn-reject", onclick: () => on.decide("reject") }, icon("ban"), h("span", { text: "Reject" }));
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
  return { section, refs: { note, noteError, alert: alertBox, buttons: { approve, edit: editBtn, saveEdit, cancelEdit, reject } } };
}

/** Shows the editor (on) or the draft (off) and the buttons that go with each. @param {DecisionRefs & EditorRefs} ui @param {boolean} on */
export function showEditor(ui, on) {
  const b = ui.buttons;
  ui.draftBody.hidden = on;
  ui.editor.hidden = !on;
  ui.editingTag.hidden = !on;
  b.approve.hidden = on;
  b.edit.hidden = on;
  b.saveEdit.hidden = !on;
  b.cancelEdit.hidden = !on;
}

/** The alert in the decision panel. @param {HTMLElement | undefined} box @param {string} tone @param {string} title @param {unknown} text @param {Node} [actions] */
export function showAlert(box, tone, title, text, actions) {
  if (!box) return;
  clear(box);
  box.className = "rv-decision-alert rv-alert-" + tone;
  box.setAttribute("role", "alert");
  add(box, [icon(tone === "error" ? "lock" : "warn"),
    h("div", { class: "rv-alert-body" }, h("strong", { text: title }), h("span", { text: sentence(text) }), actions || null)]);
  box.hidden = false;
  box.scrollIntoView({ behavior: "auto", block: "nearest" });
}

/**
 * While a decision is sent: every button disabled, the pressed one spinning, the queue frozen.
 * @param {Partial<DecisionRefs & EditorRefs> & { locked?: boolean }} ui
 * @param {boolean} on
 * @param {string | undefined} action
 * @param {{ detail: HTMLElement, queue: HTMLElement }} els
 */
export function showBusy(ui, on, action, els) {
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

/** Lock the panel after a refusal that trying again will not fix. @param {{ locked?: boolean, buttons?: DecisionRefs["buttons"] }} ui */
export function lockDecision(ui) {
  ui.locked = true;
  if (ui.buttons) Object.values(ui.buttons).forEach((b) => { b.disabled = true; });
}
