// @ts-check
/** What the draft view says, as plain data (no DOM): notices, flags, customer facts, timings. */
import { formatMs, humanize, str, totalMs } from "../shared/text.js";

/** @typedef {"gap" | "warn" | "info"} Tone */
/** @typedef {{ tone: Tone, title: string, body: string }} Notice */

/** @type {Record<string, { label: string, tone: string }>} */
export const FLAG_INFO = {
  weak_evidence: { label: "Weak evidence", tone: "warn" },
  knowledge_gap: { label: "Knowledge gap", tone: "gap" },
  unsupported_citation_removed: { label: "Unsupported citation removed", tone: "neutral" },
  context_skipped: { label: "No customer context", tone: "neutral" },
};

/** @type {Record<string, string>} */
export const DEFAULT_NOTES = {
  weak_evidence: "The closest precedent is only loosely related. Check every sentence against the cited sources before using it.",
  knowledge_gap: "No resolved ticket or help article matches this question. Write this reply yourself, and consider documenting the answer.",
};

/** @type {Record<string, string>} */
export const STAGE_LABELS = {
  fetch: "Fetch ticket", redact: "Redact", retrieve: "Retrieve",
  generate: "Generate", verify: "Verify citations", restore: "Restore",
};

/** A drafting note ("Knowledge gap: …") as a notice. @param {unknown} note @returns {Notice} */
export function classifyNote(note) {
  const text = str(note).trim();
  const m = text.match(/^(weak evidence|knowledge gap)\s*[:\u2014-]\s*/i);
  if (m) {
    const gap = /gap/i.test(m[1]);
    const rest = text.slice(m[0].length);
    return { tone: gap ? "gap" : "warn", title: gap ? "Knowledge gap" : "Weak evidence", body: rest.charAt(0).toUpperCase() + rest.slice(1) };
  }
  return { tone: "info", title: "Note", body: text };
}

/**
 * The notices above a draft: its notes and the gate's notes, plus a default one for a
 * weak-evidence or knowledge-gap flag no note explains; gaps first, then warnings, then the rest.
 * @param {any} draft
 * @returns {Notice[]}
 */
export function draftNotices(draft) {
  /** @type {unknown[]} */
  const notes = Array.isArray(draft.notes) ? draft.notes : [];
  // What the gate says about its own decision (a language it was not measured on).
  /** @type {unknown[]} */
  const gateNotes = draft.gate && Array.isArray(draft.gate.notes) ? draft.gate.notes : [];
  const flags = Array.isArray(draft.flags) ? draft.flags : [];
  const list = notes.concat(gateNotes).map(classifyNote);
  for (const flag of ["weak_evidence", "knowledge_gap"]) {
    /** @type {Tone} */
    const tone = flag === "knowledge_gap" ? "gap" : "warn";
    if (flags.indexOf(flag) >= 0 && !list.some((/** @type {Notice} */ n) => n.tone === tone)) {
      list.push({ tone, title: FLAG_INFO[flag].label, body: DEFAULT_NOTES[flag] });
    }
  }
  /** @type {Record<Tone, number>} */
  const order = { gap: 0, warn: 1, info: 2 };
  return list.sort((a, b) => order[a.tone] - order[b.tone]);
}

/** A flag's pill: label and tone. @param {unknown} flag */
export function flagPill(flag) {
  return FLAG_INFO[str(flag)] || { label: humanize(flag), tone: "neutral" };
}

/**
 * Who is asking, from the helpdesk (never sent to a model): [label, value] facts with a
 * value, the customer's tags and recent tickets. Null without a context.
 * @param {any} context
 * @returns {{ facts: [string, string][], tags: string[], recent: { subject: string, status: string }[] } | null}
 */
export function customerFacts(context) {
  if (!context || typeof context !== "object") return null;
  const prior = context.prior_tickets || {};
  const recent = Array.isArray(prior.recent) ? prior.recent : [];
  const tags = Array.isArray(context.tags) ? context.tags : [];
  const fields = context.fields && typeof context.fields === "object" ? context.fields : {};
  /** @type {[string, unknown][]} */
  const facts = [["Organisation", context.organization], ["Plan", context.plan]];
  Object.keys(fields).filter((k) => str(fields[k]) !== str(context.plan))
    .slice(0, 4).forEach((k) => facts.push([humanize(k), fields[k]]));
  facts.push(["Prior tickets", String(Number(prior.count) || 0)]);
  return {
    facts: facts.filter((f) => str(f[1]).trim()).map(([label, value]) => /** @type {[string, string]} */ ([label, str(value)])),
    tags: tags.map(str),
    recent: recent.map((/** @type {any} */ t) => ({ subject: str(t.subject) || "#" + str(t.id), status: t.status ? str(t.status) : "" })),
  };
}

/**
 * The footer line: who drafted it, how long it took, how many attempts; and the timings
 * table as [stage label, duration] rows.
 * @param {any} draft
 */
export function footerFacts(draft) {
  const who = [draft.provider, draft.model].filter(Boolean).map(str).join(" \u00b7 ");
  const total = totalMs(draft.timings_ms);
  const timings = draft.timings_ms && typeof draft.timings_ms === "object" ? draft.timings_ms : null;
  return {
    who,
    total: isFinite(total) ? formatMs(total) : "",
    attempts: Number(draft.attempts) > 1 ? draft.attempts + " attempts" : "",
    timings: timings ? Object.keys(timings).map((k) => [STAGE_LABELS[k] || humanize(k), formatMs(Number(timings[k]))]) : [],
  };
}

/**
 * The line under a draft that is still being written, when a try went wrong.
 * @param {any} draft
 */
export function retryLine(draft) {
  const err = draft && draft.error;
  if (!err || !err.message || draft.status === "failed") return "";
  return "Retrying after a problem" + (draft.attempts ? " (attempt " + draft.attempts + ")" : "") + ": " + str(err.message);
}
