// @ts-check
/**
 * Escalate: POST /drafts/<id>/escalate with the agent's note, then re-read the escalation
 * until the helpdesk has the internal note, group and tags and the people are told (or it
 * failed). The server's `summary` is what the agent reads: what happened and who was told.
 */
import { str } from "../shared/text.js";

/**
 * @typedef {{ status: string, summary: string, told: string[], links?: { self?: string } }} Escalation
 * @typedef {{
 *   post: (path: string, body: unknown) => Promise<any>,
 *   get: (path: string) => Promise<any>,
 *   wait: (ms: number) => Promise<void>,
 * }} EscalateIO
 */

/** How the escalation is re-read: 1 s, then each wait half as long again, at most 5 s, 24 times. */
export const ESCALATE_PACE = Object.freeze({ first: 1000, factor: 1.5, max: 5000, tries: 24 });

/**
 * @param {EscalateIO} io
 * @param {unknown} draftId
 * @param {string} note
 * @param {{ first: number, factor: number, max: number, tries: number }} [pace]
 * @returns {Promise<Escalation>}  done, failed, or still queued after the last try
 */
export async function escalateDraft(io, draftId, note, pace = ESCALATE_PACE) {
  const base = "/drafts/" + encodeURIComponent(str(draftId));
  /** @type {Escalation} */
  let escalation = await io.post(base + "/escalate", note.trim() ? { note: note.trim() } : {});
  let wait = pace.first;
  for (let i = 0; i < pace.tries && escalation && escalation.status === "queued"; i++) {
    await io.wait(wait);
    wait = Math.min(pace.max, Math.round(wait * pace.factor));
    escalation = await io.get(base + "/escalation");
  }
  return escalation;
}

/** The sentence for the agent. @param {Escalation | null | undefined} escalation */
export function escalationMessage(escalation) {
  if (!escalation || typeof escalation !== "object") return "Escalation: no answer from Precedent.";
  if (escalation.status === "queued") {
    return "Escalation queued: the helpdesk has not confirmed it yet. Check the ticket's notes shortly.";
  }
  return str(escalation.summary) || (escalation.status === "done" ? "Escalated." : "Escalation failed. Try again.");
}
