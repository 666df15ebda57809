// @ts-check
/** The compliance gate's part of a draft, and the words used for it: pure, no DOM. */
import { humanize, listWords, str } from "./text.js";

/**
 * One rule hit, flat: which rule, in which domain, on which text (ticket or draft).
 * @typedef {{ rule: string, domain: string, type: string, score: number | null, detail: string, source: string, text: string }} Rule
 */

/**
 * A draft's gate, with defaults for drafts from before the gate existed.
 * @typedef {{
 *   status: string, domains: string[], jurisdiction: string | null, rules: Rule[],
 *   insertable: boolean, reason: string | null, urgent: boolean, instruction: string | null,
 *   eligible: number | null,
 * }} Gate
 */

/** @type {Record<string, string>} */
export const DOMAIN_LABELS = {
  legal: "Legal",
  medical: "Medical",
  financial: "Financial",
  insurance: "Insurance",
  safety: "Safety",
};

/** @param {unknown} domain */
export function domainLabel(domain) {
  const d = str(domain).toLowerCase();
  return DOMAIN_LABELS[d] || humanize(domain);
}

/** @param {unknown} rule */
export function ruleLabel(rule) {
  return humanize(rule || "rule");
}

/** @param {string} source */
export function sourceLabel(source) {
  if (source === "draft") return "in the draft";
  if (source === "ticket") return "in the ticket";
  return source ? "in the " + source : "";
}

/**
 * Why one rule hit, in a line: the gate's own words (`detail`, e.g. "classifier: medical
 * 0.82 ≥ 0.50 on the ticket") when it gave them, else the rule id, its type and its score.
 * @param {{ rule?: string, type?: string, score?: number | null, detail?: string }} r
 */
export function ruleWhy(r) {
  if (r.detail) return r.detail;
  const parts = [r.rule, r.type].filter(Boolean);
  if (r.score != null) parts.push("score " + r.score.toFixed(2));
  return parts.join(" \u00b7 ");
}

/**
 * Rules as flat {rule, domain, source, text} entries. Accepts the API's flat RuleHit and
 * the gate's nested form ({rule, domain, spans: [{source, text, …}]}); drops duplicates.
 * @param {unknown} rules
 * @returns {Rule[]}
 */
export function normalizeRules(rules) {
  /** @type {Rule[]} */
  const out = [];
  for (const r of Array.isArray(rules) ? rules : []) {
    if (!r || typeof r !== "object") continue;
    const base = {
      rule: str(r.rule || r.id || r.policy),
      domain: str(r.domain),
      type: r.type ? str(r.type) : "",
      score: typeof r.score === "number" && isFinite(r.score) ? r.score : null,
      detail: r.detail ? str(r.detail) : "",
    };
    if (Array.isArray(r.spans) && r.spans.length) {
      for (const span of r.spans) {
        if (span && typeof span === "object") {
          out.push({ ...base, source: str(span.source), text: str(span.text) });
        }
      }
    } else out.push({ ...base, source: str(r.source), text: str(r.text) });
  }
  const seen = new Set();
  return out.filter((r) => {
    const key = [r.rule, r.domain, r.source, r.text.trim().toLowerCase()].join("\u0000");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The title of a highlighted passage. @param {Rule[]} rules */
export function hitTitle(rules) {
  const names = rules.map((r) => ruleLabel(r.rule) + (r.domain ? " (" + domainLabel(r.domain) + ")" : ""));
  return "Flagged for review: " + names.join("; ");
}

/**
 * The gate part of a Draft, with defaults for drafts from before the gate existed.
 * @param {any} draft
 * @returns {Gate}
 */
export function gateOf(draft) {
  const g = draft && draft.gate && typeof draft.gate === "object" ? draft.gate : null;
  if (!g) {
    return {
      status: "clear", domains: [], jurisdiction: null, rules: [], insertable: true,
      reason: null, urgent: false, instruction: null, eligible: null,
    };
  }
  const domains = (Array.isArray(g.domains) ? g.domains : []).map(str).filter(Boolean);
  return {
    status: str(g.status) || "clear",
    domains,
    jurisdiction: g.jurisdiction ? str(g.jurisdiction) : null,
    rules: normalizeRules(g.rules),
    insertable: g.insertable !== false,
    reason: g.reason ? str(g.reason) : null,
    urgent: g.urgent === true || domains.indexOf("safety") >= 0,
    instruction: g.instruction ? str(g.instruction) : null,
    eligible: typeof g.eligible_reviewers === "number" ? g.eligible_reviewers : null,
  };
}

/**
 * What changes the sidebar must re-render for while it waits for a reviewer.
 * @param {any} draft
 */
export function gateKey(draft) {
  const g = gateOf(draft);
  const newer = draft && draft.gate && draft.gate.superseded_by; // a newer draft replaced it
  return [draft && draft.status, g.status, g.insertable, g.reason, draft && draft.text, newer || ""].join("\u0000");
}

/**
 * @typedef {{ title: string, pill: string, icon: string, tone: string, hint: string }} GateCopy
 * @type {Record<string, GateCopy>}
 */
export const GATE_COPY = {
  review_required: {
    title: "Needs review before use", pill: "Awaiting review", icon: "lock", tone: "review",
    hint: "Insert and Copy are locked until a credentialed reviewer approves this draft.",
  },
  rejected: {
    title: "Rejected by reviewer", pill: "Rejected by reviewer", icon: "ban", tone: "rejected",
    hint: "Insert and Copy are off: a reviewer rejected this draft. Write the reply yourself or draft again.",
  },
  blocked: {
    title: "Not available for use", pill: "Locked", icon: "lock", tone: "rejected",
    hint: "Insert and Copy are locked: Precedent does not allow using this draft.",
  },
};

/** The banner's reason when the server gave none. @param {Gate} gate */
export function fallbackReason(gate) {
  const domains = listWords(gate.domains.map((d) => domainLabel(d).toLowerCase())) || "regulated";
  const where = gate.jurisdiction || "this jurisdiction";
  if (gate.status === "rejected") return "A reviewer rejected this draft (" + domains + " advice, " + where + "); do not use it.";
  if (gate.status === "review_required") {
    return "This draft may give " + domains + " advice for " + where + "; a reviewer credentialed for " +
      domains + " in " + where + " must approve it before use.";
  }
  return "Precedent does not allow inserting this draft.";
}

/** What the agent waits for; never promises a review that no reviewer can give. @param {Gate} gate */
export function waitingText(gate) {
  if (gate.eligible !== 0) return "Waiting for a reviewer. Insert unlocks here as soon as the draft is approved.";
  if (gate.urgent) return "No reviewer can approve this draft yet: follow the safety instruction above now, do not wait for it.";
  return "No reviewer is credentialed for this yet, so Insert stays locked and nobody will approve it soon: escalate the ticket to hand it on.";
}

export const SAFETY_FALLBACK = "Someone may be in danger. Follow your emergency procedure now.";
