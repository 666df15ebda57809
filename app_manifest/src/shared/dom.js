// @ts-check
/**
 * DOM helpers. Server text only ever goes in through textContent / createTextNode;
 * innerHTML is never used.
 */

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * What h() and add() take as children.
 * @typedef {Node | string | number | null | undefined | false} Leaf
 * @typedef {Leaf | Leaf[] | (Leaf | Leaf[])[]} Child
 * @typedef {Record<string, any>} Attrs
 */

/**
 * An element: `class`, `text` (textContent), `on<event>` listeners, other attributes
 * (true → present and empty; null / false → left out).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs | null} [attrs]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value == null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = String(value);
    else if (key.slice(0, 2) === "on" && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) add(el, child);
  return el;
}

/**
 * @template {Node} P
 * @param {P} parent
 * @param {Child} child
 * @returns {P}
 */
export function add(parent, child) {
  if (child == null || child === false) return parent;
  if (Array.isArray(child)) {
    for (const c of child) add(parent, c);
    return parent;
  }
  if (typeof child === "string" || typeof child === "number") {
    parent.appendChild(document.createTextNode(String(child)));
  } else parent.appendChild(child);
  return parent;
}

/** @param {Node} el */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/**
 * An outline icon from [tag, attributes] parts (static, trusted markup descriptions, never
 * server data); pages pass their own icon sets.
 * @typedef {[string, Record<string, string>][]} IconParts
 * @param {IconParts} parts
 * @param {string} className
 */
export function svgIcon(parts, className) {
  const svg = document.createElementNS(SVG_NS, "svg");
  const attrs = [["viewBox", "0 0 24 24"], ["fill", "none"], ["stroke", "currentColor"], ["stroke-width", "2"],
    ["stroke-linecap", "round"], ["stroke-linejoin", "round"], ["aria-hidden", "true"],
    ["focusable", "false"], ["class", className]];
  for (const [name, value] of attrs) svg.setAttribute(name, value);
  for (const [tag, partAttrs] of parts) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(partAttrs)) node.setAttribute(k, v);
    svg.appendChild(node);
  }
  return svg;
}

let uidCounter = 0;
/** A page-unique id. @param {string} prefix */
export function uid(prefix) {
  uidCounter += 1;
  return prefix + "-" + uidCounter;
}

export function reducedMotion() {
  return !!(globalThis.matchMedia && globalThis.matchMedia("(prefers-reduced-motion: reduce)").matches);
}
