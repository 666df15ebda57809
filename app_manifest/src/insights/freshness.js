// @ts-check
/**
 * How fresh the lead's lists are. The lists endpoint answers the stored lists with their
 * age (`age_seconds`, null when never computed) and whether a worker is recomputing them
 * (`refreshing`); the page says so above the lists and asks again until the refresh lands.
 */

export const POLL_MS = 5000; // a refresh takes seconds in a worker
export const POLLS = 24; // then the lead reloads: two minutes is a stuck worker, not a slow one

/**
 * An age in words.
 * @param {number} seconds
 */
export function ago(seconds) {
  const minutes = Math.floor(seconds / 60);
  if (minutes < 1) return "just now";
  if (minutes < 60) return plural(minutes, "minute") + " ago";
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return plural(hours, "hour") + " ago";
  return plural(Math.floor(hours / 24), "day") + " ago";
}

/**
 * The line above the lists, and whether the page should ask again shortly.
 * @param {number | null | undefined} ageSeconds
 * @param {boolean} refreshing
 * @returns {{ text: string, busy: boolean }}
 */
export function listsStatus(ageSeconds, refreshing) {
  if (ageSeconds == null) {
    return refreshing
      ? { text: "Refreshing… the lists are being computed for the first time.", busy: true }
      : { text: "The lists have not been computed yet.", busy: false };
  }
  const updated = "Updated " + ago(ageSeconds);
  return refreshing
    ? { text: `Refreshing… these lists were ${updated.toLowerCase()}.`, busy: true }
    : { text: updated + ".", busy: false };
}

/**
 * What the lists were counted over, when filters narrow them: the lists are found over the
 * last 30 days (`covers`); a filtered request recounts each entry over its drafts inside the
 * chosen window and dimensions (`narrowed`). Empty when nothing narrows them.
 * @param {{ since: string, until: string } | null | undefined} covers
 * @param {{ since: string, until: string, filters: Record<string, string> } | null | undefined} narrowed
 * @returns {string}
 */
export function scopeNote(covers, narrowed) {
  if (!narrowed) return "";
  const chosen = Object.entries(narrowed.filters).map(([k, v]) => `${k.replace("_", " ")} “${v || "(unknown)"}”`);
  const counted = chosen.length ? `Counted for ${chosen.join(", ")},` : "Counted";
  let note = `${counted} from ${day(narrowed.since)} to ${day(narrowed.until)}.`;
  if (covers && narrowed.since < covers.since) note += ` The lists look back to ${day(covers.since)} only.`;
  return note;
}

/**
 * Why a section or cohort found over the 30 days does not count within the filters, if so:
 * too few of its cited sentences or drafts match to judge, or it is under the bar there
 * (a section edited away less than the threshold, a cohort not above the rejection rate).
 * @param {"revision" | "coaching"} list
 * @param {{ flagged?: boolean, cited?: number, drafts?: number, min_count?: number }} d
 * @returns {string}
 */
export function judgedNote(list, d) {
  if (d.flagged !== false) return "";
  const counted = list === "revision" ? d.cited : d.drafts;
  if (d.min_count != null && (counted ?? 0) < d.min_count) {
    const what = list === "revision" ? "cited sentences" : "drafts";
    return ` · too few ${what} within these filters to judge (${d.min_count} needed)`;
  }
  return list === "revision"
    ? " · under the revision threshold within these filters"
    : " · not above the rate within these filters";
}

/** @param {string} iso */
function day(iso) {
  return iso.slice(0, 10);
}

/**
 * @param {number} n
 * @param {string} unit
 */
function plural(n, unit) {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}
