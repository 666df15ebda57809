// @ts-check
/** The reviewer page's DOM pieces that need no page state. */
import { h } from "../shared/dom.js";
import { domainPill } from "../shared/render.js";
import { sentence, str } from "../shared/text.js";
import { icon } from "./icons.js";
import { formatAge, initials, longAge } from "./queue.js";

const dtf = typeof Intl !== "undefined" ? new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }) : null;
const df = typeof Intl !== "undefined" ? new Intl.DateTimeFormat(undefined, { dateStyle: "medium" }) : null;

/** A date and time, as the reader's locale writes it. @param {unknown} value */
export function absolute(value) {
  const d = value ? new Date(/** @type {string} */ (value)) : null;
  if (!d || isNaN(d.getTime())) return str(value);
  return dtf ? dtf.format(d) : d.toLocaleString();
}

/** A "YYYY-MM-DD" day, as the reader's locale writes it. @param {unknown} value */
export function formatDay(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(str(value));
  const d = m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null;
  return d ? (df ? df.format(d) : d.toDateString()) : str(value);
}

/**
 * How long an item has waited, as a tag that updateAges() finds again by `data-age-for`.
 * @param {{ id: unknown, created_at?: string }} item
 * @param {number} seconds
 * @param {string | null} [cls]
 */
export function ageTag(item, seconds, cls) {
  const old = seconds >= 86400;
  return h("span", {
    class: "rv-age" + (old ? " rv-age-old" : "") + (cls ? " " + cls : ""),
    "data-age-for": str(item.id),
    title: "Waiting " + longAge(seconds) + (item.created_at ? " \u00b7 since " + absolute(item.created_at) : "") + (old ? " \u00b7 more than a day" : ""),
  }, icon(old ? "warn" : "clock", "rv-age-icon"), h("span", { class: "rv-age-text", text: formatAge(seconds) }),
  h("span", { class: "pv-sr", text: old ? " (waiting more than a day)" : "" }));
}

/** @param {unknown} domains @param {boolean} [small] */
export function domainPills(domains, small) {
  return (Array.isArray(domains) ? domains : []).map((d) => domainPill(d, small ? "pcd-domain-sm" : null));
}

/** @param {unknown} j */
export function jurisTag(j) {
  return h("span", { class: "pv-tag pv-tag-juris", title: "Jurisdiction" }, j ? str(j) : "Unknown");
}

/**
 * @param {string} title
 * @param {{ message?: unknown, code?: unknown } | null | undefined} err
 * @param {(() => void) | null} retry
 * @param {string} [extraClass]
 */
export function errorBox(title, err, retry, extraClass) {
  return h("div", { class: "pv-error" + (extraClass ? " " + extraClass : ""), role: "alert" },
    icon("error"),
    h("div", { class: "pv-error-body" },
      h("strong", { text: title }),
      h("span", { text: sentence(err && err.message) || "Something went wrong." }),
      err && err.code ? h("span", { class: "pv-mono", text: str(err.code) }) : null,
      retry ? h("button", { type: "button", class: "pv-btn pv-btn-secondary", onclick: retry, text: "Try again" }) : null));
}

/** @param {string} iconName @param {string} title @param {string} [text] @param {Node} [extra] */
export function placeholder(iconName, title, text, extra) {
  return h("div", { class: "pv-placeholder" },
    h("span", { class: "pv-placeholder-icon" }, icon(iconName)),
    h("h2", { text: title }),
    text ? h("p", { text }) : null,
    extra || null);
}

/** One message of the ticket's thread. @param {string} name @param {string} label @param {unknown} text @param {string} [cls] */
export function message(name, label, text, cls) {
  return h("li", { class: "pv-msg " + (cls || "pv-msg-customer") },
    h("span", { class: "pv-avatar", "aria-hidden": "true", text: initials(name) }),
    h("article", { class: "pv-card pv-bubble", "aria-label": label + " from " + name },
      h("div", { class: "pv-msg-head" },
        h("span", { class: "pv-msg-author", text: name }),
        h("span", { class: "pv-msg-label", text: label })),
      h("div", { class: "pv-msg-body", text: str(text) || "(empty)" })));
}

/** Skeleton rows while something loads. @param {number} rows */
export function skeletonCard(rows) {
  return h("div", { class: "pv-card pv-ticket-skel" }, Array.from({ length: rows }, () => h("span")));
}

/**
 * A toast in `container` (at most three at a time); it goes after a while unless hovered.
 * @param {HTMLElement} container
 * @param {string} text
 * @param {string} [tone]  ok | warn | error
 * @param {string} [detail]
 */
export function toast(container, text, tone, detail) {
  const t = tone || "ok";
  /** @type {ReturnType<typeof setTimeout>} */
  let timer;
  const dismiss = () => {
    clearTimeout(timer);
    if (!el.isConnected) return;
    el.classList.add("rv-toast-out");
    setTimeout(() => { if (el.parentNode) el.parentNode.removeChild(el); }, 180);
  };
  const el = h("div", { class: "rv-toast rv-toast-" + t, role: t === "error" ? "alert" : "status" },
    icon(t === "error" ? "error" : t === "warn" ? "warn" : "check"),
    h("div", { class: "rv-toast-body" },
      h("strong", { text }),
      detail ? h("span", { text: detail }) : null),
    h("button", { type: "button", class: "rv-toast-close", "aria-label": "Dismiss", onclick: () => dismiss() }, icon("x")));
  timer = setTimeout(dismiss, t === "error" ? 9000 : 5000);
  el.addEventListener("mouseenter", () => clearTimeout(timer));
  el.addEventListener("mouseleave", () => {
    clearTimeout(timer);
    timer = setTimeout(dismiss, 3000);
  });
  container.appendChild(el);
  while (container.children.length > 3) container.removeChild(/** @type {Node} */ (container.firstChild));
}
