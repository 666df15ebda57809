// @ts-check
/** Citation markers ("[1]", "[1, 2]") and redaction placeholders in draft text: pure. */
import { escapeRe, str } from "./text.js";

export const MARKER_RE = /\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g;
export const STRIP_RE = /[ \t]*\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g;
/** Redaction placeholders, e.g. <PERSON_1>. */
export const PLACEHOLDER_RE = /<[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*>/g;

/** @typedef {{ marker?: unknown, title?: unknown, kind?: unknown, url?: unknown, source_id?: unknown, snippet?: unknown, score?: unknown }} Citation */

/** The citation markers that exist. @param {Citation[] | null | undefined} citations */
export function markerSet(citations) {
  /** @type {Set<number>} */
  const set = new Set();
  for (const c of citations || []) {
    const n = Number(c && c.marker);
    if (Number.isInteger(n)) set.add(n);
  }
  return set;
}

/** "1, 2" → [1, 2]. @param {string} group */
export function parseMarkers(group) {
  return group.split(",").map((s) => parseInt(s, 10));
}

/**
 * Draft text as plain text for the reply: markers that point at a citation are removed
 * (the customer cannot see the sources), everything else is kept verbatim.
 * @param {unknown} text
 * @param {Citation[] | null | undefined} citations
 * @param {boolean} [keepMarkers]
 */
export function toPlainText(text, citations, keepMarkers) {
  let value = str(text).replace(/\r\n?/g, "\n");
  if (!keepMarkers) {
    const known = markerSet(citations);
    value = value.replace(STRIP_RE, (match, group) =>
      parseMarkers(group).every((n) => known.has(n)) ? "" : match,
    );
  }
  return value
    .split("\n")
    .map((line) => line.replace(/[ \t]+$/, ""))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * A case-insensitive pattern for a rule's matched text. The text comes from the redacted
 * copy, so citation markers are ignored, any run of whitespace matches any other, and a
 * placeholder such as <PERSON_1> matches whatever was restored in its place.
 * @param {unknown} text
 */
export function rulePattern(text) {
  const t = str(text).replace(STRIP_RE, "").trim();
  if (t.replace(PLACEHOLDER_RE, "").replace(/[\W_]+/g, "").length < 2) return null;
  const pieces = t.split(PLACEHOLDER_RE).map((p) => p.trim());
  while (pieces.length && !pieces[0]) pieces.shift();
  while (pieces.length && !pieces[pieces.length - 1]) pieces.pop();
  const source = pieces
    .map((p) => (p ? p.split(/\s+/).map(escapeRe).join("\\s+") : ""))
    .join("[^\\n]{1,120}?");
  try {
    return new RegExp(source, "gi");
  } catch {
    return null;
  }
}
