/*
 * Precedent preview page: a ticket picker, the ticket, a reply composer and the sidebar
 * UI core (sidebar.js) in a sidebar-width column, as it will look inside a helpdesk.
 * Nothing here ever sends a reply. Server text is always set with textContent.
 */
(function () {
  "use strict";

  var ICONS = {
    lock: [["rect", { x: "4", y: "11", width: "16", height: "10", rx: "2" }], ["path", { d: "M8 11V7a4 4 0 0 1 8 0v4" }]],
    shield: [["path", { d: "M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z" }], ["path", { d: "M9 12l2 2 4-4" }]],
    spark: [["path", { d: "M12 3l1.8 4.7L18.5 9.5l-4.7 1.8L12 16l-1.8-4.7L5.5 9.5l4.7-1.8z" }], ["path", { d: "M19 15l.8 2.2L22 18l-2.2.8L19 21l-.8-2.2L16 18l2.2-.8z" }]],
    error: [["circle", { cx: "12", cy: "12", r: "9.5" }], ["path", { d: "M15 9l-6 6M9 9l6 6" }]],
    globe: [["circle", { cx: "12", cy: "12", r: "9.5" }], ["path", { d: "M2.5 12h19M12 2.5c2.5 2.6 3.8 5.8 3.8 9.5s-1.3 6.9-3.8 9.5c-2.5-2.6-3.8-5.8-3.8-9.5S9.5 5.1 12 2.5z" }]],
    inbox: [["path", { d: "M22 12h-6l-2 3h-4l-2-3H2" }], ["path", { d: "M5.5 5.1 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.5-6.9A2 2 0 0 0 16.7 4H7.3a2 2 0 0 0-1.8 1.1z" }]],
    search: [["circle", { cx: "11", cy: "11", r: "7" }], ["path", { d: "M20 20l-3.5-3.5" }]],
  };

  var body = document.body;
  var apiBase = body.getAttribute("data-api-base") || "/api/v1";
  var els = {
    list: document.getElementById("pv-list"),
    count: document.getElementById("pv-count"),
    filter: document.getElementById("pv-filter"),
    view: document.getElementById("pv-ticket-view"),
    ticketCol: document.getElementById("pv-ticket"),
    sidebar: document.getElementById("pv-sidebar"),
    live: document.getElementById("pv-live"),
    health: document.getElementById("pv-health"),
    healthText: document.getElementById("pv-health-text"),
  };

  var state = {
    tickets: [],
    selected: null,       // ticket id
    ticket: null,         // loaded ticket detail
    loadToken: 0,
    composer: new Map(),  // ticket id -> composer text (kept while the page is open)
    drafts: new Map(),    // ticket id -> last finished draft
    sidebarState: "idle",
  };
  var ui = {};            // elements of the current ticket view

  /* ------------------------------------------------------------ helpers */

  function icon(name) {
    return PrecedentSidebar.dom.svgIcon(ICONS[name] || [], "pv-icon");
  }

  // DOM helpers shared with the sidebar core (sidebar.js loads first).
  var h = PrecedentSidebar.dom.h;
  var add = PrecedentSidebar.dom.add;

  function sentence(text) {
    var t = str(text).trim();
    return t.charAt(0).toUpperCase() + t.slice(1);
  }

  var clear = PrecedentSidebar.dom.clear;
  function str(v) { return v == null ? "" : String(v); }

  function announce(message) {
    els.live.textContent = "";
    setTimeout(function () { els.live.textContent = message; }, 30);
  }

  function parseDate(value) {
    if (!value) return null;
    var d = new Date(value);
    return isNaN(d.getTime()) ? null : d;
  }

  var rtf = typeof Intl !== "undefined" && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat(undefined, { numeric: "auto", style: "long" }) : null;
  var dtf = typeof Intl !== "undefined" ? new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }) : null;

  function relative(value) {
    var d = parseDate(value);
    if (!d) return str(value);
    if (!rtf) return d.toLocaleString();
    var seconds = (d.getTime() - Date.now()) / 1000;
    var abs = Math.abs(seconds);
    // Like a helpdesk inbox: "3 hours ago" this week, a short date ("Apr 6") before that.
    if (abs >= 604800) return shortDate(d);
    var units = [["day", 86400], ["hour", 3600], ["minute", 60]];
    for (var i = 0; i < units.length; i++) {
      if (abs >= units[i][1]) return rtf.format(Math.round(seconds / units[i][1]), units[i][0]);
    }
    return "just now";
  }

  function shortDate(d) {
    var sameYear = d.getFullYear() === new Date().getFullYear();
    var options = sameYear ? { month: "short", day: "numeric" } : { month: "short", day: "numeric", year: "numeric" };
    return typeof Intl !== "undefined" ? new Intl.DateTimeFormat(undefined, options).format(d) : d.toDateString();
  }

  function absolute(value) {
    var d = parseDate(value);
    if (!d) return str(value);
    return dtf ? dtf.format(d) : d.toLocaleString();
  }

  function timeEl(value, cls, relativeFirst) {
    if (!value) return null;
    var d = parseDate(value);
    return h("time", {
      class: cls, datetime: d ? d.toISOString() : null, title: absolute(value),
      text: relativeFirst ? relative(value) : absolute(value),
    });
  }

  function initials(name) {
    var parts = str(name).trim().split(/[\s@._-]+/).filter(Boolean);
    if (!parts.length) return "?";
    return (parts[0].charAt(0) + (parts.length > 1 ? parts[parts.length - 1].charAt(0) : "")).toUpperCase();
  }

  function tagList(tags, limit) {
    var list = Array.isArray(tags) ? tags.map(str).filter(Boolean) : [];
    var shown = limit ? list.slice(0, limit) : list;
    var out = shown.map(function (t) { return h("span", { class: "pv-tag", text: t }); });
    if (limit && list.length > limit) {
      out.push(h("span", { class: "pv-tag", title: list.slice(limit).join(", "), text: "+" + (list.length - limit) }));
    }
    return out;
  }

  function errorBox(title, err, retry) {
    return h("div", { class: "pv-error", role: "alert" },
      icon("error"),
      h("div", { class: "pv-error-body" },
        h("strong", { text: title }),
        h("span", { text: sentence(err && err.message) || "Something went wrong." }),
        err && err.code ? h("span", { class: "pv-mono", text: str(err.code) }) : null,
        retry ? h("button", { type: "button", class: "pv-btn pv-btn-secondary", onclick: retry, text: "Try again" }) : null));
  }

  /* ------------------------------------------------------------ sidebar */

  var sidebar = PrecedentSidebar.mount(els.sidebar, {
    apiBase: apiBase,
    fetch: window.fetch.bind(window),
    onInsert: insertIntoComposer,
    onStateChange: function (name, detail) {
      state.sidebarState = name;
      if (name === "ready" || name === "failed") {
        if (detail.draft && detail.draft.ticket_id) state.drafts.set(str(detail.draft.ticket_id), detail.draft);
      }
      syncDraftButton();
    },
  });
  var api = sidebar.client;

  function syncDraftButton() {
    var btn = ui.draftBtn;
    if (!btn) return;
    var busy = state.sidebarState === "loading";
    btn.disabled = busy;
    btn.setAttribute("aria-busy", busy ? "true" : "false");
    clear(btn);
    if (busy) add(btn, [h("span", { class: "pv-spin", "aria-hidden": "true" }), "Drafting…"]);
    else add(btn, [icon("spark"), state.drafts.has(state.selected) ? "Draft again" : "Draft reply"]);
  }

  function insertIntoComposer(text) {
    var area = ui.composer;
    if (!area) throw new Error("No reply composer is open");
    var current = area.value.replace(/\s+$/, "");
    area.value = current ? current + "\n\n" + text : text;
    storeComposer();
    updateChars();
    var card = ui.composerCard;
    card.classList.remove("pv-flash");
    void card.offsetWidth;
    card.classList.add("pv-flash");
    card.scrollIntoView({ behavior: matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth", block: "nearest" });
    area.focus({ preventScroll: true });
    area.setSelectionRange(area.value.length, area.value.length);
    announce("Draft inserted into the reply composer. Review and edit it, then send it from your helpdesk.");
  }

  function storeComposer() {
    if (state.selected && ui.composer) state.composer.set(state.selected, ui.composer.value);
  }

  function updateChars() {
    if (!ui.chars || !ui.composer) return;
    var n = ui.composer.value.length;
    ui.chars.textContent = n.toLocaleString() + (n === 1 ? " character" : " characters");
  }

  /* ------------------------------------------------------------ ticket list */

  function loadTickets() {
    els.list.setAttribute("aria-busy", "true");
    if (!state.tickets.length) {
      clear(els.list);
      for (var i = 0; i < 3; i++) {
        els.list.appendChild(h("div", { class: "pv-skel", "aria-hidden": "true" }, h("span"), h("span"), h("span")));
      }
    }
    return api.get("/tickets").then(function (data) {
      state.tickets = Array.isArray(data.tickets) ? data.tickets : [];
      els.count.textContent = String(state.tickets.length);
      els.count.hidden = false;
      renderList();
      var fromHash = decodeURIComponent(location.hash.replace(/^#/, ""));
      var initial = state.tickets.some(function (t) { return str(t.id) === fromHash; }) ? fromHash
        : state.tickets.length ? str(state.tickets[0].id) : null;
      if (fromHash && initial !== fromHash) {
        // A bookmarked ticket that is no longer open: try it anyway (it may just be closed).
        select(fromHash, { keepHash: true });
      } else if (initial) select(initial, { keepHash: !!fromHash });
      else renderNoTicket();
    }, function (err) {
      clear(els.list);
      els.count.hidden = true;
      els.list.appendChild(h("div", { class: "pv-list-empty" }, errorBox("Could not load open tickets", err, loadTickets)));
      renderNoTicket("Tickets could not be loaded", "Check the connector settings, then try again.");
    }).then(function () { els.list.setAttribute("aria-busy", "false"); });
  }

  function matches(ticket, query) {
    if (!query) return true;
    var hay = [ticket.id, ticket.subject, ticket.requester, ticket.jurisdiction].concat(ticket.tags || [])
      .map(str).join(" ").toLowerCase();
    return query.split(/\s+/).every(function (word) { return hay.indexOf(word) >= 0; });
  }

  function renderList() {
    var query = els.filter.value.trim().toLowerCase();
    var shown = state.tickets.filter(function (t) { return matches(t, query); });
    clear(els.list);
    if (!state.tickets.length) {
      els.list.appendChild(h("div", { class: "pv-list-empty" },
        icon("inbox"), h("span", { text: "No open tickets. The inbox is empty." })));
      return;
    }
    if (!shown.length) {
      els.list.appendChild(h("div", { class: "pv-list-empty" },
        icon("search"), h("span", { text: "No tickets match \u201c" + els.filter.value.trim() + "\u201d." })));
      return;
    }
    els.list.appendChild(h("ul", { class: "pv-tickets" }, shown.map(function (t) {
      var id = str(t.id);
      return h("li", null, h("button", {
        type: "button", class: "pv-ticket", "data-id": id,
        "aria-current": id === state.selected ? "true" : "false",
        onclick: function () { select(id); },
      },
      h("span", { class: "pv-ticket-top" },
        h("span", { class: "pv-mono", text: id }),
        t.requester ? h("span", { class: "pv-ticket-req", text: str(t.requester) }) : null,
        t.created_at ? h("span", { class: "pv-ticket-time", title: absolute(t.created_at), text: relative(t.created_at) }) : null),
      h("span", { class: "pv-ticket-subject", text: str(t.subject) || "(no subject)" }),
      (t.jurisdiction || (t.tags && t.tags.length)) ? h("span", { class: "pv-ticket-meta" },
        t.jurisdiction ? h("span", { class: "pv-tag pv-tag-juris", title: "Jurisdiction", text: str(t.jurisdiction) }) : null,
        tagList(t.tags, 3)) : null));
    })));
  }

  function markSelected() {
    els.list.querySelectorAll(".pv-ticket").forEach(function (b) {
      b.setAttribute("aria-current", b.getAttribute("data-id") === state.selected ? "true" : "false");
    });
  }

  /* ------------------------------------------------------------ ticket view */

  function renderNoTicket(title, text) {
    ui = {};
    clear(els.view);
    els.view.appendChild(h("div", { class: "pv-placeholder" },
      h("span", { class: "pv-placeholder-icon" }, icon("inbox")),
      h("h2", { text: title || "Pick a ticket" }),
      h("p", { text: text || "Choose an open ticket to see the conversation and draft a reply." })));
    sidebar.setTicket(null);
  }

  function select(id, options) {
    var opts = options || {};
    if (id === state.selected && state.ticket) return;
    storeComposer();
    state.selected = id;
    state.ticket = null;
    markSelected();
    if (!opts.keepHash) history.replaceState(null, "", "#" + encodeURIComponent(id));
    var cached = state.drafts.get(id);
    if (cached) sidebar.showDraft(cached); else sidebar.setTicket(id);
    var token = ++state.loadToken;
    ui = {};
    clear(els.view);
    els.view.appendChild(h("div", { class: "pv-card pv-ticket-skel", "aria-hidden": "true" }, h("span"), h("span"), h("span"), h("span")));
    els.view.setAttribute("aria-busy", "true");
    api.get("/tickets/" + encodeURIComponent(id)).then(function (ticket) {
      if (token !== state.loadToken) return;
      state.ticket = ticket;
      renderTicket(ticket);
    }, function (err) {
      if (token !== state.loadToken) return;
      ui = {};
      clear(els.view);
      els.view.appendChild(errorBox("Could not open ticket " + id, err, function () { state.ticket = null; select(id, { keepHash: true }); }));
      sidebar.setTicket(null);
    }).then(function () {
      if (token === state.loadToken) els.view.setAttribute("aria-busy", "false");
    });
  }

  function message(opts) {
    var internal = opts.internal;
    var cls = "pv-msg " + (internal ? "pv-msg-internal" : opts.agent ? "pv-msg-agent" : "pv-msg-customer");
    return h("li", { class: cls },
      h("span", { class: "pv-avatar", "aria-hidden": "true", text: internal ? "" : initials(opts.name) }, internal ? icon("lock") : null),
      h("article", { class: "pv-card pv-bubble", "aria-label": (internal ? "Internal note by " : "Message from ") + opts.name },
        h("div", { class: "pv-msg-head" },
          h("span", { class: "pv-msg-author", text: opts.name }),
          internal
            ? h("span", { class: "pv-msg-label" }, icon("lock"), "Internal note \u00b7 not visible to the customer")
            : h("span", { class: "pv-msg-label", text: opts.agent ? "Public reply" : opts.first ? "Original request" : "Customer" }),
          timeEl(opts.when, "pv-msg-time", false)),
        h("div", { class: "pv-msg-body", text: str(opts.body) })));
  }

  function renderTicket(t) {
    var id = str(t.id);
    var requester = str(t.requester) || "Requester";
    clear(els.view);
    ui = {};

    // "Draft reply" shows the ticket's draft of its current version (or makes one); once this
    // page has a draft of the ticket, the button reads "Draft again" and asks for a new one.
    var draftBtn = h("button", { type: "button", class: "pv-btn pv-btn-primary", onclick: function () {
      sidebar.requestDraft(id, state.drafts.has(id) ? { again: true } : undefined);
    } });
    ui.draftBtn = draftBtn;

    var facts = h("dl", { class: "pv-facts" },
      h("div", { class: "pv-fact" }, h("dt", { text: "Requester" }),
        h("dd", null, h("span", { text: requester }), t.requester_email ? h("span", { class: "pv-email", text: "<" + str(t.requester_email) + ">" }) : null)),
      h("div", { class: "pv-fact" }, h("dt", { text: "Jurisdiction" }),
        h("dd", null, t.jurisdiction ? h("span", { class: "pv-tag pv-tag-juris" }, str(t.jurisdiction)) : h("span", { class: "pv-email", text: "Not set" }))),
      h("div", { class: "pv-fact" }, h("dt", { text: "Created" }),
        h("dd", null, t.created_at ? timeEl(t.created_at, null, false) : h("span", { class: "pv-email", text: "Unknown" }))),
      Array.isArray(t.tags) && t.tags.length
        ? h("div", { class: "pv-fact" }, h("dt", { text: "Tags" }), h("dd", null, tagList(t.tags)))
        : null);

    var header = h("header", { class: "pv-card pv-ticket-head" },
      h("div", { class: "pv-ticket-head-top" },
        h("div", { class: "pv-ticket-head-text" },
          h("div", { class: "pv-eyebrow" }, h("span", { class: "pv-mono", text: id }), h("span", { class: "pv-status-open", text: "Open" })),
          h("h1", { class: "pv-subject", id: "pv-subject", text: str(t.subject) || "(no subject)" })),
        draftBtn),
      facts);

    var thread = h("ol", { class: "pv-thread", "aria-label": "Conversation" },
      message({ name: requester, body: t.body, when: t.created_at, first: true }),
      (Array.isArray(t.comments) ? t.comments : []).map(function (c) {
        var agent = c.author === "agent";
        return message({
          name: agent ? "Agent" : c.author === "customer" ? requester : str(c.author) || "Unknown",
          agent: agent, internal: c.public === false, body: c.body, when: c.created_at,
        });
      }));

    var area = h("textarea", {
      id: "pv-composer", rows: "9", spellcheck: "true",
      placeholder: "Write your reply here, or use \u201cInsert into reply\u201d in the Precedent panel.",
      "aria-describedby": "pv-never-sends",
    });
    area.value = state.composer.get(id) || "";
    area.addEventListener("input", function () { storeComposer(); updateChars(); });
    var chars = h("span", { class: "pv-chars", "aria-live": "off" });
    var composerCard = h("section", { class: "pv-card pv-composer", "aria-label": "Reply composer" },
      h("div", { class: "pv-composer-head" },
        h("label", { for: "pv-composer", text: "Reply composer" }),
        h("span", { class: "pv-composer-to", text: "Public reply to " + requester + (t.requester_email ? " <" + str(t.requester_email) + ">" : "") })),
      area,
      h("div", { class: "pv-composer-foot" },
        h("span", { class: "pv-never-sends", id: "pv-never-sends" }, icon("shield"),
          h("span", null, h("strong", { text: "Precedent never sends:" }), " you edit and send in your helpdesk.")),
        chars,
        h("button", {
          type: "button", class: "pv-btn pv-btn-ghost", text: "Clear",
          onclick: function () { area.value = ""; storeComposer(); updateChars(); area.focus(); announce("Reply composer cleared"); },
        })));

    ui.composer = area;
    ui.composerCard = composerCard;
    ui.chars = chars;

    add(els.view, [
      header,
      h("h2", { class: "pv-section-title", text: "Conversation" }),
      thread,
      composerCard,
    ]);
    updateChars();
    syncDraftButton();
  }

  /* ------------------------------------------------------------ health */

  function checkHealth() {
    var set = function (stateName, text, title) {
      els.health.setAttribute("data-state", stateName);
      els.healthText.textContent = text;
      els.health.setAttribute("title", title || text);
    };
    fetch(api.url("/health"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (res) {
        return res.json().catch(function () { return null; }).then(function (data) {
          if (data && data.status === "ok") { set("ok", "Backend healthy"); return; }
          if (data && data.checks) {
            var bad = Object.keys(data.checks).filter(function (k) { return data.checks[k] && !data.checks[k].ok; });
            set("degraded", "Degraded: " + (bad.join(", ") || "unknown"),
              bad.map(function (k) { return k + ": " + str(data.checks[k].detail); }).join("\n"));
            return;
          }
          set("degraded", "Health unknown (HTTP " + res.status + ")");
        });
      }, function () { set("down", "Backend unreachable"); });
  }

  /* ------------------------------------------------------------ wiring */

  els.filter.addEventListener("input", renderList);
  els.filter.addEventListener("keydown", function (e) {
    if (e.key === "Enter") {
      var first = els.list.querySelector(".pv-ticket");
      if (first) first.click();
    }
  });
  window.addEventListener("hashchange", function () {
    var id = decodeURIComponent(location.hash.replace(/^#/, ""));
    if (id && id !== state.selected) select(id, { keepHash: true });
  });
  els.list.addEventListener("keydown", function (e) {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    var buttons = Array.prototype.slice.call(els.list.querySelectorAll(".pv-ticket"));
    var i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    e.preventDefault();
    var next = buttons[Math.max(0, Math.min(buttons.length - 1, i + (e.key === "ArrowDown" ? 1 : -1)))];
    next.focus();
  });

  loadTickets();
  checkHealth();
})();
