// @ts-check
/**
 * One review item: the safety notice when urgent, the ticket with the flagged passages
 * highlighted, the draft (and its editor), the sources, and beside them the decision panel and
 * "Why it was flagged".
 */
import { h, reducedMotion } from "../shared/dom.js";
import { normalizeRules, ruleLabel, ruleWhy } from "../shared/gate.js";
import { citationCard, citedText, domainPill, highlight, safetyNotice } from "../shared/render.js";
import { sentence, str } from "../shared/text.js";
import { icon } from "./icons.js";
import { foundText, successor } from "./queue.js";
import { absolute, ageTag, domainPills, jurisTag, message } from "./views.js";

/** @typedef {import("../shared/gate.js").Rule} Rule */

/** @param {HTMLElement} el @param {ScrollLogicalPosition} block */
function scrollTo(el, block) {
  el.scrollIntoView({ behavior: reducedMotion() ? "auto" : "smooth", block });
}

/** @param {any} item */
export function isPending(item) {
  return str(item.status || "pending") === "pending";
}

/**
 * @param {any} item
 * @param {HTMLElement} decision  the decision panel (or the decision taken)
 * @param {(item: any) => number} ageOf
 */
export function detailView(item, decision, ageOf) {
  const id = str(item.id);
  const ticket = item.ticket || {};
  const draft = item.draft || {};
  const rules = normalizeRules(item.rules);
  const citations = (Array.isArray(draft.citations) ? draft.citations : []).slice()
    .sort((/** @type {any} */ a, /** @type {any} */ b) => Number(a.marker) - Number(b.marker));
  const pending = isPending(item);
  /** @type {Map<number, HTMLElement>} */
  const cards = new Map();

  /* header */
  const statusEl = pending
    ? h("span", { class: "rv-status rv-status-pending" }, icon("clock"), "Awaiting your review")
    : item.status === "superseded" ? h("span", { class: "rv-status rv-status-superseded" }, icon("arrow"), "Superseded")
    : h("span", { class: "rv-status rv-status-" + (item.status === "approved" ? "approved" : "rejected") },
      icon(item.status === "approved" ? "check" : "ban"), item.status === "approved" ? "Approved" : sentence(item.status));
  const header = h("header", { class: "pv-card pv-ticket-head rv-head" },
    h("div", { class: "pv-ticket-head-text" },
      h("div", { class: "pv-eyebrow" },
        h("span", { class: "pv-mono", text: "Review #" + id }),
        h("span", { "aria-hidden": "true", text: "\u00b7" }),
        h("span", { class: "pv-mono", text: "Ticket " + str(item.ticket_id || ticket.id) }),
        statusEl,
        pending ? ageTag(item, ageOf(item), "rv-head-age") : null),
      h("h2", { class: "pv-subject", id: "rv-subject", text: str(ticket.subject) || "(no subject)" })),
    h("dl", { class: "pv-facts" },
      h("div", { class: "pv-fact" }, h("dt", { text: "Domains" }), h("dd", null, domainPills(item.domains))),
      h("div", { class: "pv-fact" }, h("dt", { text: "Jurisdiction" }), h("dd", null, jurisTag(item.jurisdiction))),
      h("div", { class: "pv-fact" }, h("dt", { text: "Flagged" }),
        h("dd", null, item.created_at ? h("time", { datetime: str(item.created_at), text: absolute(item.created_at) }) : h("span", { class: "pv-email", text: "Unknown" }))),
      h("div", { class: "pv-fact" }, h("dt", { text: "Draft" }), h("dd", null, h("span", { class: "pv-mono rv-draft-id", text: str(item.draft_id) })))));

  /* ticket */
  const comments = Array.isArray(ticket.comments) ? ticket.comments : [];
  const thread = h("ol", { class: "pv-thread", "aria-label": "Customer messages" },
    message("Customer", "Original request", ticket.body, "pv-msg-customer"),
    comments.map((/** @type {any} */ c) => message("Customer", "Follow-up", typeof c === "string" ? c : c && c.body, "pv-msg-customer")));
  const ticketHits = highlight(thread.querySelectorAll(".pv-msg-body"), rules, { source: "ticket", tone: "review", skip: ".pcd-sr" });

  /* draft */
  const textEl = h("div", { class: "pcd-text rv-draft-text" });
  /** @type {{ rules: Rule[], counts: number[] }} */
  let draftHits = { rules: [], counts: [] };
  if (str(draft.text).trim()) {
    citedText(textEl, draft.text, citations, (n) => focusSource(cards, n));
    draftHits = highlight(textEl.querySelectorAll("p, li"), rules, { source: "draft", tone: "review" });
  } else textEl.appendChild(h("p", { class: "rv-muted", text: "The draft is empty." }));
  const editArea = h("textarea", { id: "rv-edit-text", class: "rv-textarea rv-edit-area", rows: "12", spellcheck: "true", "aria-describedby": "rv-edit-hint" });
  const editor = h("div", { class: "rv-editor", hidden: true },
    h("label", { class: "rv-label", for: "rv-edit-text", text: "Edited draft" }),
    editArea,
    h("p", { class: "rv-hint", id: "rv-edit-hint", text: "Keep the [n] markers on sentences that rely on a source; the agent sees your edited text once you approve it." }));
  const editingTag = h("span", { class: "rv-editing-tag", hidden: true }, icon("edit"), "Editing");
  const draftBody = h("div", { class: "pcd-root rv-draft-body" }, textEl);
  const draftCard = h("section", { class: "pv-card rv-draft", "aria-labelledby": "rv-draft-title" },
    h("div", { class: "rv-card-head" },
      h("h3", { class: "rv-card-title", id: "rv-draft-title", text: "Draft reply" }),
      h("span", { class: "rv-card-sub", text: citations.length ? citations.length + (citations.length === 1 ? " source cited" : " sources cited") : "No sources cited" }),
      editingTag),
    draftBody,
    editor);

  /* sources */
  const sources = h("section", { class: "rv-sources", "aria-labelledby": "rv-sources-title" },
    h("h3", { class: "pv-section-title", id: "rv-sources-title" }, "Sources", h("span", { class: "pv-list-count", text: String(citations.length) })),
    h("div", { class: "pcd-root" }, citations.length
      ? h("ol", { class: "pcd-sources rv-source-grid" }, citations.map((/** @type {any} */ c) => {
        const card = citationCard(c, {
          onEnter: (n) => hotBadges(textEl, n, true),
          onLeave: (n) => hotBadges(textEl, n, false),
        });
        cards.set(Number(c.marker), card);
        return card;
      }))
      : h("p", { class: "pcd-muted pcd-none", text: "The draft cites no sources." })));

  /* flagged passages */
  const flagged = renderRules(rules, ticketHits, draftHits, { thread, textEl });

  const content = h("div", { class: "rv-content" },
    item.urgent ? h("div", { class: "pcd-root rv-safety" }, safetyNotice(item.instruction,
      "Act on this now, whatever you decide about the draft.")) : null,
    header,
    h("section", { class: "rv-ticket", "aria-labelledby": "rv-ticket-title" },
      h("h3", { class: "pv-section-title", id: "rv-ticket-title" }, "Ticket", h("span", { class: "rv-section-note", text: "what the customer wrote" })),
      thread),
    draftCard,
    sources);
  const aside = h("aside", { class: "rv-aside", "aria-label": "Flagged passages and decision" }, decision, flagged);
  return { nodes: [content, aside], refs: { textEl, draftBody, editor, editArea, editingTag, cards, draftText: str(draft.text) } };
}

/** @param {HTMLElement} textEl @param {number} marker @param {boolean} on */
function hotBadges(textEl, marker, on) {
  textEl.querySelectorAll('.pcd-cite[data-marker="' + marker + '"]').forEach((b) => b.classList.toggle("pcd-cite-hot", on));
}

/** @param {Map<number, HTMLElement>} cards @param {number} marker */
function focusSource(cards, marker) {
  const card = cards.get(marker);
  if (!card) return;
  cards.forEach((c) => c.classList.remove("pcd-flash"));
  scrollTo(card, "nearest");
  void card.offsetWidth;
  card.classList.add("pcd-flash");
  try {
    card.focus({ preventScroll: true });
  } catch {
    card.focus();
  }
  setTimeout(() => card.classList.remove("pcd-flash"), 1800);
}

/**
 * @param {Rule[]} rules
 * @param {{ rules: Rule[], counts: number[] }} ticketHits
 * @param {{ rules: Rule[], counts: number[] }} draftHits
 * @param {{ thread: HTMLElement, textEl: HTMLElement }} scopes  where the ticket's and the draft's passages are
 */
function renderRules(rules, ticketHits, draftHits, scopes) {
  /** @param {Rule} r */
  const key = (r) => [r.rule, r.domain, r.source, r.text].join("\u0000");
  /** @param {Rule} rule */
  const count = (rule) => {
    const pool = rule.source === "ticket" ? ticketHits : draftHits;
    const at = pool.rules.findIndex((r) => key(r) === key(rule));
    return at >= 0 ? pool.counts[at] : 0;
  };
  const list = rules.filter((r) => r.rule || r.text);
  const card = h("section", { class: "pv-card rv-rules", "aria-labelledby": "rv-rules-title" },
    h("div", { class: "rv-card-head" },
      h("h3", { class: "rv-card-title", id: "rv-rules-title" }, icon("flag"), "Why it was flagged"),
      h("span", { class: "pv-list-count", text: String(list.length) })));
  if (!list.length) {
    card.appendChild(h("p", { class: "rv-rules-none", text: "The gate recorded no matched passages for this draft." }));
    return card;
  }
  card.appendChild(h("ul", { class: "rv-rule-list" }, list.map((r) => {
    const n = count(r);
    const inner = [
      h("span", { class: "rv-rule-head" },
        h("span", { class: "rv-rule-name", text: ruleLabel(r.rule) }),
        r.domain ? domainPill(r.domain, "pcd-domain-sm") : null,
        h("span", { class: "rv-rule-src rv-rule-src-" + (r.source === "ticket" ? "ticket" : "draft"), text: r.source === "ticket" ? "Ticket" : r.source === "draft" ? "Draft" : sentence(r.source) || "Text" })),
      r.text ? h("q", { class: "rv-rule-text", text: r.text.trim() }) : h("span", { class: "rv-muted", text: "Matched by similarity, no exact passage." }),
      h("span", { class: "rv-rule-why", text: ruleWhy(r) }),
      r.text ? h("span", { class: "rv-rule-found" + (n ? "" : " rv-rule-missing"), text: foundText(n, r.source) }) : null,
    ];
    return h("li", null, n
      ? h("button", { type: "button", class: "rv-rule", onclick: () => jumpTo(r.source === "ticket" ? scopes.thread : scopes.textEl, r), title: "Show this passage" }, inner)
      : h("div", { class: "rv-rule" }, inner));
  })));
  return card;
}

/** Scrolls to a rule's highlighted passages and flashes them. @param {Element} scope @param {Rule} rule */
function jumpTo(scope, rule) {
  const marks = Array.from(scope.querySelectorAll("mark.pcd-hit")).filter((m) =>
    (" " + (m.getAttribute("data-rules") || "") + " ").indexOf(" " + rule.rule + " ") >= 0);
  const target = /** @type {HTMLElement | undefined} */ (marks[0]);
  if (!target) return;
  scrollTo(target, "center");
  for (const m of marks) {
    m.classList.remove("rv-hit-flash");
    void (/** @type {HTMLElement} */ (m)).offsetWidth;
    m.classList.add("rv-hit-flash");
  }
  setTimeout(() => { marks.forEach((m) => m.classList.remove("rv-hit-flash")); }, 1600);
}

/**
 * The decision taken, or for a superseded item what replaced it (a link when it has a review).
 * @param {any} item @param {(id: string) => void} [open]
 */
export function decidedView(item, open) {
  if (item.status === "superseded") return supersededView(item, open);
  const approved = item.status === "approved";
  return h("section", { class: "pv-card rv-decision rv-decided", "aria-labelledby": "rv-decision-title" },
    h("div", { class: "rv-card-head" }, h("h3", { class: "rv-card-title", id: "rv-decision-title", text: "Decision" })),
    h("p", { class: "rv-decided-line" }, icon(approved ? "check" : "ban"),
      (approved ? "Approved" : sentence(item.status)) + (item.decided_at ? " on " + absolute(item.decided_at) : "") + "."),
    item.note ? h("blockquote", { class: "rv-decided-note", text: str(item.note) }) : null);
}

/** @param {any} item @param {(id: string) => void} [open] */
function supersededView(item, open) {
  const next = successor(item);
  const id = next.reviewId;
  return h("section", { class: "pv-card rv-decision rv-decided", "aria-labelledby": "rv-decision-title" },
    h("div", { class: "rv-card-head" }, h("h3", { class: "rv-card-title", id: "rv-decision-title", text: "Superseded" })),
    h("p", { class: "rv-decided-line" }, icon("arrow"),
      "The customer's ticket has a newer draft" + (item.decided_at ? " since " + absolute(item.decided_at) : "") +
      "; only the newest is reviewed."),
    id ? h("p", null, h("a", { href: "#review-" + encodeURIComponent(id), class: "rv-superseded-link",
      onclick: (/** @type {Event} */ e) => { if (open) { e.preventDefault(); open(id); } } }, "Open review #" + id, icon("arrow")))
      : h("p", { class: "rv-muted", text: next.text + "." }));
}
