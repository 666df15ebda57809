// @ts-check
/** Small string and number helpers: pure, no DOM. */

/** @param {unknown} value */
export function str(value) {
  return value == null ? "" : String(value);
}

/** "first letter up", trimmed. @param {unknown} text */
export function sentence(text) {
  const t = str(text).trim();
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** "weak_evidence" → "Weak evidence"; empty → "Flag". @param {unknown} flag */
export function humanize(flag) {
  const s = str(flag).replace(/[_-]+/g, " ").trim();
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : "Flag";
}

/** "850 ms", "1.2 s", "12 s"; "" when not a number. @param {number} ms */
export function formatMs(ms) {
  if (!isFinite(ms)) return "";
  if (ms < 1000) return Math.round(ms) + " ms";
  if (ms < 10000) return (ms / 1000).toFixed(1) + " s";
  return Math.round(ms / 1000) + " s";
}

/** Sum of the numeric stage timings; NaN when there are none. @param {unknown} timings */
export function totalMs(timings) {
  if (!timings || typeof timings !== "object") return NaN;
  const values = Object.values(timings).map(Number).filter((v) => isFinite(v));
  return values.length ? values.reduce((a, b) => a + b, 0) : NaN;
}

/** A 0..1 score as a clamped whole percentage, or null. @param {unknown} score */
export function percent(score) {
  const n = Number(score);
  if (!isFinite(n)) return null;
  return Math.max(0, Math.min(100, Math.round(n * 100)));
}

/** "a", "a and b", "a, b and c". @param {string[]} items */
export function listWords(items) {
  if (items.length < 2) return items.join("");
  return items.slice(0, -1).join(", ") + " and " + items[items.length - 1];
}

/** @param {string} s */
export function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A URL safe to put in href: http(s) absolute, or site-relative (resolved against `base`,
 * the page's address by default). Otherwise null.
 * @param {unknown} url
 * @param {string} [base]
 */
export function safeUrl(url, base) {
  const raw = str(url).trim();
  if (!raw) return null;
  try {
    const parsed = new URL(raw, base ?? globalThis.location?.href);
    if (parsed.protocol === "http:" || parsed.protocol === "https:") return parsed.href;
  } catch {
    /* fall through */
  }
  return null;
}
