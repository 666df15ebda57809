// @ts-check
/** What a source card adds for the sidebar: the note on a section agents often edit away. */

/**
 * The note for a citation whose section is on the tenant's open revision list
 * (`edited_away`: the share of its cited sentences agents removed or rewrote), else null.
 * @param {{ edited_away?: unknown }} citation
 * @returns {{ text: string, title: string } | null}
 */
export function editedAwayNote(citation) {
  const share = citation && citation.edited_away;
  if (typeof share !== "number" || !Number.isFinite(share) || share <= 0) return null;
  const pct = Math.round(Math.min(share, 1) * 100);
  return {
    text: "Agents often change this",
    title: "In " + pct + "% of the replies agents sent, they removed or rewrote what this section " +
      "said; its owner has been asked to review it. Check it before you rely on it.",
  };
}
