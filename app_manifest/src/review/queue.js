// @ts-check
/**
 * The reviewer's queue as data: which credentials cover an item, how long items waited,
 * what to select after the queue changes. Pure: the clock and "today" are passed in.
 */
import { domainLabel } from "../shared/gate.js";
import { str } from "../shared/text.js";

/**
 * @typedef {{ domain?: string, jurisdictions?: string[], licence_id?: string, expires_on?: string }} Credential
 * @typedef {{ name?: string, email?: string, credentials?: Credential[] }} Reviewer
 * @typedef {{ draft_id?: string, review_id?: number | null }} SupersededBy
 * @typedef {{ id: string | number, ticket_id?: string, subject?: string | null, domains?: string[], jurisdiction?: string | null,
 *   urgent?: boolean, age_seconds?: number, created_at?: string, status?: string, superseded_by?: SupersededBy | null }} ReviewItem
 */

/** "YYYY-MM-DD" as a local calendar day (no time-zone shift). @param {unknown} value */
export function parseDay(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(str(value));
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null;
}

/** Midnight today, local time. @param {Date} [now] */
export function today(now) {
  const n = now || new Date();
  return new Date(n.getFullYear(), n.getMonth(), n.getDate());
}

/** @param {unknown} value */
export function parseDate(value) {
  if (!value) return null;
  const d = new Date(/** @type {string} */ (value));
  return isNaN(d.getTime()) ? null : d;
}

/** Same rule as the server: a medical licence may also decide safety items. @param {Credential | null | undefined} credential @param {string} domain */
export function coversDomain(credential, domain) {
  const d = str(credential && credential.domain);
  return d === domain || (domain === "safety" && d === "medical");
}

/** Same rule as the server: "US-*" covers "US-CA", "*" covers everything. @param {Credential | null | undefined} credential @param {unknown} jurisdiction */
export function covers(credential, jurisdiction) {
  const j = str(jurisdiction);
  const list = Array.isArray(credential && credential.jurisdictions) ? /** @type {Credential} */ (credential).jurisdictions?.map(str) ?? [] : [];
  return list.some((p) => p === "*" || p === j || (p.slice(-2) === "-*" && j.indexOf(p.slice(0, -1)) === 0));
}

/**
 * Expired, expiring within 30 days, and the days left.
 * @param {Credential | null | undefined} c
 * @param {Date} day  today
 */
export function credentialStatus(c, day) {
  const d = parseDay(c && c.expires_on);
  if (!d) return { expired: false, soon: false, days: /** @type {number | null} */ (null) };
  const days = Math.round((d.getTime() - day.getTime()) / 86400000);
  return { expired: days < 0, soon: days >= 0 && days <= 30, days };
}

/**
 * How long an item has waited, in seconds: the server's age when the queue was fetched
 * plus the time since, else since its creation. NaN when unknown.
 * @param {ReviewItem} item
 * @param {number} fetchedAt
 * @param {number} now
 */
export function ageSeconds(item, fetchedAt, now) {
  const base = Number(item.age_seconds);
  if (!isFinite(base)) {
    const created = parseDate(item.created_at);
    return created ? Math.max(0, (now - created.getTime()) / 1000) : NaN;
  }
  return base + Math.max(0, (now - fetchedAt) / 1000);
}

/** "just now", "12 min", "3 h", "2 d". @param {number} seconds */
export function formatAge(seconds) {
  if (!isFinite(seconds)) return "";
  if (seconds < 60) return "just now";
  if (seconds < 3600) return Math.floor(seconds / 60) + " min";
  if (seconds < 86400) return Math.floor(seconds / 3600) + " h";
  return Math.floor(seconds / 86400) + " d";
}

/** "less than a minute", "1 hour", "3 days". @param {number} seconds */
export function longAge(seconds) {
  if (!isFinite(seconds)) return "";
  if (seconds < 60) return "less than a minute";
  for (const [size, unit] of /** @type {[number, string][]} */ ([[86400, "day"], [3600, "hour"], [60, "minute"]])) {
    if (seconds >= size) {
      const n = Math.floor(seconds / size);
      return n + " " + unit + (n === 1 ? "" : "s");
    }
  }
  return "";
}

/** "Ana Ruiz" → "AR"; "?" for nothing. @param {unknown} name */
export function initials(name) {
  const parts = str(name).trim().split(/[\s@._-]+/).filter(Boolean);
  if (!parts.length) return "?";
  return (parts[0].charAt(0) + (parts.length > 1 ? parts[parts.length - 1].charAt(0) : "")).toUpperCase();
}

/**
 * What to open after a queue arrives: the item named in the address (first load), the
 * first item, nothing (empty), or keep the current one. `gone` says the open, still
 * pending item left the queue (someone else decided it, or credentials changed).
 * @param {{ ids: string[], selected: string | null, hashId: string, initial: boolean, openPending: boolean, afterDecision: boolean, hasItem: boolean }} q
 * @returns {{ select: string | null, empty: boolean, gone: boolean }}
 */
export function queueSelection(q) {
  if (q.initial) {
    if (q.hashId && q.ids.indexOf(q.hashId) >= 0) return { select: q.hashId, empty: false, gone: false };
    return q.ids.length ? { select: q.ids[0], empty: false, gone: false } : { select: null, empty: true, gone: false };
  }
  const gone = !!q.selected && q.ids.indexOf(q.selected) < 0 && q.openPending && !q.afterDecision;
  if (!q.selected) return q.ids.length ? { select: q.ids[0], empty: false, gone } : { select: null, empty: true, gone };
  return { select: null, empty: !q.ids.length && !q.hasItem, gone };
}

/**
 * The queue without a decided item, and the item to open next: the one that took its
 * place, or the last one.
 * @template {ReviewItem} T
 * @param {T[]} reviews
 * @param {string} id
 * @returns {{ reviews: T[], next: T | null }}
 */
export function removeReview(reviews, id) {
  const at = reviews.map((r) => str(r.id)).indexOf(id);
  const rest = reviews.filter((r) => str(r.id) !== id);
  return { reviews: rest, next: rest.length ? rest[Math.min(Math.max(at, 0), rest.length - 1)] : null };
}

/**
 * The reviewer's valid credentials for an item, and a line per domain none of them covers
 * (the server will refuse; the page says so up front).
 * @param {Reviewer} reviewer
 * @param {{ domains?: string[], jurisdiction?: string | null }} item
 * @param {Date} day  today
 * @param {(day: string | undefined) => string} formatDay
 */
export function decisionCoverage(reviewer, item, day, formatDay) {
  const all = Array.isArray(reviewer.credentials) ? reviewer.credentials : [];
  const domains = Array.isArray(item.domains) ? item.domains : [];
  const creds = all.filter((c) => domains.some((d) => coversDomain(c, d)) && !credentialStatus(c, day).expired && covers(c, item.jurisdiction));
  const gaps = domains.filter((d) => !creds.some((c) => coversDomain(c, d)));
  const notes = gaps.map((d) => {
    const expired = all.filter((c) => c.domain === d && credentialStatus(c, day).expired)[0];
    return expired
      ? "Your " + domainLabel(d).toLowerCase() + " licence " + str(expired.licence_id) + " expired on " + formatDay(expired.expires_on) + "."
      : "You have no " + domainLabel(d).toLowerCase() + " licence covering " + (item.jurisdiction || "this jurisdiction") + ".";
  });
  return { creds, notes };
}

/**
 * The toast after a decision went through.
 * @param {string} action  approve | edit_and_approve | reject
 * @param {unknown} status  the review's status as the server answered
 * @param {string} id
 */
export function decisionDone(action, status, id) {
  const verb = action === "reject" ? "Rejected" : action === "edit_and_approve" ? "Edited and approved" : "Approved";
  const s = str(status);
  const detail = s === "rejected" ? "The agent is told not to use this draft."
    : s === "approved" ? "The agent can now insert the draft." : "Review #" + id + " is decided.";
  return { verb, tone: action === "reject" ? "warn" : "ok", detail };
}

/**
 * Where a flagged passage was found in the text shown.
 * @param {number} n  matches highlighted
 * @param {string} source  ticket | draft
 */
export function foundText(n, source) {
  if (!n) return "Not found in the text shown (it may contain redacted details)";
  return (n === 1 ? "Highlighted in the " : "Highlighted " + n + "\u00d7 in the ") + (source === "ticket" ? "ticket" : "draft");
}

/**
 * What replaced a superseded item: the line to show and the review to link to (none when the
 * newer draft needs no review).
 * @param {ReviewItem} item
 * @returns {{ text: string, reviewId: string | null }}
 */
export function successor(item) {
  const next = item.superseded_by || {};
  const id = next.review_id == null ? null : String(next.review_id);
  return id
    ? { text: "Replaced by a newer draft of this ticket: review #" + id, reviewId: id }
    : { text: "Replaced by a newer draft of this ticket that needs no review", reviewId: null };
}
