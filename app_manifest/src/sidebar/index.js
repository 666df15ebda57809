// @ts-check
/**
 * Precedent sidebar UI core: the `PrecedentSidebar` global the helpdesk apps, the preview
 * page and the reviewer's page use. Built into backend/static/sidebar.js by
 * `npm run build:ui` (app_manifest/); see mount.js for the options.
 *
 *   const sidebar = PrecedentSidebar.mount(element, {
 *     apiBase: "/api/v1",                 // absolute URL when embedded elsewhere
 *     fetch: window.fetch.bind(window),   // or an adapter (e.g. around ZAF client.request)
 *     onInsert: (text, draft) => { ... }, // shows "Insert into reply" when given
 *   });
 *   sidebar.setTicket("TW-20001");        // "ready to draft" state for a ticket
 *   sidebar.requestDraft("TW-20001");     // POST, then follow until ready/failed
 *   sidebar.showDraft(draftJson);         // render a Draft object you already have
 *   sidebar.reportOutcome({ sent_text, sent_type });  // POST /drafts/<id>/outcome
 *
 * Helpdesk adapters (app_manifest/) pass `feedback: true` for the agent's verdict row (Reject,
 * Escalate, thumbs up / down, each POSTed to /drafts/<id>/outcome as {action} or {rating}) and
 * call reportOutcome() with what was actually sent; the agent's last action rides along.
 * onInsert may return a promise (ZAF / Freshworks SDK calls are asynchronous).
 *
 * Compliance gate: a draft's `gate` says whether a credentialed reviewer must approve it
 * first. While `gate.insertable` is false, Insert and Copy are disabled and a banner names
 * the domains, jurisdiction and who can review; a `review_required` draft is re-read every
 * `gatePollInterval` ms so an approval elsewhere unlocks it. Insert always asks the server
 * first (POST /drafts/<id>/insert) and only calls onInsert on success: the server decides.
 * An urgent draft (`gate.urgent`: the safety policy found someone may be in danger) shows
 * the tenant's safety instruction (`gate.instruction`) first, above the draft and every
 * other banner, whatever its review status.
 *
 * Streaming: while a model writes the draft, its text is shown growing (plain text, [n]
 * markers as written) from GET /drafts/<id>/events, read with fetch() and a body reader so
 * the Authorization header and other `headers` still go along (EventSource cannot send
 * them). The final event carries the draft, rendered with its citations as usual. When the
 * response cannot be read as a stream (an adapter's fetch, an old browser, a proxy), or the
 * stream ends early, the sidebar polls GET /drafts/<id> every `pollInterval` ms instead
 * (each wait `pollBackoff` times the last, up to `pollMaxInterval`; the gate's watch likewise
 * with `gatePollBackoff` / `gatePollMaxInterval`). Adapters whose fetch cannot stream
 * (Freshdesk request templates) pass `stream: false` and a slower pace (freshdesk/templates.js
 * PACING: the platform allows 50 template requests a minute per app and account).
 *
 * Shown: once a ready draft's text is on screen the core posts /drafts/<id>/shown, once per
 * draft (shown.js; `reportShown: false` turns it off): review speed counts from there.
 *
 * Insert is off while its request is in flight and once the composer has the draft, and the
 * server records one insert per draft however often it is asked; a thumbs-down asks why.
 *
 * Security: every piece of server text is inserted with textContent / createTextNode;
 * innerHTML is never used. Links are only made from http(s) or same-site URLs.
 */
import { createClient } from "../shared/api.js";
import { add, clear, h, svgIcon } from "../shared/dom.js";
import { domainLabel, normalizeRules, ruleLabel, ruleWhy } from "../shared/gate.js";
import { toPlainText } from "../shared/markers.js";
import { citationCard, citedText, domainPill, highlight, safetyNotice } from "../shared/render.js";
import { mount } from "./mount.js";

export const VERSION = "1.2.0";

export const PrecedentSidebar = Object.freeze({
  version: VERSION,
  mount,
  createClient,
  renderText: citedText,
  highlight,
  normalizeRules,
  citationCard,
  domainPill,
  domainLabel,
  ruleLabel,
  ruleWhy,
  safetyNotice,
  /** @param {unknown} text @param {any[]} citations @param {boolean} [keepMarkers] */
  toPlainText: (text, citations, keepMarkers) => toPlainText(text, citations, !!keepMarkers),
  dom: Object.freeze({ h, add, clear, svgIcon }),
});

/** @type {any} */ (globalThis).PrecedentSidebar = PrecedentSidebar;
