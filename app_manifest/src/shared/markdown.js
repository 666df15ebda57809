// @ts-check
/**
 * The small Markdown subset help-centre sections use, for source snippets: paragraphs,
 * "- " / "1. " lists, "#" headings (shown as bold lines), **bold**, *italics*, `code` and
 * [links](https://…). Anything else stays as written.
 *
 * Safe by construction: parseMarkdown() only splits the text into tokens; markdownNodes()
 * hands every piece of text to the element factory as a text child (dom.js h() makes a text
 * node of it), so markup in a snippet is shown, never run, and no HTML string is built.
 * A link keeps its label but gets an href only when safeUrl() allows its address (http(s)).
 */
import { safeUrl, str } from "./text.js";

/**
 * @typedef {{ type: "text", text: string } | { type: "code", text: string }
 *   | { type: "strong" | "em", children: Inline[] }
 *   | { type: "link", url: string, children: Inline[] }} Inline
 * @typedef {{ type: "p", inline: Inline[] } | { type: "h", inline: Inline[] }
 *   | { type: "ul", start: number, items: Inline[][] } | { type: "ol", start: number, items: Inline[][] }} Block
 */

// Code first (its content is literal), then links, bold, italics. An italic's marker must
// not touch a word on its outer side, so snake_case and 2*3*4 stay as they are.
const INLINE = new RegExp([
  "`([^`\\n]+)`",
  "\\[([^\\]\\n]+)\\]\\(([^()\\s]+)\\)",
  "\\*\\*(?=\\S)(.+?)\\*\\*",
  "__(?=\\S)(.+?)__",
  "(?<![\\w*])\\*(?=[^\\s*])([^*\\n]*?[^\\s*])\\*(?![\\w*])",
  "(?<![\\w_])_(?=[^\\s_])([^_\\n]*?[^\\s_])_(?![\\w_])",
].join("|"), "g");

const BULLET = /^\s*[-*+\u2022]\s+/;
const NUMBERED = /^\s*(\d{1,3})[.)]\s+/;
const HEADING = /^\s{0,3}#{1,6}\s+/;

/**
 * Inline tokens of one line.
 * @param {string} line
 * @returns {Inline[]}
 */
export function parseInline(line) {
  /** @type {Inline[]} */
  const out = [];
  let last = 0;
  const re = new RegExp(INLINE.source, "g");
  let m;
  while ((m = re.exec(line)) !== null) {
    if (m.index > last) out.push({ type: "text", text: line.slice(last, m.index) });
    if (m[1] != null) out.push({ type: "code", text: m[1] });
    else if (m[2] != null) out.push({ type: "link", url: /** @type {string} */ (m[3]), children: parseInline(m[2]) });
    else if (m[4] != null || m[5] != null) out.push({ type: "strong", children: parseInline(m[4] ?? m[5]) });
    else out.push({ type: "em", children: parseInline(m[6] ?? m[7]) });
    last = re.lastIndex;
  }
  if (last < line.length) out.push({ type: "text", text: line.slice(last) });
  return out;
}

/**
 * Blocks of a snippet: blank lines part paragraphs; a run of list lines is a list.
 * @param {unknown} text
 * @returns {Block[]}
 */
export function parseMarkdown(text) {
  /** @type {Block[]} */
  const blocks = [];
  for (const chunk of str(text).replace(/\r\n?/g, "\n").split(/\n[ \t]*\n+/)) {
    /** @type {string[]} */
    let para = [];
    const flush = () => {
      if (para.length) blocks.push({ type: "p", inline: parseInline(para.join(" ")) });
      para = [];
    };
    for (const line of chunk.split("\n").map((l) => l.trim()).filter(Boolean)) {
      const kind = BULLET.test(line) ? "ul" : NUMBERED.test(line) ? "ol" : HEADING.test(line) ? "h" : "p";
      if (kind === "p") {
        para.push(line);
        continue;
      }
      flush();
      if (kind === "h") {
        blocks.push({ type: "h", inline: parseInline(line.replace(HEADING, "")) });
        continue;
      }
      const item = parseInline(line.replace(kind === "ul" ? BULLET : NUMBERED, ""));
      const prev = blocks[blocks.length - 1];
      if (prev && "items" in prev && prev.type === kind) prev.items.push(item);
      else blocks.push({ type: kind, start: kind === "ol" ? Number(/** @type {RegExpMatchArray} */ (line.match(NUMBERED))[1]) : 1, items: [item] });
    }
    flush();
  }
  return blocks;
}

/**
 * The element factory markdownNodes() builds with: dom.js h(), or a test's stand-in.
 * Strings among the children are text, never markup.
 * @template N
 * @typedef {(tag: "p" | "strong" | "em" | "code" | "a" | "ul" | "ol" | "li" | "span", attrs: Record<string, string> | null, ...children: (N | string)[]) => N} Make
 */

/**
 * A snippet as elements.
 * @template N
 * @param {unknown} text
 * @param {Make<N>} make
 * @param {string} [base]  what relative link addresses resolve against
 * @returns {N[]}
 */
export function markdownNodes(text, make, base) {
  /** @param {Inline[]} list @returns {(N | string)[]} */
  const inline = (list) => list.map((t) => {
    if (t.type === "text") return t.text;
    if (t.type === "code") return make("code", null, t.text);
    if (t.type === "link") {
      const href = safeUrl(t.url, base);
      return href
        ? make("a", { href, target: "_blank", rel: "noopener noreferrer" }, ...inline(t.children))
        : make("span", null, ...inline(t.children));
    }
    return make(t.type, null, ...inline(t.children));
  });
  return parseMarkdown(text).map((b) => {
    if (b.type === "p") return make("p", null, ...inline(b.inline));
    if (b.type === "h") return make("p", null, make("strong", null, ...inline(b.inline)));
    const attrs = b.type === "ol" && b.start !== 1 ? { start: String(b.start) } : null;
    return make(b.type, attrs, ...b.items.map((item) => make("li", null, ...inline(item))));
  });
}

/**
 * Plain text of a snippet (markers gone), e.g. to measure it.
 * @param {unknown} text
 */
export function markdownText(text) {
  /** @param {Inline[]} list @returns {string} */
  const flat = (list) => list.map((t) => (t.type === "text" || t.type === "code" ? t.text : flat(t.children))).join("");
  return parseMarkdown(text).map((b) => ("items" in b ? b.items.map(flat).join("\n") : flat(b.inline))).join("\n");
}
