// @ts-check
/**
 * A held draft whose review was closed because the ticket changed (a new customer message,
 * a new policy or knowledge revision): the API names the newer draft in
 * `gate.superseded_by`, and the sidebar says so above the draft with a way to open it.
 */
import { h } from "../shared/dom.js";
import { icon } from "../shared/icons.js";
import { str } from "../shared/text.js";
import { button } from "./views.js";

/** The words of the notice. */
export const SUPERSEDED_COPY = Object.freeze({
  title: "A newer draft replaced this one",
  body: "The ticket changed since this draft was written, so its review was closed. The newer draft is the one a reviewer sees.",
  action: "Open the newer draft",
  announce: "A newer draft replaced this one. Open the newer draft to continue.",
});

/**
 * The id of the draft that replaced this one, or null.
 * @param {any} draft
 * @returns {string | null}
 */
export function supersededBy(draft) {
  const gate = draft && draft.gate && typeof draft.gate === "object" ? draft.gate : null;
  const next = gate ? str(gate.superseded_by).trim() : "";
  return next && next !== str(draft.id) ? next : null;
}

/**
 * The notice, first in the draft's view. @param {string} newer @param {(id: string) => void} onOpen
 * @returns {HTMLElement}
 */
export function supersededNotice(newer, onOpen) {
  return h("div", { class: "pcd-notice pcd-tone-warn pcd-superseded", role: "status", "data-newer": newer },
    icon("refresh"),
    h("div", { class: "pcd-notice-body" },
      h("p", { class: "pcd-notice-title", text: SUPERSEDED_COPY.title }),
      h("p", { text: SUPERSEDED_COPY.body }),
      h("div", { class: "pcd-notice-actions" },
        button(SUPERSEDED_COPY.action, "refresh", "pcd-btn-primary pcd-btn-sm", () => onOpen(newer)))));
}
