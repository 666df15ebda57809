// @ts-check
/**
 * Rendering shared by the sidebar and the reviewer's page: cited text, source cards,
 * domain pills, the safety notice and the highlighting of flagged passages.
 */
import { add, h, uid } from "./dom.js";
import { DOMAIN_LABELS, SAFETY_FALLBACK, domainLabel, hitTitle, normalizeRules } from "./gate.js";
import { icon } from "./icons.js";
import { markdownNodes, markdownText } from "./markdown.js";
import { MARKER_RE, markerSet, parseMarkers, rulePattern } from "./markers.js";
import { humanize, percent, safeUrl, str } from "./text.js";

/** @typedef {import("./markers.js").Citation} Citation */
/** @typedef {(n: number) => Node} MakeBadge */

/** @type {Record<string, { label: string, icon: string }>} */
const KIND_INFO = {
  ticket: { label: "Resolved ticket", icon: "ticket" },
  doc: { label: "Help article", icon: "book" },
};

/**
 * @param {Node} parent
 * @param {string} line
 * @param {Set<number>} known
 * @param {MakeBadge} makeBadge
 */
function renderInline(parent, line, known, makeBadge) {
  let last = 0;
  let match;
  MARKER_RE.lastIndex = 0;
  while ((match = MARKER_RE.exec(line)) !== null) {
    const numbers = parseMarkers(match[1]);
    if (!numbers.every((n) => known.has(n))) continue; // leave as text
    // Keep the badges on the same line as the word they follow.
    const before = line.slice(last, match.index).replace(/[ \t]+$/, "");
    const prev = parent.lastChild;
    let group;
    if (!before && prev instanceof Element && prev.classList.contains("pcd-cites")) {
      group = prev; // "[1][2]" or "[1] [2]": one group
    } else {
      const word = before.match(/\S+$/);
      add(parent, word ? before.slice(0, word.index) : before);
      group = h("span", { class: "pcd-cites" }, word ? word[0] : null);
    }
    for (const n of numbers) group.appendChild(makeBadge(n));
    if (group !== parent.lastChild) parent.appendChild(group);
    last = MARKER_RE.lastIndex;
  }
  add(parent, line.slice(last));
}

/**
 * Paragraphs (blank-line separated), simple "- " / "1. " lists, line breaks, badges.
 * @param {Element} container
 * @param {unknown} text
 * @param {Set<number>} known
 * @param {MakeBadge} makeBadge
 */
export function renderText(container, text, known, makeBadge) {
  const bullet = /^\s*[-*\u2022]\s+/;
  const numbered = /^\s*(\d{1,3})[.)]\s+/;
  for (const block of str(text).replace(/\r\n?/g, "\n").split(/\n[ \t]*\n+/)) {
    const lines = block.split("\n").filter((l) => l.trim() !== "");
    if (!lines.length) continue;
    if (lines.length > 1 && lines.every((l) => bullet.test(l))) {
      const ul = h("ul");
      for (const l of lines) renderInline(ul.appendChild(h("li")), l.replace(bullet, ""), known, makeBadge);
      container.appendChild(ul);
    } else if (lines.length > 1 && lines.every((l) => numbered.test(l))) {
      const ol = h("ol");
      const start = parseInt(/** @type {RegExpMatchArray} */ (lines[0].match(numbered))[1], 10);
      if (start !== 1) ol.setAttribute("start", String(start));
      for (const l of lines) renderInline(ol.appendChild(h("li")), l.replace(numbered, ""), known, makeBadge);
      container.appendChild(ol);
    } else {
      const p = h("p");
      lines.forEach((l, i) => {
        if (i) p.appendChild(h("br"));
        renderInline(p, l, known, makeBadge);
      });
      container.appendChild(p);
    }
  }
}

/**
 * Draft text with [n] markers as citation badges. onCite(n) runs when a badge is clicked;
 * without it the badges are plain labels.
 * @template {Element} E
 * @param {E} container
 * @param {unknown} text
 * @param {Citation[] | null | undefined} citations
 * @param {((n: number) => void) | null} [onCite]
 * @returns {E}
 */
export function citedText(container, text, citations, onCite) {
  const list = Array.isArray(citations) ? citations : [];
  const byMarker = new Map(list.map((c) => [Number(c && c.marker), c]));
  renderText(container, text, markerSet(list), (n) => {
    const c = byMarker.get(n);
    const label = "Source " + n + (c && c.title ? ": " + str(c.title) : "");
    if (typeof onCite !== "function") {
      return h("span", { class: "pcd-cite pcd-cite-static", "data-marker": String(n), title: c && c.title ? str(c.title) : label, "aria-label": label, text: String(n) });
    }
    const b = h("button", {
      type: "button", class: "pcd-cite", "data-marker": String(n),
      "aria-label": label, title: c && c.title ? str(c.title) : "Source " + n, text: String(n),
    });
    b.addEventListener("click", () => onCite(n));
    return b;
  });
  return container;
}

/** @param {number} pct */
function meter(pct) {
  const fill = h("span");
  fill.style.width = pct + "%"; // CSSOM, so a strict CSP without 'unsafe-inline' is fine
  return h("span", { class: "pcd-meter", "aria-hidden": "true" }, fill);
}

/** @param {number | null} pct */
export function scoreTone(pct) {
  if (pct == null) return "";
  return pct >= 75 ? "pcd-score-high" : pct >= 55 ? "pcd-score-mid" : "pcd-score-low";
}

/**
 * One source card (marker badge, kind, similarity, title link, snippet with Show more).
 * hooks.onEnter / hooks.onLeave are called on hover (the sidebar lights up the badges).
 * @param {Citation} c
 * @param {{ onEnter?: (marker: number) => void, onLeave?: (marker: number) => void }} [hooks]
 */
export function citationCard(c, hooks) {
  const hk = hooks || {};
  const marker = Number(c.marker);
  const kind = KIND_INFO[str(c.kind)] || { label: humanize(c.kind || "Source"), icon: "info" };
  const href = safeUrl(c.url);
  const title = str(c.title).trim() || str(c.source_id) || "Untitled source";
  const pct = percent(c.score);
  const snippet = str(c.snippet).trim();
  const shown = markdownText(snippet);
  const titleEl = href
    ? h("a", { class: "pcd-cite-title", href, target: "_blank", rel: "noopener noreferrer" },
      h("span", { text: title }), icon("external", "pcd-icon-xs"),
      h("span", { class: "pcd-sr", text: " (opens in a new tab)" }))
    : h("span", { class: "pcd-cite-title", text: title });
  // Help-centre sections carry Markdown (**Device > About**): shown formatted, never as HTML.
  const snippetEl = snippet ? h("div", { class: "pcd-snippet" }, markdownNodes(snippet, h)) : null;
  let more = null;
  if (snippetEl && shown.length > 150) {
    const button = h("button", { type: "button", class: "pcd-link-btn", "aria-expanded": "false", text: "Show more" });
    button.addEventListener("click", () => {
      const open = snippetEl.classList.toggle("pcd-open");
      button.textContent = open ? "Show less" : "Show more";
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
    more = button;
  }
  const card = h("li", { class: "pcd-source", tabindex: "-1", "data-marker": String(marker) },
    h("div", { class: "pcd-source-head" },
      h("span", { class: "pcd-badge", "aria-hidden": "true", text: String(marker) }),
      h("span", { class: "pcd-kind pcd-kind-" + str(c.kind).replace(/[^a-z0-9_-]/gi, "") }, icon(kind.icon), h("span", { class: "pcd-kind-label", text: kind.label })),
      pct == null ? null : h("span", { class: "pcd-score " + scoreTone(pct), title: "Similarity to this ticket: " + pct + "%" },
        meter(pct),
        h("span", { text: pct + "% match" }))),
    h("span", { class: "pcd-sr", text: "Source " + marker + ": " }),
    titleEl,
    c.source_id ? h("span", { class: "pcd-source-id pcd-mono", text: str(c.source_id) }) : null,
    snippetEl, more);
  const { onEnter, onLeave } = hk;
  if (typeof onEnter === "function") card.addEventListener("mouseenter", () => onEnter(marker));
  if (typeof onLeave === "function") card.addEventListener("mouseleave", () => onLeave(marker));
  return card;
}

/**
 * A pill for a regulated domain; the class is only ever one of the known domains.
 * @param {unknown} domain
 * @param {string | null} [extraClass]
 */
export function domainPill(domain, extraClass) {
  const d = str(domain).toLowerCase();
  return h("span", {
    class: "pcd-domain" + (DOMAIN_LABELS[d] ? " pcd-domain-" + d : "") + (extraClass ? " " + extraClass : ""),
    text: domainLabel(domain),
  });
}

/**
 * The safety notice: someone may be in danger, and what to do now (the tenant's
 * instruction). Shown first wherever an urgent draft appears; `note` adds a line under it.
 * @param {unknown} instruction
 * @param {string | null} [note]
 */
export function safetyNotice(instruction, note) {
  const titleId = uid("pcd-safety-title");
  return h("section", { class: "pcd-safety", role: "alert", "aria-labelledby": titleId },
    h("div", { class: "pcd-safety-head" },
      h("span", { class: "pcd-safety-icon" }, icon("warn")),
      h("h2", { class: "pcd-safety-title", id: titleId, text: "Someone may be in danger" })),
    h("p", { class: "pcd-safety-instruction", text: str(instruction) || SAFETY_FALLBACK }),
    note ? h("p", { class: "pcd-safety-note", text: note }) : null);
}

/**
 * Where rules matched one text: merged [start, end) ranges, each with the indexes of the
 * rules that matched there, and the number of matches per rule. Pure.
 * @param {string} text
 * @param {(RegExp | null)[]} patterns
 * @returns {{ ranges: { s: number, e: number, rules: number[] }[], counts: number[] }}
 */
export function matchRanges(text, patterns) {
  const counts = patterns.map(() => 0);
  /** @type {{ s: number, e: number, rules: number[] }[]} */
  const ranges = [];
  patterns.forEach((re, i) => {
    if (!re) return;
    re.lastIndex = 0;
    let m;
    while ((m = re.exec(text)) !== null) {
      if (!m[0]) {
        re.lastIndex += 1;
        continue;
      }
      ranges.push({ s: m.index, e: m.index + m[0].length, rules: [i] });
      counts[i] += 1;
    }
  });
  ranges.sort((a, b) => a.s - b.s || b.e - a.e);
  /** @type {{ s: number, e: number, rules: number[] }[]} */
  const merged = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r.s < last.e) {
      last.e = Math.max(last.e, r.e);
      for (const i of r.rules) if (last.rules.indexOf(i) < 0) last.rules.push(i);
    } else merged.push({ s: r.s, e: r.e, rules: r.rules.slice() });
  }
  return { ranges: merged, counts };
}

/**
 * The text nodes of a block with their offsets in its searchable text (<br> counts as a
 * newline; elements matching `skip` are not searched).
 * @param {Element} block
 * @param {string} skip
 */
function textSegments(block, skip) {
  /** @type {{ node: Text, start: number }[]} */
  const segs = [];
  let text = "";
  /** @param {Node} node */
  const walk = (node) => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child instanceof Text) {
        segs.push({ node: child, start: text.length });
        text += child.nodeValue;
      } else if (child instanceof Element) {
        if (child.tagName === "BR") text += "\n";
        else if (!child.matches(skip)) walk(child);
      }
    }
  };
  walk(block);
  return { segs, text };
}

/**
 * Wraps the text that rules matched in <mark> elements, inside each block element on its
 * own (so a match never crosses paragraphs). Matches may cross inline elements (citation
 * groups); citation badges and screen-reader text are not part of the searched text.
 *
 *   highlight(blocks, rules, { source: "draft", tone: "review" })
 *     → { rules: [...flat rules...], counts: [n matches per rule] }
 *
 * @param {Element | ArrayLike<Element> | null} blocks
 * @param {unknown} rules
 * @param {{ source?: string, tone?: string, skip?: string }} [options]
 */
export function highlight(blocks, rules, options) {
  const o = options || {};
  const list = normalizeRules(rules).filter((r) => !o.source || r.source === o.source);
  const counts = list.map(() => 0);
  const patterns = list.map((r) => rulePattern(r.text));
  const skip = o.skip || ".pcd-cite, .pcd-sr";
  const blockList = blocks && "length" in blocks && typeof blocks.length === "number"
    ? Array.prototype.slice.call(blocks) : [blocks];

  for (const block of blockList) {
    if (!(block instanceof Element)) continue;
    const { segs, text } = textSegments(block, skip);
    if (!text) continue;
    const found = matchRanges(text, patterns);
    found.counts.forEach((n, i) => { counts[i] += n; });
    // Last range first: splitText keeps the head in the original node, so the offsets of
    // the ranges still to do stay valid.
    for (let k = found.ranges.length - 1; k >= 0; k--) {
      const range = found.ranges[k];
      const hit = range.rules.map((i) => list[i]);
      const title = hitTitle(hit);
      const domains = hit.map((r) => r.domain).filter(Boolean);
      let lastPiece = true;
      for (let j = segs.length - 1; j >= 0; j--) {
        const node = segs[j].node;
        const len = /** @type {string} */ (node.nodeValue).length;
        const a = Math.max(range.s, segs[j].start) - segs[j].start;
        const b = Math.min(range.e, segs[j].start + len) - segs[j].start;
        if (b <= a) continue;
        if (b < len) node.splitText(b);
        const piece = a > 0 ? node.splitText(a) : node;
        const mark = h("mark", {
          class: "pcd-hit" + (o.tone ? " pcd-hit-" + o.tone : ""),
          title,
          "data-domains": domains.join(" "),
          "data-rules": hit.map((r) => r.rule).join(" "),
        });
        /** @type {Node} */ (piece.parentNode).replaceChild(mark, piece);
        mark.appendChild(piece);
        if (lastPiece) {
          /** @type {Node} */ (mark.parentNode).insertBefore(h("span", { class: "pcd-sr", text: " (" + title + ")" }), mark.nextSibling);
          lastPiece = false;
        }
      }
    }
  }
  return { rules: list, counts };
}

/**
 * Copies text to the clipboard; falls back to a hidden textarea and execCommand.
 * @param {string} text
 * @returns {Promise<void>}
 */
export function copyText(text) {
  function fallback() {
    const area = h("textarea", { class: "pcd-clip", readonly: true, "aria-hidden": "true" });
    area.value = text;
    document.body.appendChild(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch {
      ok = false;
    }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy blocked"));
  }
  if (globalThis.navigator && navigator.clipboard && navigator.clipboard.writeText) {
    return navigator.clipboard.writeText(text).catch(fallback);
  }
  return fallback();
}
