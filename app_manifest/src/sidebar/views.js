// @ts-check
/** The sidebar's DOM pieces; the controller (mount.js) decides when each is shown. */
import { add, h, uid } from "../shared/dom.js";
import { GATE_COPY, fallbackReason, ruleLabel, ruleWhy, sourceLabel, waitingText } from "../shared/gate.js";
import { icon } from "../shared/icons.js";
import { domainPill } from "../shared/render.js";
import { customerFacts, draftNotices, flagPill, footerFacts } from "./content.js";

/** @typedef {import("../shared/gate.js").Gate} Gate */
/** @typedef {import("../shared/gate.js").Rule} Rule */

/**
 * @param {string} label
 * @param {string | null} iconName
 * @param {string} cls
 * @param {(e: Event) => void} onClick
 * @param {Record<string, any>} [attrs]
 */
export function button(label, iconName, cls, onClick, attrs) {
  return h("button", { type: "button", class: "pcd-btn " + (cls || ""), onclick: onClick, "data-icon": iconName, ...(attrs || {}) },
    iconName ? icon(iconName) : null, h("span", { class: "pcd-btn-label", text: label }));
}

/**
 * The draft's notices, each a disclosure: open, or folded to its title line when `compact`
 * (a gated draft, whose banner already stands above it).
 * @param {any} draft
 * @param {boolean} [compact]
 */
export function notices(draft, compact) {
  return draftNotices(draft).map((n) => h("details", { class: "pcd-notice pcd-notice-fold pcd-tone-" + n.tone, open: !compact },
    h("summary", { class: "pcd-notice-title" }, icon(n.tone === "gap" ? "gap" : n.tone === "warn" ? "warn" : "info"), h("span", { text: n.title })),
    h("p", { class: "pcd-notice-text", text: n.body })));
}

/** @param {unknown} flags */
export function flagList(flags) {
  if (!Array.isArray(flags) || !flags.length) return null;
  return h("ul", { class: "pcd-pills", "aria-label": "Flags" }, flags.map((flag) => {
    const info = flagPill(flag);
    return h("li", { class: "pcd-pill pcd-tone-" + info.tone, title: String(flag ?? ""), text: info.label });
  }));
}

/** @param {unknown} context */
export function customer(context) {
  const c = customerFacts(context);
  if (!c) return null;
  const line = c.facts.map(([, value]) => value).join(" \u00b7 ");
  return h("details", { class: "pcd-customer", "aria-label": "Customer" },
    h("summary", null, h("span", { class: "pcd-customer-label", text: "Customer" }), h("span", { class: "pcd-customer-line", text: line })),
    h("dl", { class: "pcd-facts" }, c.facts.map(([label, value]) => h("div", null, h("dt", { text: label }), h("dd", { text: value })))),
    c.tags.length ? h("ul", { class: "pcd-pills", "aria-label": "Customer tags" }, c.tags.map((t) => h("li", { class: "pcd-pill", text: t }))) : null,
    c.recent.length ? h("ul", { class: "pcd-prior", "aria-label": "Prior tickets" }, c.recent.map((t) => h("li", null, h("span", { text: t.subject }),
      t.status ? h("span", { class: "pcd-muted", text: " \u00b7 " + t.status }) : null))) : null);
}

/** Fills the footer; leaves it hidden when there is nothing to say. @param {HTMLElement} foot @param {any} draft */
export function fillFooter(foot, draft) {
  const f = footerFacts(draft);
  /** @type {HTMLElement[]} */
  const parts = [];
  if (f.who) parts.push(h("span", { class: "pcd-mono", text: f.who }));
  if (f.total) parts.push(h("span", null, icon("clock", "pcd-icon-xs"), f.total));
  if (f.attempts) parts.push(h("span", { text: f.attempts }));
  if (!parts.length) return;
  const line = h("div", { class: "pcd-foot-line" });
  parts.forEach((p, i) => {
    if (i) line.appendChild(h("span", { class: "pcd-dot", "aria-hidden": "true", text: "\u00b7" }));
    line.appendChild(p);
  });
  foot.appendChild(line);
  if (f.timings.length) {
    const table = h("dl", { class: "pcd-timings" });
    for (const [stage, took] of f.timings) add(table, [h("dt", { text: stage }), h("dd", { class: "pcd-mono", text: took })]);
    foot.appendChild(h("details", { class: "pcd-details" }, h("summary", { text: "Timings" }), table));
  }
  foot.hidden = false;
}

/** The draft's status pill. @param {Gate} gate */
export function statusPill(gate) {
  if (gate.status === "approved") {
    return h("span", { class: "pcd-status pcd-status-approved", title: "A credentialed reviewer approved this draft" },
      icon("shield", "pcd-icon-xs"), "Approved by reviewer");
  }
  if (!gate.insertable) {
    const copy = GATE_COPY[gate.status] || GATE_COPY.blocked;
    return h("span", { class: "pcd-status pcd-status-" + copy.tone },
      icon(gate.status === "review_required" ? "clock" : copy.icon, "pcd-icon-xs"), copy.pill);
  }
  return h("span", { class: "pcd-status pcd-status-ready" }, icon("check", "pcd-icon-xs"), "Ready");
}

/** "Why it was flagged": one line per rule hit. @param {Rule[]} rules */
function ruleList(rules) {
  const items = rules.filter((r) => r.rule || r.text);
  if (!items.length) return null;
  return h("details", { class: "pcd-gate-rules" },
    h("summary", null, "Why it was flagged", h("span", { class: "pcd-count", text: String(items.length) })),
    h("ul", null, items.map((r) => h("li", null,
      h("span", { class: "pcd-gate-rule-head" },
        h("span", { class: "pcd-gate-rule-name", text: ruleLabel(r.rule) }),
        r.domain ? domainPill(r.domain, "pcd-domain-sm") : null,
        r.source ? h("span", { class: "pcd-gate-rule-src", text: sourceLabel(r.source) }) : null),
      r.text ? h("q", { class: "pcd-gate-rule-text", text: r.text.trim() }) : null,
      h("span", { class: "pcd-gate-rule-why", text: ruleWhy(r) })))));
}

/**
 * The banner at the top of a draft the gate holds back (or that the server refused).
 * @typedef {{ el: HTMLElement, reasonId: string, error: HTMLElement, watchNote: HTMLElement }} Banner
 * @param {Gate} gate
 * @param {string} kind
 * @returns {Banner}
 */
export function gateBanner(gate, kind) {
  const copy = GATE_COPY[kind] || GATE_COPY.blocked;
  const reasonId = uid("pcd-gate-reason");
  const error = h("p", { class: "pcd-gate-error", role: "alert", hidden: true });
  const watchNote = h("p", { class: "pcd-gate-watch", hidden: kind !== "review_required" },
    h("span", { class: "pcd-pulse", "aria-hidden": "true" }),
    h("span", { class: "pcd-gate-watch-text", text: waitingText(gate) }));
  const meta = gate.domains.length || gate.jurisdiction
    ? h("div", { class: "pcd-gate-meta" },
      gate.domains.map((d) => domainPill(d)),
      h("span", { class: "pcd-juris", title: "Jurisdiction" }, icon("flag", "pcd-icon-xs"),
        h("span", { text: gate.jurisdiction || "Jurisdiction unknown" })))
    : null;
  // Compact: the title, what happens next and any refusal stay in view; why (domains,
  // jurisdiction, the reason, the rules) folds away so the draft starts near the top.
  const details = h("details", { class: "pcd-gate-details" },
    h("summary", null, "Why it needs review"),
    h("div", { class: "pcd-gate-more" },
      meta,
      h("p", { class: "pcd-gate-reason", id: reasonId, text: gate.reason || fallbackReason(gate) }),
      ruleList(gate.rules)));
  const el = h("section", { class: "pcd-gate pcd-gate-" + copy.tone, "aria-label": copy.title },
    h("div", { class: "pcd-gate-head" },
      h("span", { class: "pcd-gate-icon" }, icon(copy.icon)),
      h("h2", { class: "pcd-gate-title", text: copy.title })),
    watchNote,
    error,
    details);
  return { el, reasonId, error, watchNote };
}

/** Replaces a button's icon. @param {Element} btn @param {string | undefined} name */
export function swapIcon(btn, name) {
  const current = btn.querySelector("svg");
  if (current && name) btn.replaceChild(icon(name), current);
}

/**
 * Locks Insert / Copy: disabled, a lock icon, described by the hint and the banner.
 * @param {(HTMLButtonElement | null)[]} buttons
 * @param {HTMLElement} hintEl
 * @param {string} describedBy
 */
export function lockButtons(buttons, hintEl, describedBy) {
  for (const b of buttons) {
    if (!b) continue;
    b.disabled = true;
    b.classList.add("pcd-btn-locked");
    b.setAttribute("aria-describedby", describedBy);
    b.setAttribute("title", hintEl.textContent || "");
    swapIcon(b, "lock");
    b.dataset.icon = "lock";
  }
}

/**
 * Shows a short result on a button ("Copied"), then its own label again.
 * @param {HTMLElement} btn
 * @param {string} label
 * @param {string} iconName
 */
export function flashButton(btn, label, iconName) {
  const labelEl = btn.querySelector(".pcd-btn-label");
  if (!labelEl) return;
  if (!btn.dataset.label) btn.dataset.label = labelEl.textContent || "";
  labelEl.textContent = label;
  swapIcon(btn, iconName);
  btn.classList.add("pcd-btn-done");
  clearTimeout(Number(btn.dataset.timer || 0));
  btn.dataset.timer = String(setTimeout(() => {
    if (!btn.isConnected) return;
    labelEl.textContent = btn.dataset.label || "";
    swapIcon(btn, btn.dataset.icon);
    btn.classList.remove("pcd-btn-done");
  }, 1600));
}

/** The empty state before a ticket is chosen. */
export function idleView() {
  return h("div", { class: "pcd-empty" },
    h("span", { class: "pcd-empty-icon" }, icon("inbox")),
    h("p", { class: "pcd-empty-title", text: "No ticket selected" }),
    h("p", { class: "pcd-muted", text: "Open a ticket to draft a cited reply." }));
}

/**
 * "Draft a reply for <ticket>", with a notice above it when given.
 * @param {string} id
 * @param {string | undefined} notice
 * @param {(() => void) | null} onDraft  null: no Draft button
 */
export function ticketView(id, notice, onDraft) {
  return [
    notice ? h("div", { class: "pcd-notice pcd-tone-info pcd-notice-compact" }, icon("info"), h("p", { text: notice })) : null,
    h("div", { class: "pcd-empty pcd-empty-left" },
      h("span", { class: "pcd-empty-icon pcd-accent-soft" }, icon("spark")),
      h("p", { class: "pcd-empty-title", text: "Draft a reply for " + id }),
      h("p", { class: "pcd-muted", text: "Precedent finds similar resolved tickets and help articles, then writes a draft where every claim cites its source." }),
      onDraft ? button("Draft reply", "spark", "pcd-btn-primary pcd-btn-block", onDraft) : null,
      h("ul", { class: "pcd-points" },
        h("li", null, icon("check"), "Cites resolved tickets and help articles"),
        h("li", null, icon("check"), "Flags weak evidence and knowledge gaps"),
        h("li", null, icon("shield"), "Never sends: you review, edit and send"))),
  ];
}

/**
 * The error notice, with Try again when `onRetry` is given.
 * @param {{ message?: unknown, code?: unknown } | null | undefined} err
 * @param {string | undefined} title
 * @param {(() => void) | null} onRetry
 */
export function errorView(err, title, onRetry) {
  let message = String(err && err.message != null ? err.message : "").trim() || "Something went wrong.";
  message = message.charAt(0).toUpperCase() + message.slice(1);
  const code = err && err.code ? String(err.code) : "";
  return h("div", { class: "pcd-notice pcd-tone-error", role: "alert" },
    icon("error"),
    h("div", { class: "pcd-notice-body" },
      h("p", { class: "pcd-notice-title", text: title || "Could not draft a reply" }),
      h("p", { text: message }),
      code ? h("p", { class: "pcd-notice-code pcd-mono", text: code }) : null,
      onRetry ? h("div", { class: "pcd-notice-actions" }, button("Try again", "refresh", "pcd-btn-secondary pcd-btn-sm", onRetry)) : null));
}
