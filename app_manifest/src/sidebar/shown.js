// @ts-check
/**
 * Telling Precedent when an agent was first shown a ready draft (POST /drafts/<id>/shown):
 * the insights count review speed from there, not from when a draft written ahead of time
 * (a helpdesk webhook's pre-draft) became ready, long before anyone opened the ticket.
 *
 * One report per draft: a re-render (the gate's watch, a cached draft shown again) asks
 * nothing. Not while the page is hidden (a background tab shows nobody anything): the next
 * render, or the page becoming visible, reports it then. A failed report is only logged,
 * never shown to the agent, and the next chance tries again (the server keeps the first
 * moment however often it is told). A draft already inserted is not reported: it was seen
 * before, and a report now would count its review as 0.
 */
import { str } from "../shared/text.js";

/**
 * @typedef {{
 *   post: (path: string, body?: unknown) => Promise<unknown>,
 *   visible?: () => boolean,
 *   warn?: (message: string) => void,
 * }} ShownOptions
 */

/** @param {ShownOptions} o */
export function shownReporter(o) {
  /** @type {Set<string>} drafts reported, or being reported */
  const told = new Set();

  /** After the draft's text is rendered. @param {any} draft @returns {Promise<void>} */
  function report(draft) {
    if (!draft || draft.status !== "ready" || !draft.id || draft.inserted_at) return Promise.resolve();
    const id = str(draft.id);
    if (told.has(id) || (o.visible && !o.visible())) return Promise.resolve();
    told.add(id);
    return Promise.resolve()
      .then(() => o.post("/drafts/" + encodeURIComponent(id) + "/shown", {}))
      .then(() => undefined, (err) => {
        told.delete(id);
        if (o.warn) o.warn("Precedent: could not record that the draft was shown: " + str(err && err.message));
      });
  }

  return { report };
}
