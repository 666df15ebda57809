// @ts-check
/** What the Zendesk adapter makes of ZAF's answers: pure. */

/**
 * The outcome to report from the `ticket.save` hook: what the agent is about to send, or
 * null when the composer is empty.
 * @param {Record<string, unknown>} data  ZAF's answer to get(["ticket.comment.text", "ticket.comment.type"])
 */
export function sentOutcome(data) {
  const sent = data["ticket.comment.text"];
  if (!sent) return null;
  return { sent_text: sent, sent_type: data["ticket.comment.type"] || null };
}

/** The iframe height for content ending at `bottom` px (at least 120, 8 px below). @param {number} bottom */
export function frameHeight(bottom) {
  return Math.max(120, Math.ceil(bottom) + 8);
}

/** The bearer header for the page's app token, if it has one. @param {string | null} token @returns {Record<string, string>} */
export function bearer(token) {
  return token ? { Authorization: "Bearer " + token } : {};
}
