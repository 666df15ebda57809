/*!
 * Precedent sidebar UI core.
 *
 * Renders a cited reply draft (text with [n] markers, sources, flags, notes, progress)
 * into any container element and talks to the Precedent API. It knows nothing about the
 * page around it, so the same file runs in the /preview page and inside a helpdesk
 * sidebar iframe (~320 px wide). Plain ES2020, no modules, no dependencies.
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
 * stream ends early, the sidebar polls GET /drafts/<id> every `pollInterval` ms instead.
 * Adapters whose fetch cannot stream (Freshdesk request templates) pass `stream: false`.
 *
 * Also exported for other Precedent pages (the reviewer's page): renderText, highlight,
 * normalizeRules, citationCard, domainPill and ruleLabel.
 *
 * Security: every piece of server text is inserted with textContent / createTextNode;
 * innerHTML is never used. Links are only made from http(s) or same-site URLs.
 */
(function (global) {
  "use strict";

  var VERSION = "1.2.0";
  var SVG_NS = "http://www.w3.org/2000/svg";
  var MARKER_RE = /\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g;
  var STRIP_RE = /[ \t]*\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g;
  var FINAL = { ready: true, failed: true };

  var DEFAULTS = {
    apiBase: "/api/v1",
    fetch: null,
    headers: null,
    onInsert: null,
    onStateChange: null,
    feedback: false,
    pollInterval: 400,
    stream: true,
    gatePollInterval: 5000,
    timeout: 60000,
    keepMarkers: false,
    draftButton: true,
    title: "Precedent",
  };

  var FLAG_INFO = {
    weak_evidence: { label: "Weak evidence", tone: "warn" },
    knowledge_gap: { label: "Knowledge gap", tone: "gap" },
    unsupported_citation_removed: { label: "Unsupported citation removed", tone: "neutral" },
    context_skipped: { label: "No customer context", tone: "neutral" },
  };

  var KIND_INFO = {
    ticket: { label: "Resolved ticket", icon: "ticket" },
    doc: { label: "Help article", icon: "book" },
  };

  var DOMAIN_LABELS = { legal: "Legal", medical: "Medical", financial: "Financial", insurance: "Insurance", safety: "Safety" };
  var GATED = { review_required: true, rejected: true };
  var PLACEHOLDER_RE = /<[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*>/g;  // redaction placeholders, e.g. <PERSON_1>

  var STAGE_LABELS = {
    fetch: "Fetch ticket", redact: "Redact", retrieve: "Retrieve",
    generate: "Generate", verify: "Verify citations", restore: "Restore",
  };

  /* ------------------------------------------------------------------ icons */

  // Static, trusted markup descriptions (never server data).
  var ICONS = {
    ticket: [["path", { d: "M3 8a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2v2a2 2 0 0 0 0 4v2a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-2a2 2 0 0 0 0-4z" }], ["path", { d: "M14 6v2M14 11v2M14 16v2" }]],
    book: [["path", { d: "M4 5.5A2.5 2.5 0 0 1 6.5 3H20v15H6.5A2.5 2.5 0 0 0 4 20.5z" }], ["path", { d: "M4 20.5A2.5 2.5 0 0 0 6.5 23H20v-5" }], ["path", { d: "M8 8h8M8 11.5h5" }]],
    copy: [["rect", { x: "9", y: "9", width: "12", height: "12", rx: "2" }], ["path", { d: "M5 15H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v1" }]],
    insert: [["path", { d: "M9 10l-5 5 5 5" }], ["path", { d: "M20 4v7a4 4 0 0 1-4 4H4" }]],
    refresh: [["path", { d: "M20.5 12a8.5 8.5 0 1 1-2.5-6" }], ["path", { d: "M20.5 3.5V8H16" }]],
    warn: [["path", { d: "M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z" }], ["path", { d: "M12 9v4M12 17h.01" }]],
    gap: [["circle", { cx: "11", cy: "11", r: "7" }], ["path", { d: "M20 20l-4-4" }], ["path", { d: "M9 9l4 4M13 9l-4 4" }]],
    info: [["circle", { cx: "12", cy: "12", r: "9.5" }], ["path", { d: "M12 11v5.5M12 7.5h.01" }]],
    error: [["circle", { cx: "12", cy: "12", r: "9.5" }], ["path", { d: "M15 9l-6 6M9 9l6 6" }]],
    check: [["path", { d: "M20 6 9 17l-5-5" }]],
    external: [["path", { d: "M18 13v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h6" }], ["path", { d: "M15 3h6v6M10 14 21 3" }]],
    spark: [["path", { d: "M12 3l1.8 4.7L18.5 9.5l-4.7 1.8L12 16l-1.8-4.7L5.5 9.5l4.7-1.8z" }], ["path", { d: "M19 15l.8 2.2L22 18l-2.2.8L19 21l-.8-2.2L16 18l2.2-.8z" }]],
    inbox: [["path", { d: "M22 12h-6l-2 3h-4l-2-3H2" }], ["path", { d: "M5.5 5.1 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.5-6.9A2 2 0 0 0 16.7 4H7.3a2 2 0 0 0-1.8 1.1z" }]],
    shield: [["path", { d: "M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z" }], ["path", { d: "M9 12l2 2 4-4" }]],
    clock: [["circle", { cx: "12", cy: "12", r: "9.5" }], ["path", { d: "M12 7v5l3 2" }]],
    x: [["path", { d: "M18 6 6 18M6 6l12 12" }]],
    lock: [["rect", { x: "4", y: "11", width: "16", height: "10", rx: "2" }], ["path", { d: "M8 11V7a4 4 0 0 1 8 0v4" }]],
    ban: [["circle", { cx: "12", cy: "12", r: "9.5" }], ["path", { d: "M5.3 5.3l13.4 13.4" }]],
    flag: [["path", { d: "M4 22V4" }], ["path", { d: "M4 4h13l-2.5 4.5L17 13H4" }]],
    thumb: [["path", { d: "M7 10v11H3V10z" }], ["path", { d: "M7 10l4-8a2.2 2.2 0 0 1 3.2 2.3L13.5 9H19a2 2 0 0 1 2 2.3l-1.4 7.9A2 2 0 0 1 17.6 21H7" }]],
  };

  function icon(name, extraClass) {
    return svgIcon(ICONS[name] || ICONS.info, "pcd-icon" + (extraClass ? " " + extraClass : ""));
  }

  // An outline icon from [tag, attributes] parts; pages pass their own icon sets.
  function svgIcon(parts, className) {
    var svg = document.createElementNS(SVG_NS, "svg");
    [["viewBox", "0 0 24 24"], ["fill", "none"], ["stroke", "currentColor"], ["stroke-width", "2"],
      ["stroke-linecap", "round"], ["stroke-linejoin", "round"], ["aria-hidden", "true"],
      ["focusable", "false"], ["class", className]]
      .forEach(function (a) { svg.setAttribute(a[0], a[1]); });
    parts.forEach(function (part) {
      var node = document.createElementNS(SVG_NS, part[0]);
      Object.keys(part[1]).forEach(function (k) { node.setAttribute(k, part[1][k]); });
      svg.appendChild(node);
    });
    return svg;
  }

  /* ------------------------------------------------------------ DOM helpers */

  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value == null || value === false) return;
        if (key === "class") el.className = value;
        else if (key === "text") el.textContent = String(value);
        else if (key.slice(0, 2) === "on" && typeof value === "function") {
          el.addEventListener(key.slice(2).toLowerCase(), value);
        } else el.setAttribute(key, value === true ? "" : String(value));
      });
    }
    for (var i = 2; i < arguments.length; i++) add(el, arguments[i]);
    return el;
  }

  function add(parent, child) {
    if (child == null || child === false) return parent;
    if (Array.isArray(child)) { child.forEach(function (c) { add(parent, c); }); return parent; }
    if (typeof child === "string" || typeof child === "number") {
      parent.appendChild(document.createTextNode(String(child)));
    } else parent.appendChild(child);
    return parent;
  }

  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }

  function str(value) { return value == null ? "" : String(value); }

  function reducedMotion() {
    return !!(global.matchMedia && global.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  /* --------------------------------------------------------------- helpers */

  function sentence(text) {
    var t = str(text).trim();
    return t.charAt(0).toUpperCase() + t.slice(1);
  }

  function humanize(flag) {
    var s = str(flag).replace(/[_-]+/g, " ").trim();
    return s ? s.charAt(0).toUpperCase() + s.slice(1) : "Flag";
  }

  function formatMs(ms) {
    if (!isFinite(ms)) return "";
    if (ms < 1000) return Math.round(ms) + " ms";
    if (ms < 10000) return (ms / 1000).toFixed(1) + " s";
    return Math.round(ms / 1000) + " s";
  }

  function totalMs(timings) {
    if (!timings || typeof timings !== "object") return NaN;
    var sum = 0, any = false;
    Object.keys(timings).forEach(function (k) {
      var v = Number(timings[k]);
      if (isFinite(v)) { sum += v; any = true; }
    });
    return any ? sum : NaN;
  }

  function percent(score) {
    var n = Number(score);
    if (!isFinite(n)) return null;
    return Math.max(0, Math.min(100, Math.round(n * 100)));
  }

  /** A URL safe to put in href: http(s) absolute, or site-relative. Otherwise null. */
  function safeUrl(url) {
    var raw = str(url).trim();
    if (!raw) return null;
    try {
      var parsed = new URL(raw, global.location && global.location.href);
      if (parsed.protocol === "http:" || parsed.protocol === "https:") return parsed.href;
    } catch (e) { /* fall through */ }
    return null;
  }

  function markerSet(citations) {
    var set = new Set();
    (citations || []).forEach(function (c) {
      var n = Number(c && c.marker);
      if (Number.isInteger(n)) set.add(n);
    });
    return set;
  }

  function parseMarkers(group) {
    return group.split(",").map(function (s) { return parseInt(s, 10); });
  }

  /**
   * Draft text as plain text for the reply: markers that point at a citation are removed
   * (the customer cannot see the sources), everything else is kept verbatim.
   */
  function toPlainText(text, citations, keepMarkers) {
    var value = str(text).replace(/\r\n?/g, "\n");
    if (!keepMarkers) {
      var known = markerSet(citations);
      value = value.replace(STRIP_RE, function (match, group) {
        return parseMarkers(group).every(function (n) { return known.has(n); }) ? "" : match;
      });
    }
    return value.split("\n").map(function (line) { return line.replace(/[ \t]+$/, ""); })
      .join("\n").replace(/\n{3,}/g, "\n\n").trim();
  }

  function copyText(text) {
    function fallback() {
      var area = h("textarea", { class: "pcd-clip", readonly: true, "aria-hidden": "true" });
      area.value = text;
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      return ok ? Promise.resolve() : Promise.reject(new Error("copy blocked"));
    }
    if (global.navigator && navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text).catch(fallback);
    }
    return fallback();
  }

  var uidCounter = 0;
  function uid(prefix) { uidCounter += 1; return prefix + "-" + uidCounter; }

  /* ------------------------------------------------------ compliance gate */

  function domainLabel(domain) {
    var d = str(domain).toLowerCase();
    return DOMAIN_LABELS[d] || humanize(domain);
  }

  /** A pill for a regulated domain; the class is only ever one of the known domains. */
  function domainPill(domain, extraClass) {
    var d = str(domain).toLowerCase();
    return h("span", {
      class: "pcd-domain" + (DOMAIN_LABELS[d] ? " pcd-domain-" + d : "") + (extraClass ? " " + extraClass : ""),
      text: domainLabel(domain),
    });
  }

  function ruleLabel(rule) { return humanize(rule || "rule"); }

  function sourceLabel(source) {
    return source === "draft" ? "in the draft" : source === "ticket" ? "in the ticket" : source ? "in the " + source : "";
  }

  /**
   * Why one rule hit, in a line: the gate's own words (`detail`, e.g. "classifier: medical
   * 0.82 ≥ 0.50 on the ticket") when it gave them, else the rule id, its type and its score.
   */
  function ruleWhy(r) {
    if (r.detail) return r.detail;
    var parts = [r.rule, r.type].filter(Boolean);
    if (r.score != null) parts.push("score " + r.score.toFixed(2));
    return parts.join(" \u00b7 ");
  }

  var SAFETY_FALLBACK = "Someone may be in danger. Follow your emergency procedure now.";

  /**
   * The safety notice: someone may be in danger, and what to do now (the tenant's
   * instruction). Shown first wherever an urgent draft appears; `note` adds a line under it.
   */
  function safetyNotice(instruction, note) {
    var titleId = uid("pcd-safety-title");
    return h("section", { class: "pcd-safety", role: "alert", "aria-labelledby": titleId },
      h("div", { class: "pcd-safety-head" },
        h("span", { class: "pcd-safety-icon" }, icon("warn")),
        h("h2", { class: "pcd-safety-title", id: titleId, text: "Someone may be in danger" })),
      h("p", { class: "pcd-safety-instruction", text: str(instruction) || SAFETY_FALLBACK }),
      note ? h("p", { class: "pcd-safety-note", text: note }) : null);
  }

  /**
   * Rules as flat {rule, domain, source, text} entries. Accepts the API's flat RuleHit and
   * the gate's nested form ({rule, domain, spans: [{source, text, …}]}); drops duplicates.
   */
  function normalizeRules(rules) {
    var out = [];
    (Array.isArray(rules) ? rules : []).forEach(function (r) {
      if (!r || typeof r !== "object") return;
      var base = {
        rule: str(r.rule || r.id || r.policy), domain: str(r.domain), type: r.type ? str(r.type) : "",
        score: typeof r.score === "number" && isFinite(r.score) ? r.score : null,
        detail: r.detail ? str(r.detail) : "",
      };
      if (Array.isArray(r.spans) && r.spans.length) {
        r.spans.forEach(function (span) {
          if (span && typeof span === "object") {
            out.push(Object.assign({}, base, { source: str(span.source), text: str(span.text) }));
          }
        });
      } else out.push(Object.assign({}, base, { source: str(r.source), text: str(r.text) }));
    });
    var seen = new Set();
    return out.filter(function (r) {
      var key = [r.rule, r.domain, r.source, r.text.trim().toLowerCase()].join("\u0000");
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  /**
   * A case-insensitive pattern for a rule's matched text. The text comes from the redacted
   * copy, so citation markers are ignored, any run of whitespace matches any other, and a
   * placeholder such as <PERSON_1> matches whatever was restored in its place.
   */
  function rulePattern(text) {
    var t = str(text).replace(STRIP_RE, "").trim();
    if (t.replace(PLACEHOLDER_RE, "").replace(/[\W_]+/g, "").length < 2) return null;
    var pieces = t.split(PLACEHOLDER_RE).map(function (p) { return p.trim(); });
    while (pieces.length && !pieces[0]) pieces.shift();
    while (pieces.length && !pieces[pieces.length - 1]) pieces.pop();
    var source = pieces.map(function (p) {
      return p ? p.split(/\s+/).map(escapeRe).join("\\s+") : "";
    }).join("[^\\n]{1,120}?");
    try { return new RegExp(source, "gi"); } catch (e) { return null; }
  }

  function hitTitle(rules) {
    return "Flagged for review: " + rules.map(function (r) {
      return ruleLabel(r.rule) + (r.domain ? " (" + domainLabel(r.domain) + ")" : "");
    }).join("; ");
  }

  /**
   * Wraps the text that rules matched in <mark> elements, inside each block element on its
   * own (so a match never crosses paragraphs). Matches may cross inline elements (citation
   * groups); citation badges and screen-reader text are not part of the searched text.
   *
   *   highlight(blocks, rules, { source: "draft", tone: "review" })
   *     → { rules: [...flat rules...], counts: [n matches per rule] }
   */
  function highlight(blocks, rules, options) {
    var o = options || {};
    var list = normalizeRules(rules).filter(function (r) { return !o.source || r.source === o.source; });
    var counts = list.map(function () { return 0; });
    var patterns = list.map(function (r) { return rulePattern(r.text); });
    var skip = o.skip || ".pcd-cite, .pcd-sr";
    var blockList = blocks && typeof blocks.length === "number" ? Array.prototype.slice.call(blocks) : [blocks];

    blockList.forEach(function (block) {
      if (!block || block.nodeType !== 1) return;
      var segs = [], text = "";
      (function walk(node) {
        for (var child = node.firstChild; child; child = child.nextSibling) {
          if (child.nodeType === 3) { segs.push({ node: child, start: text.length }); text += child.nodeValue; }
          else if (child.nodeType === 1) {
            if (child.tagName === "BR") text += "\n";
            else if (!child.matches(skip)) walk(child);
          }
        }
      })(block);
      if (!text) return;

      var ranges = [];
      patterns.forEach(function (re, i) {
        if (!re) return;
        re.lastIndex = 0;
        var m;
        while ((m = re.exec(text)) !== null) {
          if (!m[0]) { re.lastIndex += 1; continue; }
          ranges.push({ s: m.index, e: m.index + m[0].length, rules: [i] });
          counts[i] += 1;
        }
      });
      if (!ranges.length) return;
      ranges.sort(function (a, b) { return a.s - b.s || b.e - a.e; });
      var merged = [];
      ranges.forEach(function (r) {
        var last = merged[merged.length - 1];
        if (last && r.s < last.e) {
          last.e = Math.max(last.e, r.e);
          r.rules.forEach(function (i) { if (last.rules.indexOf(i) < 0) last.rules.push(i); });
        } else merged.push({ s: r.s, e: r.e, rules: r.rules.slice() });
      });

      // Last range first: splitText keeps the head in the original node, so the offsets of
      // the ranges still to do stay valid.
      for (var k = merged.length - 1; k >= 0; k--) {
        var range = merged[k];
        var hit = range.rules.map(function (i) { return list[i]; });
        var title = hitTitle(hit);
        var domains = hit.map(function (r) { return r.domain; }).filter(Boolean);
        var lastPiece = true;
        for (var j = segs.length - 1; j >= 0; j--) {
          var seg = segs[j];
          var node = seg.node;
          var len = node.nodeValue.length;
          var a = Math.max(range.s, seg.start) - seg.start;
          var b = Math.min(range.e, seg.start + len) - seg.start;
          if (b <= a) continue;
          if (b < len) node.splitText(b);
          var piece = a > 0 ? node.splitText(a) : node;
          var mark = h("mark", {
            class: "pcd-hit" + (o.tone ? " pcd-hit-" + o.tone : ""),
            title: title,
            "data-domains": domains.join(" "),
            "data-rules": hit.map(function (r) { return r.rule; }).join(" "),
          });
          piece.parentNode.replaceChild(mark, piece);
          mark.appendChild(piece);
          if (lastPiece) {
            mark.parentNode.insertBefore(h("span", { class: "pcd-sr", text: " (" + title + ")" }), mark.nextSibling);
            lastPiece = false;
          }
        }
      }
    });
    return { rules: list, counts: counts };
  }

  /** The gate part of a Draft, with defaults for drafts from before the gate existed. */
  function gateOf(draft) {
    var g = draft && draft.gate && typeof draft.gate === "object" ? draft.gate : null;
    if (!g) return { status: "clear", domains: [], jurisdiction: null, rules: [], insertable: true, reason: null, urgent: false, instruction: null, eligible: null };
    var domains = (Array.isArray(g.domains) ? g.domains : []).map(str).filter(Boolean);
    return {
      status: str(g.status) || "clear",
      domains: domains,
      jurisdiction: g.jurisdiction ? str(g.jurisdiction) : null,
      rules: normalizeRules(g.rules),
      insertable: g.insertable !== false,
      reason: g.reason ? str(g.reason) : null,
      urgent: g.urgent === true || domains.indexOf("safety") >= 0,
      instruction: g.instruction ? str(g.instruction) : null,
      eligible: typeof g.eligible_reviewers === "number" ? g.eligible_reviewers : null,
    };
  }

  function listWords(items) {
    if (items.length < 2) return items.join("");
    return items.slice(0, -1).join(", ") + " and " + items[items.length - 1];
  }

  /**
   * Draft text with [n] markers as citation badges. onCite(n) runs when a badge is clicked;
   * without it the badges are plain labels.
   */
  function citedText(container, text, citations, onCite) {
    var list = Array.isArray(citations) ? citations : [];
    var byMarker = new Map();
    list.forEach(function (c) { byMarker.set(Number(c && c.marker), c); });
    renderText(container, text, markerSet(list), function (n) {
      var c = byMarker.get(n);
      var label = "Source " + n + (c && c.title ? ": " + str(c.title) : "");
      if (typeof onCite !== "function") {
        return h("span", { class: "pcd-cite pcd-cite-static", "data-marker": String(n), title: c && c.title ? str(c.title) : label, "aria-label": label, text: String(n) });
      }
      var b = h("button", {
        type: "button", class: "pcd-cite", "data-marker": String(n),
        "aria-label": label, title: c && c.title ? str(c.title) : "Source " + n, text: String(n),
      });
      b.addEventListener("click", function () { onCite(n); });
      return b;
    });
    return container;
  }

  /**
   * One source card (marker badge, kind, similarity, title link, snippet with Show more).
   * hooks.onEnter / hooks.onLeave are called on hover (the sidebar lights up the badges).
   */
  function citationCard(c, hooks) {
    var hk = hooks || {};
    var marker = Number(c.marker);
    var kind = KIND_INFO[c.kind] || { label: humanize(c.kind || "Source"), icon: "info" };
    var href = safeUrl(c.url);
    var title = str(c.title).trim() || str(c.source_id) || "Untitled source";
    var pct = percent(c.score);
    var snippet = str(c.snippet).trim();
    var titleEl = href
      ? h("a", { class: "pcd-cite-title", href: href, target: "_blank", rel: "noopener noreferrer" },
        h("span", { text: title }), icon("external", "pcd-icon-xs"),
        h("span", { class: "pcd-sr", text: " (opens in a new tab)" }))
      : h("span", { class: "pcd-cite-title", text: title });
    var snippetEl = snippet ? h("p", { class: "pcd-snippet", text: snippet }) : null;
    var more = null;
    if (snippet.length > 150) {
      more = h("button", { type: "button", class: "pcd-link-btn", "aria-expanded": "false", text: "Show more" });
      more.addEventListener("click", function () {
        var open = snippetEl.classList.toggle("pcd-open");
        more.textContent = open ? "Show less" : "Show more";
        more.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    var tone = pct == null ? "" : pct >= 75 ? "pcd-score-high" : pct >= 55 ? "pcd-score-mid" : "pcd-score-low";
    var card = h("li", { class: "pcd-source", tabindex: "-1", "data-marker": String(marker) },
      h("div", { class: "pcd-source-head" },
        h("span", { class: "pcd-badge", "aria-hidden": "true", text: String(marker) }),
        h("span", { class: "pcd-kind pcd-kind-" + str(c.kind).replace(/[^a-z0-9_-]/gi, "") }, icon(kind.icon), h("span", { class: "pcd-kind-label", text: kind.label })),
        pct == null ? null : h("span", { class: "pcd-score " + tone, title: "Similarity to this ticket: " + pct + "%" },
          meter(pct),
          h("span", { text: pct + "% match" }))),
      h("span", { class: "pcd-sr", text: "Source " + marker + ": " }),
      titleEl,
      c.source_id ? h("span", { class: "pcd-source-id pcd-mono", text: str(c.source_id) }) : null,
      snippetEl, more);
    if (typeof hk.onEnter === "function") card.addEventListener("mouseenter", function () { hk.onEnter(marker); });
    if (typeof hk.onLeave === "function") card.addEventListener("mouseleave", function () { hk.onLeave(marker); });
    return card;
  }

  function meter(pct) {
    var fill = h("span");
    fill.style.width = pct + "%";  // CSSOM, so a strict CSP without 'unsafe-inline' is fine
    return h("span", { class: "pcd-meter", "aria-hidden": "true" }, fill);
  }

  /* ------------------------------------------------------------ API client */

  function ApiError(code, message, status, transient) {
    var err = new Error(message);
    err.name = "PrecedentApiError";
    err.code = code;
    err.status = status || 0;
    err.transient = !!transient;
    return err;
  }

  /**
   * A tiny JSON client. `fetch` may be any function with the fetch() signature whose
   * response has `ok`, `status`, `statusText` and `text()` (or `json()`).
   */
  function createClient(options) {
    var opts = Object.assign({}, DEFAULTS, options || {});
    var fetchFn = opts.fetch || (global.fetch ? global.fetch.bind(global) : null);
    var base = str(opts.apiBase || "/api/v1").replace(/\/+$/, "");

    function url(path) {
      var p = str(path);
      if (/^https?:\/\//i.test(p)) return p;
      var root = basePath();
      if (p.charAt(0) === "/" && root !== "" && p.indexOf(root + "/") === 0) {
        return new URL(p, absoluteBase()).href;  // e.g. links.self = "/api/v1/drafts/…"
      }
      return base + (p.charAt(0) === "/" ? p : "/" + p);
    }

    function absoluteBase() {
      try { return new URL(base + "/", global.location.href).href; } catch (e) { return base + "/"; }
    }

    function basePath() {
      try { return new URL(base + "/", global.location.href).pathname.replace(/\/+$/, ""); } catch (e) { return base; }
    }

    function headers(hasBody) {
      var extra = typeof opts.headers === "function" ? opts.headers() : opts.headers;
      return Object.assign({ Accept: "application/json" },
        hasBody ? { "Content-Type": "application/json" } : {}, extra || {});
    }

    function request(method, path, body) {
      if (!fetchFn) return Promise.reject(ApiError("no_fetch", "This browser cannot make requests (fetch is unavailable)."));
      var init = { method: method, headers: headers(body !== undefined), credentials: "same-origin" };
      if (body !== undefined) init.body = JSON.stringify(body);
      var target = url(path);
      return Promise.resolve()
        .then(function () { return fetchFn(target, init); })
        .catch(function (e) {
          throw ApiError("network", "Could not reach Precedent at " + base +
            (e && e.message ? " (" + e.message + ")" : "") + ". Check that the backend is running.", 0, true);
        })
        .then(function (res) {
          var read = typeof res.text === "function"
            ? res.text().then(function (raw) { return raw ? JSON.parse(raw) : null; })
            : Promise.resolve(typeof res.json === "function" ? res.json() : res.body);
          return read.catch(function () { return null; }).then(function (data) {
            var status = Number(res.status) || 0;
            var ok = res.ok != null ? !!res.ok : status >= 200 && status < 300;
            if (!ok) {
              var e = data && data.error;
              var message = e && e.message ? str(e.message)
                : "Precedent answered HTTP " + status + (res.statusText ? " " + res.statusText : "") + ".";
              throw ApiError(e && e.code ? str(e.code) : "http_" + status, message, status,
                status === 502 || status === 504);
            }
            if (data == null || typeof data !== "object") {
              throw ApiError("bad_response", "Precedent sent a response that is not JSON.", status);
            }
            return data;
          });
        });
    }

    /**
     * Reads a text/event-stream, calling onEvent(name, data) per event. Resolves when the
     * stream ends; rejects with code "no_stream" when the response cannot be read as one.
     */
    function events(path, onEvent, signal) {
      if (!fetchFn) return Promise.reject(ApiError("no_fetch", "fetch is unavailable."));
      var init = { method: "GET", credentials: "same-origin", signal: signal,
        headers: Object.assign(headers(false), { Accept: "text/event-stream" }) };
      return Promise.resolve().then(function () { return fetchFn(url(path), init); }).then(function (res) {
        var type = res && res.headers && typeof res.headers.get === "function" ? str(res.headers.get("Content-Type")) : "";
        if (!res || !res.ok || !res.body || typeof res.body.getReader !== "function" || type.indexOf("text/event-stream") !== 0) {
          throw ApiError("no_stream", "The draft's events cannot be streamed here.", res && res.status);
        }
        return readEvents(res.body.getReader(), onEvent);
      });
    }

    return {
      url: url,
      request: request,
      events: events,
      get: function (path) { return request("GET", path); },
      post: function (path, body) { return request("POST", path, body === undefined ? {} : body); },
    };
  }

  /** Splits a server-sent event stream into (event, JSON data) calls; comments are skipped. */
  function readEvents(reader, onEvent) {
    var decoder = new TextDecoder();
    var buffer = "";
    function dispatch(block) {
      var name = "message", data = [];
      block.split("\n").forEach(function (line) {
        if (line.indexOf("event:") === 0) name = line.slice(6).trim();
        else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
      });
      if (!data.length) return;
      var parsed;
      try { parsed = JSON.parse(data.join("\n")); } catch (e) { return; }
      onEvent(name, parsed);
    }
    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) return null;
        buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n?/g, "\n");
        var end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
        return pump();
      });
    }
    return pump();
  }

  /* ------------------------------------------------------------ rendering */

  function renderInline(parent, line, known, makeBadge) {
    var last = 0, match;
    MARKER_RE.lastIndex = 0;
    while ((match = MARKER_RE.exec(line)) !== null) {
      var numbers = parseMarkers(match[1]);
      if (!numbers.every(function (n) { return known.has(n); })) continue;  // leave as text
      // Keep the badges on the same line as the word they follow.
      var before = line.slice(last, match.index).replace(/[ \t]+$/, "");
      var prev = parent.lastChild;
      var group;
      if (!before && prev && prev.nodeType === 1 && prev.classList.contains("pcd-cites")) {
        group = prev;  // "[1][2]" or "[1] [2]": one group
      } else {
        var word = before.match(/\S+$/);
        add(parent, word ? before.slice(0, word.index) : before);
        group = h("span", { class: "pcd-cites" }, word ? word[0] : null);
      }
      numbers.forEach(function (n) { group.appendChild(makeBadge(n)); });
      if (group !== parent.lastChild) parent.appendChild(group);
      last = MARKER_RE.lastIndex;
    }
    add(parent, line.slice(last));
  }

  /** Paragraphs (blank-line separated), simple "- " / "1. " lists, line breaks, badges. */
  function renderText(container, text, known, makeBadge) {
    var blocks = str(text).replace(/\r\n?/g, "\n").split(/\n[ \t]*\n+/);
    blocks.forEach(function (block) {
      var lines = block.split("\n").filter(function (l) { return l.trim() !== ""; });
      if (!lines.length) return;
      var bullet = /^\s*[-*\u2022]\s+/, numbered = /^\s*(\d{1,3})[.)]\s+/;
      if (lines.length > 1 && lines.every(function (l) { return bullet.test(l); })) {
        var ul = h("ul");
        lines.forEach(function (l) { renderInline(ul.appendChild(h("li")), l.replace(bullet, ""), known, makeBadge); });
        container.appendChild(ul);
      } else if (lines.length > 1 && lines.every(function (l) { return numbered.test(l); })) {
        var ol = h("ol");
        var start = parseInt(lines[0].match(numbered)[1], 10);
        if (start !== 1) ol.setAttribute("start", String(start));
        lines.forEach(function (l) { renderInline(ol.appendChild(h("li")), l.replace(numbered, ""), known, makeBadge); });
        container.appendChild(ol);
      } else {
        var p = h("p");
        lines.forEach(function (l, i) {
          if (i) p.appendChild(h("br"));
          renderInline(p, l, known, makeBadge);
        });
        container.appendChild(p);
      }
    });
  }

  function classifyNote(note) {
    var text = str(note).trim();
    var m = text.match(/^(weak evidence|knowledge gap)\s*[:\u2014-]\s*/i);
    if (m) {
      var gap = /gap/i.test(m[1]);
      var rest = text.slice(m[0].length);
      return { tone: gap ? "gap" : "warn", title: gap ? "Knowledge gap" : "Weak evidence", body: rest.charAt(0).toUpperCase() + rest.slice(1) };
    }
    return { tone: "info", title: "Note", body: text };
  }

  var DEFAULT_NOTES = {
    weak_evidence: "The closest precedent is only loosely related. Check every sentence against the cited sources before using it.",
    knowledge_gap: "No resolved ticket or help article matches this question. Write this reply yourself, and consider documenting the answer.",
  };

  /* --------------------------------------------------------------- mount */

  function mount(element, options) {
    if (!element || element.nodeType !== 1) throw new Error("PrecedentSidebar.mount needs a DOM element");
    var opts = Object.assign({}, DEFAULTS, options || {});
    var client = createClient(opts);
    var gen = 0;             // bumps on every new operation; stale async work checks it
    var timers = [];
    var ticker = null;
    var streaming = null;  // AbortController of the event stream being read
    var flashTimer = null;
    var state = { name: "idle", ticketId: null, draft: null };
    var ui = {};             // live references into the current view
    var destroyed = false;

    element.classList.add("pcd-root");
    clear(element);

    var live = h("div", { class: "pcd-sr", role: "status", "aria-live": "polite", "aria-atomic": "true" });
    var ticketChip = h("span", { class: "pcd-chip pcd-mono", hidden: true });
    var body = h("div", { class: "pcd-body" });
    var foot = h("footer", { class: "pcd-foot", hidden: true });
    var shell = h("section", { class: "pcd", "aria-label": opts.title + " draft assistant" },
      h("header", { class: "pcd-head" },
        h("span", { class: "pcd-logo", "aria-hidden": "true" }, "P"),
        h("div", { class: "pcd-head-text" },
          h("span", { class: "pcd-brand", text: opts.title }),
          h("span", { class: "pcd-tagline", text: "Cited reply drafts" })),
        ticketChip),
      live, body, foot);
    element.appendChild(shell);

    // Layout by the host element's own width (iframe sidebar vs. wide panel).
    var resizer = null;
    function measure(width) { shell.classList.toggle("pcd-narrow", width > 0 && width < 340); }
    if (typeof ResizeObserver === "function") {
      resizer = new ResizeObserver(function (entries) { measure(entries[0].contentRect.width); });
      resizer.observe(element);
    } else measure(element.clientWidth);

    /* ---- plumbing */

    function later(fn, ms) {
      var id = setTimeout(function () {
        timers = timers.filter(function (t) { return t !== id; });
        fn();
      }, ms);
      timers.push(id);
      return id;
    }

    function sleep(ms) { return new Promise(function (resolve) { later(resolve, ms); }); }

    function stopTimers() {
      timers.forEach(clearTimeout);
      timers = [];
      if (ticker) { clearInterval(ticker); ticker = null; }
      if (streaming) { streaming.abort(); streaming = null; }
      stopWatch();
    }

    function announce(message) {
      live.textContent = "";
      // A fresh text node after a tick makes screen readers re-announce repeated messages.
      setTimeout(function () { live.textContent = message; }, 30);
    }

    function setState(name, detail) {
      state.name = name;
      if (typeof opts.onStateChange === "function") {
        try { opts.onStateChange(name, Object.assign({ ticketId: state.ticketId, draft: state.draft }, detail || {})); }
        catch (e) { if (global.console) console.error(e); }
      }
    }

    function setTicketChip(id) {
      ticketChip.textContent = id ? str(id) : "";
      ticketChip.hidden = !id;
      if (id) ticketChip.setAttribute("title", "Ticket " + id);
    }

    function view() {
      clear(body);
      foot.hidden = true;
      clear(foot);
      ui = {};
      return body;
    }

    function button(label, iconName, cls, onClick, attrs) {
      return h("button", Object.assign({ type: "button", class: "pcd-btn " + (cls || ""), onclick: onClick, "data-icon": iconName }, attrs || {}),
        iconName ? icon(iconName) : null, h("span", { class: "pcd-btn-label", text: label }));
    }

    /* ---- views */

    function renderIdle() {
      add(view(), h("div", { class: "pcd-empty" },
        h("span", { class: "pcd-empty-icon" }, icon("inbox")),
        h("p", { class: "pcd-empty-title", text: "No ticket selected" }),
        h("p", { class: "pcd-muted", text: "Open a ticket to draft a cited reply." })));
    }

    function renderTicketReady(notice) {
      var id = state.ticketId;
      add(view(), [
        notice ? h("div", { class: "pcd-notice pcd-tone-info pcd-notice-compact" }, icon("info"), h("p", { text: notice })) : null,
        h("div", { class: "pcd-empty pcd-empty-left" },
          h("span", { class: "pcd-empty-icon pcd-accent-soft" }, icon("spark")),
          h("p", { class: "pcd-empty-title", text: "Draft a reply for " + id }),
          h("p", { class: "pcd-muted", text: "Precedent finds similar resolved tickets and help articles, then writes a draft where every claim cites its source." }),
          opts.draftButton ? button("Draft reply", "spark", "pcd-btn-primary pcd-btn-block", function () { requestDraft(id); }) : null,
          h("ul", { class: "pcd-points" },
            h("li", null, icon("check"), "Cites resolved tickets and help articles"),
            h("li", null, icon("check"), "Flags weak evidence and knowledge gaps"),
            h("li", null, icon("shield"), "Never sends: you review, edit and send"))),
      ]);
    }

    function statusLabel(status) {
      if (status === "running") return "Drafting\u2026";
      if (status === "queued") return "Queued\u2026";
      return "Requesting\u2026";
    }

    function statusHint(status) {
      if (status === "running") return "Searching resolved tickets and help articles, then writing a cited draft.";
      if (status === "queued") return "Waiting for a drafting worker to pick this up.";
      return "Sending the ticket to Precedent.";
    }

    function renderProgress(started) {
      var label = h("span", { class: "pcd-progress-label", text: statusLabel(null) });
      var elapsed = h("span", { class: "pcd-progress-time", text: "0 s" });
      var hint = h("p", { class: "pcd-muted pcd-progress-hint", text: statusHint(null) });
      var retry = h("p", { class: "pcd-progress-retry", hidden: true });
      var growing = h("p", { class: "pcd-stream-text" });
      var streamBox = h("div", { class: "pcd-card pcd-stream", hidden: true }, growing);
      var skeleton = h("div", { class: "pcd-skeleton", "aria-hidden": "true" },
        h("span", null), h("span", null), h("span", null), h("span", { class: "pcd-short" }));
      var bar = h("div", { class: "pcd-bar", role: "progressbar", "aria-label": "Drafting progress", "aria-valuetext": "In progress" },
        h("span", { class: "pcd-bar-fill" }));
      add(view(), [
        h("div", { class: "pcd-card pcd-progress", "aria-busy": "true" },
          h("div", { class: "pcd-progress-row" }, h("span", { class: "pcd-pulse", "aria-hidden": "true" }), label, elapsed),
          bar, hint, retry,
          h("div", { class: "pcd-progress-actions" },
            button("Cancel", null, "pcd-btn-ghost pcd-btn-sm", cancel))),
        streamBox,
        skeleton,
      ]);
      ui.progress = { label: label, elapsed: elapsed, hint: hint, retry: retry, status: null,
        growing: growing, streamBox: streamBox, skeleton: skeleton };
      function tick() {
        var s = Math.floor((Date.now() - started) / 1000);
        elapsed.textContent = s + " s";
        elapsed.setAttribute("aria-label", s + " seconds elapsed");
      }
      tick();
      ticker = setInterval(tick, 250);
    }

    function updateProgress(draft) {
      var p = ui.progress;
      if (!p) return;
      var status = draft && draft.status;
      if (status !== p.status) {
        p.status = status;
        p.label.textContent = statusLabel(status);
        p.hint.textContent = statusHint(status);
        if (status === "queued" || status === "running") announce(status === "queued" ? "Queued" : "Drafting");
      }
      var err = draft && draft.error;
      if (err && err.message && status !== "failed") {
        p.retry.hidden = false;
        p.retry.textContent = "Retrying after a problem" + (draft.attempts ? " (attempt " + draft.attempts + ")" : "") + ": " + str(err.message);
      } else p.retry.hidden = true;
    }

    /** The text so far while the model writes it: plain text, markers as written. */
    function showGrowing(text) {
      var p = ui.progress;
      if (!p) return;
      p.growing.textContent = text;
      p.streamBox.hidden = !text;
      p.skeleton.hidden = !!text;
      if (text && p.status !== "writing") {
        p.status = "writing";
        p.label.textContent = "Writing the draft";
        p.hint.textContent = "The model is writing; citations are checked when it finishes.";
      }
    }

    function renderError(err, options) {
      var o = options || {};
      var message = str(err && err.message).trim() || "Something went wrong.";
      message = message.charAt(0).toUpperCase() + message.slice(1);
      var code = err && err.code ? str(err.code) : "";
      var id = state.ticketId;
      add(view(), h("div", { class: "pcd-notice pcd-tone-error", role: "alert" },
        icon("error"),
        h("div", { class: "pcd-notice-body" },
          h("p", { class: "pcd-notice-title", text: o.title || "Could not draft a reply" }),
          h("p", { text: message }),
          code ? h("p", { class: "pcd-notice-code pcd-mono", text: code }) : null,
          id && opts.draftButton !== false
            ? h("div", { class: "pcd-notice-actions" }, button("Try again", "refresh", "pcd-btn-secondary pcd-btn-sm", function () { requestDraft(id); }))
            : null)));
      if (o.draft) renderFooter(o.draft);
    }

    function renderNotices(draft) {
      var notes = Array.isArray(draft.notes) ? draft.notes : [];
      var flags = Array.isArray(draft.flags) ? draft.flags : [];
      var list = notes.map(classifyNote);
      ["weak_evidence", "knowledge_gap"].forEach(function (flag) {
        var tone = flag === "knowledge_gap" ? "gap" : "warn";
        if (flags.indexOf(flag) >= 0 && !list.some(function (n) { return n.tone === tone; })) {
          list.push({ tone: tone, title: FLAG_INFO[flag].label, body: DEFAULT_NOTES[flag] });
        }
      });
      var order = { gap: 0, warn: 1, info: 2 };
      list.sort(function (a, b) { return order[a.tone] - order[b.tone]; });
      return list.map(function (n) {
        return h("div", { class: "pcd-notice pcd-tone-" + n.tone },
          icon(n.tone === "gap" ? "gap" : n.tone === "warn" ? "warn" : "info"),
          h("div", { class: "pcd-notice-body" },
            h("p", { class: "pcd-notice-title", text: n.title }),
            h("p", { text: n.body })));
      });
    }

    function renderFlags(flags) {
      if (!Array.isArray(flags) || !flags.length) return null;
      return h("ul", { class: "pcd-pills", "aria-label": "Flags" }, flags.map(function (flag) {
        var info = FLAG_INFO[flag] || { label: humanize(flag), tone: "neutral" };
        return h("li", { class: "pcd-pill pcd-tone-" + info.tone, title: str(flag), text: info.label });
      }));
    }

    // Who is asking, from the helpdesk (never sent to a model): organisation, plan, a few
    // custom fields, tags and the requester's recent tickets.
    function renderCustomer(context) {
      if (!context || typeof context !== "object") return null;
      var prior = context.prior_tickets || {};
      var recent = Array.isArray(prior.recent) ? prior.recent : [];
      var tags = Array.isArray(context.tags) ? context.tags : [];
      var fields = context.fields && typeof context.fields === "object" ? context.fields : {};
      var facts = [["Organisation", context.organization], ["Plan", context.plan]];
      Object.keys(fields).filter(function (k) { return str(fields[k]) !== str(context.plan); })
        .slice(0, 4).forEach(function (k) { facts.push([humanize(k), fields[k]]); });
      facts.push(["Prior tickets", String(Number(prior.count) || 0)]);
      return h("section", { class: "pcd-customer", "aria-label": "Customer" },
        h("h3", { class: "pcd-h3", text: "Customer" }),
        h("dl", { class: "pcd-facts" }, facts.filter(function (f) { return str(f[1]).trim(); }).map(function (f) {
          return h("div", null, h("dt", { text: f[0] }), h("dd", { text: str(f[1]) }));
        })),
        tags.length ? h("ul", { class: "pcd-pills", "aria-label": "Customer tags" }, tags.map(function (t) {
          return h("li", { class: "pcd-pill", text: str(t) });
        })) : null,
        recent.length ? h("ul", { class: "pcd-prior", "aria-label": "Prior tickets" }, recent.map(function (t) {
          return h("li", null, h("span", { text: str(t.subject) || "#" + str(t.id) }),
            t.status ? h("span", { class: "pcd-muted", text: " \u00b7 " + str(t.status) }) : null);
        })) : null);
    }

    function renderCitation(c) {
      return citationCard(c, {
        onEnter: function (marker) { highlightBadges(marker, true); },
        onLeave: function (marker) { highlightBadges(marker, false); },
      });
    }

    function highlightBadges(marker, on) {
      if (!ui.text) return;
      ui.text.querySelectorAll('.pcd-cite[data-marker="' + marker + '"]').forEach(function (b) {
        b.classList.toggle("pcd-cite-hot", on);
      });
    }

    function focusCitation(marker) {
      var card = ui.cards && ui.cards.get(marker);
      if (!card) return;
      if (ui.cards) ui.cards.forEach(function (c) { c.classList.remove("pcd-flash"); });
      card.scrollIntoView({ behavior: reducedMotion() ? "auto" : "smooth", block: "nearest" });
      void card.offsetWidth;  // restart the animation when clicked twice
      card.classList.add("pcd-flash");
      try { card.focus({ preventScroll: true }); } catch (e) { card.focus(); }
      if (flashTimer) clearTimeout(flashTimer);
      flashTimer = setTimeout(function () { card.classList.remove("pcd-flash"); }, 1800);
    }

    function renderFooter(draft) {
      var parts = [];
      var who = [draft.provider, draft.model].filter(Boolean).map(str).join(" \u00b7 ");
      if (who) parts.push(h("span", { class: "pcd-mono", text: who }));
      var total = totalMs(draft.timings_ms);
      if (isFinite(total)) parts.push(h("span", null, icon("clock", "pcd-icon-xs"), formatMs(total)));
      if (Number(draft.attempts) > 1) parts.push(h("span", { text: draft.attempts + " attempts" }));
      if (!parts.length) return;
      var line = h("div", { class: "pcd-foot-line" });
      parts.forEach(function (p, i) {
        if (i) line.appendChild(h("span", { class: "pcd-dot", "aria-hidden": "true", text: "\u00b7" }));
        line.appendChild(p);
      });
      foot.appendChild(line);
      var timings = draft.timings_ms && typeof draft.timings_ms === "object" ? draft.timings_ms : null;
      if (timings && Object.keys(timings).length) {
        var table = h("dl", { class: "pcd-timings" });
        Object.keys(timings).forEach(function (k) {
          add(table, [h("dt", { text: STAGE_LABELS[k] || humanize(k) }), h("dd", { class: "pcd-mono", text: formatMs(Number(timings[k])) })]);
        });
        foot.appendChild(h("details", { class: "pcd-details" }, h("summary", { text: "Timings" }), table));
      }
      foot.hidden = false;
    }

    var GATE_COPY = {
      review_required: {
        title: "Needs review before use", pill: "Awaiting review", icon: "lock", tone: "review",
        hint: "Insert and Copy are locked until a credentialed reviewer approves this draft.",
      },
      rejected: {
        title: "Rejected by reviewer", pill: "Rejected by reviewer", icon: "ban", tone: "rejected",
        hint: "Insert and Copy are off: a reviewer rejected this draft. Write the reply yourself or draft again.",
      },
      blocked: {
        title: "Not available for use", pill: "Locked", icon: "lock", tone: "rejected",
        hint: "Insert and Copy are locked: Precedent does not allow using this draft.",
      },
    };

    function fallbackReason(gate) {
      var domains = listWords(gate.domains.map(function (d) { return domainLabel(d).toLowerCase(); })) || "regulated";
      var where = gate.jurisdiction || "this jurisdiction";
      if (gate.status === "rejected") return "A reviewer rejected this draft (" + domains + " advice, " + where + "); do not use it.";
      if (gate.status === "review_required") {
        return "This draft may give " + domains + " advice for " + where + "; a reviewer credentialed for " +
          domains + " in " + where + " must approve it before use.";
      }
      return "Precedent does not allow inserting this draft.";
    }

    function statusPill(gate) {
      if (gate.status === "approved") {
        return h("span", { class: "pcd-status pcd-status-approved", title: "A credentialed reviewer approved this draft" },
          icon("shield", "pcd-icon-xs"), "Approved by reviewer");
      }
      if (!gate.insertable) {
        var copy = GATE_COPY[gate.status] || GATE_COPY.blocked;
        return h("span", { class: "pcd-status pcd-status-" + copy.tone },
          icon(gate.status === "review_required" ? "clock" : copy.icon, "pcd-icon-xs"), copy.pill);
      }
      return h("span", { class: "pcd-status pcd-status-ready" }, icon("check", "pcd-icon-xs"), "Ready");
    }

    function ruleList(rules) {
      var items = rules.filter(function (r) { return r.rule || r.text; });
      if (!items.length) return null;
      return h("details", { class: "pcd-gate-rules" },
        h("summary", null, "Why it was flagged", h("span", { class: "pcd-count", text: String(items.length) })),
        h("ul", null, items.map(function (r) {
          return h("li", null,
            h("span", { class: "pcd-gate-rule-head" },
              h("span", { class: "pcd-gate-rule-name", text: ruleLabel(r.rule) }),
              r.domain ? domainPill(r.domain, "pcd-domain-sm") : null,
              r.source ? h("span", { class: "pcd-gate-rule-src", text: sourceLabel(r.source) }) : null),
            r.text ? h("q", { class: "pcd-gate-rule-text", text: r.text.trim() }) : null,
            h("span", { class: "pcd-gate-rule-why", text: ruleWhy(r) }));
        })));
    }

    /** What the agent waits for; never promises a review that no reviewer can give. */
    function waitingText(gate) {
      if (gate.eligible !== 0) return "Waiting for a reviewer. Insert unlocks here as soon as the draft is approved.";
      if (gate.urgent) return "No reviewer can approve this draft yet: follow the safety instruction above now, do not wait for it.";
      return "No reviewer is credentialed for this yet: Insert stays locked until one is added and approves it.";
    }

    /** The banner at the top of a draft the gate holds back (or that the server refused). */
    function gateBanner(gate, kind) {
      var copy = GATE_COPY[kind] || GATE_COPY.blocked;
      var reasonId = uid("pcd-gate-reason");
      var error = h("p", { class: "pcd-gate-error", role: "alert", hidden: true });
      var watchNote = h("p", { class: "pcd-gate-watch", hidden: kind !== "review_required" },
        h("span", { class: "pcd-pulse", "aria-hidden": "true" }),
        h("span", { class: "pcd-gate-watch-text", text: waitingText(gate) }));
      var meta = gate.domains.length || gate.jurisdiction
        ? h("div", { class: "pcd-gate-meta" },
          gate.domains.map(function (d) { return domainPill(d); }),
          h("span", { class: "pcd-juris", title: "Jurisdiction" }, icon("flag", "pcd-icon-xs"),
            h("span", { text: gate.jurisdiction || "Jurisdiction unknown" })))
        : null;
      var banner = h("section", { class: "pcd-gate pcd-gate-" + copy.tone, "aria-label": copy.title },
        h("div", { class: "pcd-gate-head" },
          h("span", { class: "pcd-gate-icon" }, icon(copy.icon)),
          h("h2", { class: "pcd-gate-title", text: copy.title })),
        meta,
        h("p", { class: "pcd-gate-reason", id: reasonId, text: gate.reason || fallbackReason(gate) }),
        error,
        ruleList(gate.rules),
        watchNote);
      return { el: banner, reasonId: reasonId, error: error, watchNote: watchNote };
    }

    function lockButtons(buttons, hintEl, describedBy) {
      buttons.forEach(function (b) {
        if (!b) return;
        b.disabled = true;
        b.classList.add("pcd-btn-locked");
        b.setAttribute("aria-describedby", describedBy);
        b.setAttribute("title", hintEl.textContent);
        swapIcon(b, "lock");
        b.dataset.icon = "lock";
      });
    }

    function renderReady(draft) {
      var citations = (Array.isArray(draft.citations) ? draft.citations : []).slice()
        .sort(function (a, b) { return Number(a.marker) - Number(b.marker); });
      var plain = toPlainText(draft.text, citations, opts.keepMarkers);
      var gate = gateOf(draft);
      var locked = !gate.insertable;
      var gateKind = GATE_COPY[gate.status] ? gate.status : "blocked";

      var textEl = h("div", { class: "pcd-text" });
      if (str(draft.text).trim()) {
        citedText(textEl, draft.text, citations, focusCitation);
        highlight(textEl.querySelectorAll("p, li"), gate.rules, {
          source: "draft", tone: gate.status === "approved" || gate.insertable ? "reviewed" : "review",
        });
      } else textEl.appendChild(h("p", { class: "pcd-muted", text: "The draft came back empty." }));

      var copyBtn = button("Copy", "copy", "pcd-btn-secondary", function () {
        if (ui.blocked) return;
        copyText(plain).then(function () {
          flashButton(copyBtn, "Copied", "check");
          announce("Draft copied to the clipboard");
        }, function () {
          flashButton(copyBtn, "Copy failed", "error");
          announce("Copy failed. Select the text and copy it manually.");
        });
      }, { disabled: !plain });
      var insertBtn = typeof opts.onInsert === "function"
        ? button("Insert into reply", "insert", "pcd-btn-primary", function () { insert(draft, plain, insertBtn); }, { disabled: !plain })
        : null;
      var redraft = state.ticketId && opts.draftButton
        ? h("button", { type: "button", class: "pcd-btn pcd-btn-ghost pcd-btn-icon", title: "Draft again", "aria-label": "Draft again",
          onclick: function () { requestDraft(state.ticketId); } }, icon("refresh"))
        : null;
      var lockHint = h("p", { class: "pcd-lock-hint", id: uid("pcd-lock"), hidden: true }, icon("lock", "pcd-icon-xs"), h("span"));
      var insertError = h("p", { class: "pcd-insert-error", role: "alert", hidden: true });
      var inserted = h("p", { class: "pcd-inserted", hidden: true });

      var cards = new Map();
      var sources = citations.length
        ? h("ol", { class: "pcd-sources" }, citations.map(function (c) {
          var card = renderCitation(c);
          cards.set(Number(c.marker), card);
          return card;
        }))
        : h("p", { class: "pcd-muted pcd-none", text: "No sources are cited. Nothing in this draft is backed by a resolved ticket or help article." });

      var banner = locked ? gateBanner(gate, gateKind) : null;
      var card = h("article", { class: "pcd-card pcd-draft" + (locked ? " pcd-draft-locked" : "") + (gate.status === "rejected" ? " pcd-draft-rejected" : "") + (gate.status === "approved" ? " pcd-draft-approved" : ""), "aria-label": "Draft reply" },
        h("div", { class: "pcd-draft-head" },
          h("h2", { class: "pcd-h2", text: "Draft reply" }),
          statusPill(gate),
          redraft),
        renderFlags(draft.flags),
        textEl,
        h("div", { class: "pcd-actions" }, insertBtn, copyBtn),
        lockHint, insertError, inserted,
        opts.feedback ? feedbackRow(draft) : null);

      add(view(), [
        gate.urgent ? safetyNotice(gate.instruction, gate.insertable ? null : "The draft below waits for a reviewer; this does not.") : null,
        banner ? banner.el : null,
        renderNotices(draft),
        card,
        h("section", { class: "pcd-sources-wrap", "aria-label": "Sources" },
          h("h3", { class: "pcd-h3" }, "Sources", h("span", { class: "pcd-count", text: String(citations.length) })),
          sources),
        renderCustomer(draft.customer_context),
      ]);
      ui.text = textEl;
      ui.cards = cards;
      ui.card = card;
      ui.banner = banner;
      ui.insertBtn = insertBtn;
      ui.copyBtn = copyBtn;
      ui.lockHint = lockHint;
      ui.insertError = insertError;
      ui.inserted = inserted;
      ui.blocked = locked;
      if (locked) {
        lockHint.lastChild.textContent = GATE_COPY[gateKind].hint;
        lockHint.hidden = false;
        lockButtons([insertBtn, copyBtn], lockHint, lockHint.id + " " + banner.reasonId);
      }
      if (!locked) showInserted(draft.inserted_at);
      renderFooter(draft);
    }

    function showInserted(when) {
      var el = ui.inserted;
      if (!el) return;
      var d = when ? new Date(when) : null;
      if (!d || isNaN(d.getTime())) { el.hidden = true; return; }
      clear(el);
      add(el, [icon("check", "pcd-icon-xs"), h("span", null, "Inserted into a reply at ",
        h("time", { datetime: d.toISOString(), title: d.toLocaleString(), text: d.toLocaleTimeString([], { hour: "numeric", minute: "2-digit" }) }))]);
      el.hidden = false;
    }

    function draftPath(draft) {
      if (draft && draft.links && draft.links.self) return str(draft.links.self);
      return draft && draft.id ? "/drafts/" + encodeURIComponent(str(draft.id)) : null;
    }

    /** Insert = ask the server (it records it, or refuses a gated draft), then hand over. */
    function insert(draft, plain, btn) {
      if (ui.blocked || ui.inserting || !btn) return;
      if (!draft.id) { showInsertError({ message: "This draft has no id, so Precedent cannot record the insert." }); return; }
      var my = gen;
      ui.inserting = true;
      ui.insertError.hidden = true;
      btn.disabled = true;
      btn.setAttribute("aria-busy", "true");
      var labelEl = btn.querySelector(".pcd-btn-label");
      labelEl.textContent = "Inserting\u2026";
      function restore() {
        ui.inserting = false;
        btn.removeAttribute("aria-busy");
        labelEl.textContent = "Insert into reply";
        btn.disabled = !!ui.blocked || !plain;
      }
      client.post("/drafts/" + encodeURIComponent(str(draft.id)) + "/insert", {}).then(function (fresh) {
        if (my !== gen || destroyed) return;
        restore();
        var next = fresh && typeof fresh === "object" && fresh.status === "ready" ? fresh : draft;
        var nextPlain = toPlainText(next.text, next.citations, opts.keepMarkers);
        if (nextPlain !== plain) {
          // The server's copy differs (e.g. a reviewer edited it): show that, never insert unseen text.
          render(next, { announce: "The draft changed since it was shown. Read it again, then insert." });
          showInsertError({ message: "The draft changed since it was shown (a reviewer may have edited it). Read it again, then insert." });
          return;
        }
        state.draft = next;
        // onInsert may return a promise (helpdesk SDK calls are asynchronous).
        var handed;
        try { handed = Promise.resolve(opts.onInsert(plain, next)); } catch (e) { handed = Promise.reject(e); }
        handed.then(function () {
          flashButton(btn, "Inserted", "check");
          announce("Draft inserted into the reply");
        }, function (e) {
          flashButton(btn, "Insert failed", "error");
          showInsertError({ message: "The helpdesk did not accept the text" + (e && e.message ? ": " + e.message : ".") });
          if (global.console) console.error(e);
        });
        showInserted(next.inserted_at || new Date().toISOString());
        setState("ready", { inserted: true });
      }, function (err) {
        if (my !== gen || destroyed) return;
        restore();
        if (err.status === 409) { refuseInsert(err); return; }
        flashButton(btn, "Insert failed", "error");
        showInsertError(err);
        announce("Insert failed: " + str(err.message));
      });
    }

    function showInsertError(err) {
      if (!ui.insertError) return;
      ui.insertError.textContent = sentence(err && err.message) || "Insert failed.";
      ui.insertError.hidden = false;
    }

    /** A 409 from the server: it is the authority, so lock the draft and say why. */
    function refuseInsert(err) {
      var message = sentence(err.message) || "Precedent refused to insert this draft.";
      var gate = gateOf(state.draft);
      var kind = GATE_COPY[err.code] ? err.code : GATE_COPY[gate.status] ? gate.status : "blocked";
      ui.blocked = true;
      if (!ui.banner) {
        // The page thought the draft was usable: the server's answer becomes the banner.
        ui.banner = gateBanner(Object.assign({}, gate, { status: kind, insertable: false, reason: message }), kind);
        var safety = body.querySelector(":scope > .pcd-safety");  // the safety notice stays first
        body.insertBefore(ui.banner.el, safety ? safety.nextSibling : body.firstChild);
        ui.banner.error.textContent = "Insert refused by Precedent.";
      } else ui.banner.error.textContent = "Insert refused: " + message;
      ui.banner.error.hidden = false;
      var pill = ui.card && ui.card.querySelector(".pcd-draft-head .pcd-status");
      if (pill) pill.parentNode.replaceChild(statusPill(Object.assign({}, gate, { status: kind, insertable: false })), pill);
      if (ui.card) ui.card.classList.add("pcd-draft-locked");
      ui.lockHint.lastChild.textContent = "Insert and Copy are locked: Precedent refused to insert this draft.";
      ui.lockHint.hidden = false;
      lockButtons([ui.insertBtn, ui.copyBtn], ui.lockHint, ui.lockHint.id + " " + ui.banner.reasonId);
      ui.banner.el.scrollIntoView({ behavior: reducedMotion() ? "auto" : "smooth", block: "nearest" });
      announce("Insert refused: " + message);
      if (err.code === "review_required" && !watch) watchGate(state.draft, opts.gatePollInterval);
    }

    /* ---- the agent's verdict and what was sent: POST /drafts/<id>/outcome */

    var verdict = null;      // { id, action } the agent's last action on a draft

    function reportOutcome(body, draft) {
      var d = draft || state.draft;
      if (!d || !d.id) return Promise.reject(ApiError("input", "There is no draft to report on."));
      var action = verdict && verdict.id === d.id ? { action: verdict.action } : {};
      return client.post("/drafts/" + encodeURIComponent(str(d.id)) + "/outcome", Object.assign(action, body || {}));
    }

    function feedbackRow(draft) {
      var note = h("p", { class: "pcd-feedback-note", role: "status", hidden: true });
      var buttons = [];
      function choice(label, iconName, body, done, attrs) {
        var btn = button(label, iconName, "pcd-btn-ghost pcd-btn-sm", function () {
          if (btn.getAttribute("aria-busy") === "true") return;
          btn.setAttribute("aria-busy", "true");
          reportOutcome(body, draft).then(function () {
            if (body.action) verdict = { id: draft.id, action: body.action };
            buttons.forEach(function (b) { if (b.group === btn.group) b.setAttribute("aria-pressed", b === btn ? "true" : "false"); });
            note.textContent = done;
            announce(done);
          }, function (err) {
            note.textContent = "Could not record that: " + sentence(err.message);
          }).then(function () { btn.removeAttribute("aria-busy"); note.hidden = false; });
        }, Object.assign({ "aria-pressed": "false" }, attrs || {}));
        btn.group = body.action ? "action" : "rating";
        buttons.push(btn);
        return btn;
      }
      var up = choice("", "thumb", { rating: "up" }, "Thanks: marked as helpful.", { title: "Helpful", "aria-label": "Helpful" });
      var down = choice("", "thumb", { rating: "down" }, "Thanks: marked as not helpful.", { title: "Not helpful", "aria-label": "Not helpful" });
      down.classList.add("pcd-thumb-down");
      return h("div", { class: "pcd-feedback" },
        h("div", { class: "pcd-feedback-row", role: "group", "aria-label": "Your verdict on this draft" },
          choice("Reject", "x", { action: "rejected" }, "Rejected: Precedent records that this draft was not used."),
          choice("Escalate", "flag", { action: "escalated" }, "Escalated: recorded for follow-up."),
          h("span", { class: "pcd-feedback-spacer" }), up, down),
        note);
    }

    /* ---- watching a gated draft for the reviewer's decision */

    var watch = null;        // { my, path, timer, busy }

    function gateKey(d) {
      var g = gateOf(d);
      return [d && d.status, g.status, g.insertable, g.reason, d && d.text].join("\u0000");
    }

    function stopWatch() {
      if (watch && watch.timer) clearTimeout(watch.timer);
      watch = null;
    }

    function watchGate(draft, delay) {
      stopWatch();
      var path = draftPath(draft);
      if (!path) return;
      var w = watch = { my: gen, path: path, timer: null, busy: false };
      function alive() { return watch === w && w.my === gen && !destroyed; }
      function schedule(ms) {
        if (w.timer) clearTimeout(w.timer);
        w.timer = setTimeout(function () { w.timer = null; check(); }, ms);
      }
      function note(text) {
        var el = ui.banner && ui.banner.watchNote;
        if (el) el.lastChild.textContent = text;
      }
      function check() {
        if (!alive() || w.busy) return;
        w.busy = true;
        client.get(w.path).then(function (next) {
          w.busy = false;
          if (!alive()) return;
          if (!next || typeof next !== "object" || !next.status) { schedule(opts.gatePollInterval); return; }
          if (gateKey(next) !== gateKey(state.draft)) { gateChanged(next); return; }
          note(waitingText(gateOf(next)));
          schedule(opts.gatePollInterval);
        }, function (err) {
          w.busy = false;
          if (!alive()) return;
          if (err.status === 401 || err.status === 403 || err.status === 404) {
            note("Stopped checking for a decision: " + sentence(err.message));
            stopWatch();
            return;
          }
          note("Could not check for a decision (" + str(err.message).replace(/\.$/, "") + "). Trying again\u2026");
          schedule(opts.gatePollInterval * 2);
        });
      }
      w.now = function () { if (alive()) { if (w.timer) clearTimeout(w.timer); w.timer = null; check(); } };
      schedule(delay == null ? opts.gatePollInterval : delay);
    }

    function gateChanged(next) {
      var status = gateOf(next).status;
      var focused = element.contains(document.activeElement);
      var message = status === "approved" ? "A reviewer approved this draft. Insert into reply is now available."
        : status === "rejected" ? "A reviewer rejected this draft. Do not use it."
          : "The draft was updated.";
      render(next, { announce: message });
      if (status === "approved" && ui.card) {
        ui.card.classList.add("pcd-just-approved");
        if (focused && ui.insertBtn) { try { ui.insertBtn.focus({ preventScroll: true }); } catch (e) { ui.insertBtn.focus(); } }
      }
    }

    function onVisible() {
      if (document.visibilityState === "visible" && watch && watch.now) watch.now();
    }
    if (typeof document !== "undefined" && document.addEventListener) document.addEventListener("visibilitychange", onVisible);

    function flashButton(btn, label, iconName) {
      var labelEl = btn.querySelector(".pcd-btn-label");
      if (!labelEl) return;
      if (!btn.dataset.label) btn.dataset.label = labelEl.textContent;
      labelEl.textContent = label;
      swapIcon(btn, iconName);
      btn.classList.add("pcd-btn-done");
      clearTimeout(Number(btn.dataset.timer || 0));
      btn.dataset.timer = String(setTimeout(function () {
        if (!btn.isConnected) return;
        labelEl.textContent = btn.dataset.label;
        swapIcon(btn, btn.dataset.icon);
        btn.classList.remove("pcd-btn-done");
      }, 1600));
    }

    function swapIcon(btn, name) {
      var current = btn.querySelector("svg");
      if (current && name) btn.replaceChild(icon(name), current);
    }

    /* ---- operations */

    function render(draft, options) {
      var o = options || {};
      stopTimers();
      state.draft = draft;
      if (draft.ticket_id) { state.ticketId = str(draft.ticket_id); setTicketChip(state.ticketId); }
      if (draft.status === "ready") {
        renderReady(draft);
        var gate = gateOf(draft);
        var n = Array.isArray(draft.citations) ? draft.citations.length : 0;
        var flags = Array.isArray(draft.flags) ? draft.flags : [];
        var gateNote = gate.status === "review_required" ? " Needs approval by a credentialed reviewer before use."
          : gate.status === "rejected" ? " Rejected by a reviewer: do not use it."
            : !gate.insertable ? " Locked: it cannot be inserted."
              : gate.status === "approved" ? " Approved by a reviewer." : "";
        announce(o.announce || "Draft ready" + (n ? " with " + n + (n === 1 ? " source" : " sources") : ", no sources cited") +
          (flags.indexOf("knowledge_gap") >= 0 ? ". Knowledge gap." : flags.indexOf("weak_evidence") >= 0 ? ". Weak evidence." : ".") + gateNote);
        setState("ready", { gate: gate.status });
        if (gate.status === "review_required") watchGate(draft, o.refresh ? 300 : opts.gatePollInterval);
      } else {
        var err = draft.error || {};
        renderError({ message: err.message || "The draft failed without a message.", code: err.code || "draft_failed" }, { draft: draft });
        announce("Draft failed: " + (err.message || "no message"));
        setState("failed", { error: err });
      }
    }

    function fail(err, my) {
      if (my !== gen || destroyed) return null;
      stopTimers();
      renderError(err);
      announce("Error: " + str(err && err.message));
      setState("error", { error: { code: err && err.code, message: err && err.message } });
      return null;
    }

    function follow(draft, my, started) {
      if (!opts.stream || !draft || FINAL[draft.status] || !draft.id) return poll(draft, my, started);
      return streamed(draft, my, started).then(function (final) {
        if (my !== gen || destroyed) return null;
        if (!final) return poll(draft, my, started);
        render(final);
        return final;
      });
    }

    /** Follows the draft's events; the final draft, or null to fall back to polling. */
    function streamed(draft, my, started) {
      var text = "";
      var final = null;
      var abort = typeof AbortController === "function" ? new AbortController() : null;
      streaming = abort;
      var remaining = Math.max(0, opts.timeout - (Date.now() - started));
      later(function () { if (abort) abort.abort(); }, remaining);
      function onEvent(name, data) {
        if (my !== gen || destroyed) { if (abort) abort.abort(); return; }
        if (name === "delta" && data && typeof data.text === "string") text += data.text;
        else if (name === "reset") text = "";
        else if (FINAL[name] && data && data.status) final = data;
        if (!final) showGrowing(text);
      }
      var path = "/drafts/" + encodeURIComponent(str(draft.id)) + "/events";
      return client.events(path, onEvent, abort ? abort.signal : undefined).then(function () {
        return final;
      }, function () {
        if (!final && my === gen && !destroyed) showGrowing("");  // nothing half-written stays up while we poll
        return final;
      });
    }

    function poll(draft, my, started) {
      var failures = 0;
      function step(current) {
        if (my !== gen || destroyed) return Promise.resolve(null);
        if (!current || typeof current !== "object" || !current.status) {
          return Promise.resolve(fail(ApiError("bad_response", "Precedent sent a draft without a status."), my));
        }
        state.draft = current;
        if (FINAL[current.status]) { render(current); return Promise.resolve(current); }
        updateProgress(current);
        // Clients that cannot read the event stream (Freshdesk's request templates) still see
        // the text growing, one poll at a time.
        if (current.status === "running" && typeof current.partial_text === "string") showGrowing(current.partial_text);
        if (Date.now() - started >= opts.timeout) {
          return Promise.resolve(fail(ApiError("timeout", "No draft after " + Math.round(opts.timeout / 1000) +
            " s. The drafting worker may be busy or offline; it may still finish, so try again in a moment."), my));
        }
        var self = current.links && current.links.self ? current.links.self
          : current.id ? "/drafts/" + encodeURIComponent(current.id) : null;
        if (!self) return Promise.resolve(fail(ApiError("bad_response", "Precedent sent a draft without an id."), my));
        return sleep(opts.pollInterval).then(function () {
          if (my !== gen || destroyed) return null;
          return client.get(self).then(function (next) {
            failures = 0;
            return step(next);
          }, function (err) {
            if (my !== gen || destroyed) return null;
            if (err.transient && ++failures < 4 && Date.now() - started < opts.timeout) return step(current);
            return fail(err, my);
          });
        });
      }
      return step(draft);
    }

    function begin(ticketId) {
      stopTimers();
      var my = ++gen;
      if (ticketId != null) { state.ticketId = str(ticketId); setTicketChip(state.ticketId); }
      state.draft = null;
      return my;
    }

    function requestDraft(ticketId) {
      if (destroyed) return Promise.resolve(null);
      var id = str(ticketId != null ? ticketId : state.ticketId).trim();
      if (!id) return Promise.resolve(fail(ApiError("input", "Choose a ticket first."), gen));
      var my = begin(id);
      var started = Date.now();
      renderProgress(started);
      announce("Requesting a draft for ticket " + id);
      setState("loading");
      return client.post("/drafts", { ticket_id: id }).then(function (draft) {
        return follow(draft, my, started);
      }, function (err) { return fail(err, my); });
    }

    function loadDraft(draftId) {
      if (destroyed) return Promise.resolve(null);
      var my = begin(null);
      var started = Date.now();
      renderProgress(started);
      setState("loading");
      return client.get("/drafts/" + encodeURIComponent(str(draftId))).then(function (draft) {
        return follow(draft, my, started);
      }, function (err) { return fail(err, my); });
    }

    function showDraft(draft) {
      if (destroyed) return Promise.resolve(null);
      if (!draft || typeof draft !== "object") return Promise.resolve(fail(ApiError("input", "showDraft needs a Draft object."), gen));
      var my = begin(draft.ticket_id);
      // A draft handed over from a cache may be stale: a gated one is re-read right away.
      if (FINAL[draft.status]) { render(draft, { refresh: true }); return Promise.resolve(draft); }
      var started = Date.now();
      renderProgress(started);
      setState("loading");
      return follow(draft, my, started);
    }

    function setTicket(ticketId) {
      begin(null);
      state.ticketId = ticketId == null || ticketId === "" ? null : str(ticketId);
      setTicketChip(state.ticketId);
      if (state.ticketId) { renderTicketReady(); setState("ticket"); } else { renderIdle(); setState("idle"); }
    }

    function cancel() {
      if (state.name !== "loading") return;
      begin(null);
      renderTicketReady("Stopped waiting. The draft may still finish in the background; drafting again picks it up.");
      announce("Stopped waiting for the draft");
      setState("ticket", { cancelled: true });
    }

    function showError(err) {
      var e = typeof err === "string" ? { message: err } : err || {};
      begin(null);
      return fail(ApiError(e.code || "error", str(e.message) || "Something went wrong.", e.status), gen);
    }

    function destroy() {
      destroyed = true;
      gen++;
      if (resizer) resizer.disconnect();
      if (typeof document !== "undefined" && document.removeEventListener) document.removeEventListener("visibilitychange", onVisible);
      stopTimers();
      if (flashTimer) clearTimeout(flashTimer);
      clear(element);
      element.classList.remove("pcd-root");
    }

    renderIdle();

    return {
      element: element,
      client: client,
      requestDraft: requestDraft,
      showDraft: showDraft,
      loadDraft: loadDraft,
      setTicket: setTicket,
      cancel: cancel,
      showError: showError,
      reset: function () { setTicket(null); },
      getDraft: function () { return state.draft; },
      reportOutcome: function (body) { return reportOutcome(body); },
      getState: function () { return state.name; },
      getText: function (o) {
        var d = state.draft;
        if (!d || d.status !== "ready") return "";
        if (ui.blocked || !gateOf(d).insertable) return "";  // gated: not for use until approved
        var keep = o && o.markers != null ? !!o.markers : opts.keepMarkers;
        return toPlainText(d.text, d.citations, keep);
      },
      destroy: destroy,
    };
  }

  global.PrecedentSidebar = Object.freeze({
    version: VERSION,
    mount: mount,
    createClient: createClient,
    renderText: citedText,
    highlight: highlight,
    normalizeRules: normalizeRules,
    citationCard: citationCard,
    domainPill: domainPill,
    domainLabel: domainLabel,
    ruleLabel: ruleLabel,
    ruleWhy: ruleWhy,
    safetyNotice: safetyNotice,
    toPlainText: function (text, citations, keepMarkers) { return toPlainText(text, citations, !!keepMarkers); },
    dom: Object.freeze({ h: h, add: add, clear: clear, svgIcon: svgIcon }),
  });
})(typeof window !== "undefined" ? window : this);
