/*
 * Precedent review queue: the credentialed reviewer's page (/review).
 *
 * Sign in with a personal access token (kept in sessionStorage, sent as a Bearer token),
 * then read and decide the gated drafts your credentials cover. The server checks every
 * permission; this page only shows what it answers. Server text is always set with
 * textContent / createTextNode, never innerHTML. Uses PrecedentSidebar (sidebar.js) for
 * the API client, cited text, highlighting and source cards.
 */
(function () {
  "use strict";

  var PS = window.PrecedentSidebar;
  var TOKEN_KEY = "precedent.reviewerToken";
  var QUEUE_REFRESH_MS = 30000;
  var ICONS = {
    shield: [["path", { d: "M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z" }], ["path", { d: "M9 12l2 2 4-4" }]],
    error: [["circle", { cx: "12", cy: "12", r: "9.5" }], ["path", { d: "M15 9l-6 6M9 9l6 6" }]],
    warn: [["path", { d: "M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z" }], ["path", { d: "M12 9v4M12 17h.01" }]],
    check: [["path", { d: "M20 6 9 17l-5-5" }]],
    clock: [["circle", { cx: "12", cy: "12", r: "9.5" }], ["path", { d: "M12 7v5l3 2" }]],
    inbox: [["path", { d: "M22 12h-6l-2 3h-4l-2-3H2" }], ["path", { d: "M5.5 5.1 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.5-6.9A2 2 0 0 0 16.7 4H7.3a2 2 0 0 0-1.8 1.1z" }]],
    edit: [["path", { d: "M12 20h9" }], ["path", { d: "M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4z" }]],
    x: [["path", { d: "M18 6 6 18M6 6l12 12" }]],
    ban: [["circle", { cx: "12", cy: "12", r: "9.5" }], ["path", { d: "M5.3 5.3l13.4 13.4" }]],
    flag: [["path", { d: "M4 22V4" }], ["path", { d: "M4 4h13l-2.5 4.5L17 13H4" }]],
    lock: [["rect", { x: "4", y: "11", width: "16", height: "10", rx: "2" }], ["path", { d: "M8 11V7a4 4 0 0 1 8 0v4" }]],
    arrow: [["path", { d: "M5 12h14M13 6l6 6-6 6" }]],
    license: [["rect", { x: "3", y: "5", width: "18", height: "14", rx: "2" }], ["circle", { cx: "9", cy: "11", r: "2" }], ["path", { d: "M6 16c.6-1.3 1.7-2 3-2s2.4.7 3 2M14.5 9.5H18M14.5 13H18" }]],
  };

  var body = document.body;
  var apiBase = body.getAttribute("data-api-base") || "/api/v1";
  var $ = function (id) { return document.getElementById(id); };
  var els = {
    signin: $("rv-signin"), form: $("rv-signin-form"), token: $("rv-token"), toggle: $("rv-token-toggle"),
    signinError: $("rv-signin-error"), signinErrorTitle: $("rv-signin-error-title"), signinErrorText: $("rv-signin-error-text"),
    submit: $("rv-signin-submit"),
    app: $("rv-app"), who: $("rv-who"), whoAvatar: $("rv-who-avatar"), whoName: $("rv-who-name"), whoCreds: $("rv-who-creds"),
    signout: $("rv-signout"), queue: $("rv-queue"), count: $("rv-count"), refresh: $("rv-refresh"), queueSub: $("rv-queue-sub"),
    creds: $("rv-creds"), detail: $("rv-detail"), main: $("rv-main"), toasts: $("rv-toasts"), live: $("rv-live"),
  };

  var state = {
    token: readToken(),
    reviewer: null,
    reviews: [],
    fetchedAt: 0,
    selected: null,     // review id (string)
    item: null,         // loaded detail
    loadToken: 0,
    queueToken: 0,
    busy: false,        // a decision is being sent
    editing: false,
  };
  var ui = {};          // elements of the current detail view
  var refreshTimer = null;
  var ageTimer = null;

  var client = PS.createClient({
    apiBase: apiBase,
    headers: function () { return state.token ? { Authorization: "Bearer " + state.token } : {}; },
  });

  /* ------------------------------------------------------------ helpers */

  function icon(name, cls) {
    return PrecedentSidebar.dom.svgIcon(ICONS[name] || [], "pv-icon" + (cls ? " " + cls : ""));
  }

  // DOM helpers shared with the sidebar core (sidebar.js loads first).
  var h = PrecedentSidebar.dom.h;
  var add = PrecedentSidebar.dom.add;

  var clear = PrecedentSidebar.dom.clear;
  function str(v) { return v == null ? "" : String(v); }
  function sentence(text) {
    var t = str(text).trim();
    return t.charAt(0).toUpperCase() + t.slice(1);
  }

  function announce(message) {
    els.live.textContent = "";
    setTimeout(function () { els.live.textContent = message; }, 30);
  }

  function readToken() {
    try { return sessionStorage.getItem(TOKEN_KEY) || ""; } catch (e) { return ""; }
  }
  function writeToken(token) {
    try {
      if (token) sessionStorage.setItem(TOKEN_KEY, token); else sessionStorage.removeItem(TOKEN_KEY);
    } catch (e) { /* storage blocked: the token lives in memory for this page only */ }
  }

  function parseDate(value) {
    if (!value) return null;
    var d = new Date(value);
    return isNaN(d.getTime()) ? null : d;
  }
  var dtf = typeof Intl !== "undefined" ? new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }) : null;
  var df = typeof Intl !== "undefined" ? new Intl.DateTimeFormat(undefined, { dateStyle: "medium" }) : null;
  function absolute(value) {
    var d = parseDate(value);
    if (!d) return str(value);
    return dtf ? dtf.format(d) : d.toLocaleString();
  }

  /** "YYYY-MM-DD" as a local calendar day (no time-zone shift). */
  function parseDay(value) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(str(value));
    return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null;
  }
  function today() { var n = new Date(); return new Date(n.getFullYear(), n.getMonth(), n.getDate()); }
  function formatDay(value) { var d = parseDay(value); return d ? (df ? df.format(d) : d.toDateString()) : str(value); }

  /** Same rule as the server: a medical licence may also decide safety items. */
  function coversDomain(credential, domain) {
    var d = str(credential && credential.domain);
    return d === domain || (domain === "safety" && d === "medical");
  }

  /** Same rule as the server: "US-*" covers "US-CA", "*" covers everything. */
  function covers(credential, jurisdiction) {
    var j = str(jurisdiction);
    var list = Array.isArray(credential && credential.jurisdictions) ? credential.jurisdictions.map(str) : [];
    return list.some(function (p) { return p === "*" || p === j || (p.slice(-2) === "-*" && j.indexOf(p.slice(0, -1)) === 0); });
  }

  function credentialStatus(c) {
    var d = parseDay(c && c.expires_on);
    if (!d) return { expired: false, soon: false, days: null };
    var days = Math.round((d.getTime() - today().getTime()) / 86400000);
    return { expired: days < 0, soon: days >= 0 && days <= 30, days: days };
  }

  function ageSeconds(item) {
    var base = Number(item.age_seconds);
    if (!isFinite(base)) {
      var created = parseDate(item.created_at);
      return created ? Math.max(0, (Date.now() - created.getTime()) / 1000) : NaN;
    }
    return base + Math.max(0, (Date.now() - state.fetchedAt) / 1000);
  }

  /** "just now", "12 min", "3 h", "2 d". */
  function formatAge(seconds) {
    if (!isFinite(seconds)) return "";
    if (seconds < 60) return "just now";
    if (seconds < 3600) return Math.floor(seconds / 60) + " min";
    if (seconds < 86400) return Math.floor(seconds / 3600) + " h";
    return Math.floor(seconds / 86400) + " d";
  }
  function longAge(seconds) {
    if (!isFinite(seconds)) return "";
    if (seconds < 60) return "less than a minute";
    var units = [[86400, "day"], [3600, "hour"], [60, "minute"]];
    for (var i = 0; i < units.length; i++) {
      if (seconds >= units[i][0]) {
        var n = Math.floor(seconds / units[i][0]);
        return n + " " + units[i][1] + (n === 1 ? "" : "s");
      }
    }
    return "";
  }

  function ageEl(item, cls) {
    var s = ageSeconds(item);
    var old = s >= 86400;
    var el = h("span", {
      class: "rv-age" + (old ? " rv-age-old" : "") + (cls ? " " + cls : ""),
      "data-age-for": str(item.id),
      title: "Waiting " + longAge(s) + (item.created_at ? " \u00b7 since " + absolute(item.created_at) : "") + (old ? " \u00b7 more than a day" : ""),
    }, icon(old ? "warn" : "clock", "rv-age-icon"), h("span", { class: "rv-age-text", text: formatAge(s) }),
    h("span", { class: "pv-sr", text: old ? " (waiting more than a day)" : "" }));
    return el;
  }

  function initials(name) {
    var parts = str(name).trim().split(/[\s@._-]+/).filter(Boolean);
    if (!parts.length) return "?";
    return (parts[0].charAt(0) + (parts.length > 1 ? parts[parts.length - 1].charAt(0) : "")).toUpperCase();
  }

  function domainPills(domains, small) {
    return (Array.isArray(domains) ? domains : []).map(function (d) { return PS.domainPill(d, small ? "pcd-domain-sm" : null); });
  }

  function jurisTag(j) {
    return h("span", { class: "pv-tag pv-tag-juris", title: "Jurisdiction" }, j ? str(j) : "Unknown");
  }

  function errorBox(title, err, retry, extraClass) {
    return h("div", { class: "pv-error" + (extraClass ? " " + extraClass : ""), role: "alert" },
      icon("error"),
      h("div", { class: "pv-error-body" },
        h("strong", { text: title }),
        h("span", { text: sentence(err && err.message) || "Something went wrong." }),
        err && err.code ? h("span", { class: "pv-mono", text: str(err.code) }) : null,
        retry ? h("button", { type: "button", class: "pv-btn pv-btn-secondary", onclick: retry, text: "Try again" }) : null));
  }

  function placeholder(iconName, title, text, extra) {
    return h("div", { class: "pv-placeholder" },
      h("span", { class: "pv-placeholder-icon" }, icon(iconName)),
      h("h2", { text: title }),
      text ? h("p", { text: text }) : null,
      extra || null);
  }

  /* ------------------------------------------------------------ toasts */

  function toast(message, tone, detail) {
    var t = tone || "ok";
    var el = h("div", { class: "rv-toast rv-toast-" + t, role: t === "error" ? "alert" : "status" },
      icon(t === "error" ? "error" : t === "warn" ? "warn" : "check"),
      h("div", { class: "rv-toast-body" },
        h("strong", { text: message }),
        detail ? h("span", { text: detail }) : null),
      h("button", { type: "button", class: "rv-toast-close", "aria-label": "Dismiss", onclick: function () { dismiss(); } }, icon("x")));
    var timer = setTimeout(dismiss, t === "error" ? 9000 : 5000);
    function dismiss() {
      clearTimeout(timer);
      if (!el.isConnected) return;
      el.classList.add("rv-toast-out");
      setTimeout(function () { if (el.parentNode) el.parentNode.removeChild(el); }, 180);
    }
    el.addEventListener("mouseenter", function () { clearTimeout(timer); });
    el.addEventListener("mouseleave", function () { clearTimeout(timer); timer = setTimeout(dismiss, 3000); });
    els.toasts.appendChild(el);
    while (els.toasts.children.length > 3) els.toasts.removeChild(els.toasts.firstChild);
  }

  /* ------------------------------------------------------------ views */

  function showView(name) {
    body.setAttribute("data-view", name);
    els.signin.hidden = name !== "signin";
    els.app.hidden = name !== "app";
    els.who.hidden = name !== "app" || !state.reviewer;
    els.signout.hidden = name !== "app";
  }

  function showSignIn(message, title) {
    stopTimers();
    state.token = "";
    state.reviewer = null;
    state.reviews = [];
    state.selected = null;
    state.item = null;
    state.loadToken++;
    state.queueToken++;
    writeToken("");
    ui = {};
    clear(els.detail);
    clear(els.queue);
    clear(els.creds);
    clear(els.toasts);
    showView("signin");
    els.submit.disabled = false;
    clear(els.submit);
    add(els.submit, "Sign in");
    if (message) {
      els.signinErrorTitle.textContent = title || "Signed out";
      els.signinErrorText.textContent = sentence(message);
      els.signinError.hidden = false;
    } else els.signinError.hidden = true;
    els.token.value = "";
    els.token.removeAttribute("aria-invalid");
    if (location.hash) history.replaceState(null, "", location.pathname + location.search);
    document.title = "Precedent \u00b7 Review queue";
    setTimeout(function () { els.token.focus(); }, 0);
  }

  function signOut() {
    showSignIn(null);
    announce("Signed out. Your token was removed from this tab.");
  }

  /** Any 401 ends the session: back to sign-in with the server's message. */
  function handleAuth(err) {
    if (err && err.status === 401) {
      showSignIn(err.message || "Your reviewer token was not accepted.", "Please sign in again");
      return true;
    }
    return false;
  }

  /* ------------------------------------------------------------ sign-in */

  function submitSignIn(e) {
    e.preventDefault();
    var token = els.token.value.trim();
    if (!token) {
      els.token.setAttribute("aria-invalid", "true");
      els.signinErrorTitle.textContent = "Token required";
      els.signinErrorText.textContent = "Paste your personal access token to sign in.";
      els.signinError.hidden = false;
      els.token.focus();
      return;
    }
    els.token.removeAttribute("aria-invalid");
    els.signinError.hidden = true;
    els.submit.disabled = true;
    clear(els.submit);
    add(els.submit, [h("span", { class: "pv-spin", "aria-hidden": "true" }), "Signing in\u2026"]);
    state.token = token;
    client.get("/reviews").then(function (data) {
      writeToken(token);
      els.token.value = "";
      enterApp(data);
      announce("Signed in as " + str(state.reviewer && state.reviewer.name));
    }, function (err) {
      state.token = "";
      els.submit.disabled = false;
      clear(els.submit);
      add(els.submit, "Sign in");
      els.signinErrorTitle.textContent = err.status === 401 ? "Token not accepted" : "Could not sign in";
      els.signinErrorText.textContent = sentence(err.message);
      els.signinError.hidden = false;
      if (err.status === 401) els.token.setAttribute("aria-invalid", "true");
      els.token.focus();
      els.token.select();
    });
  }

  /* ------------------------------------------------------------ app */

  function enterApp(data) {
    showView("app");
    applyQueue(data, { initial: true });
    startTimers();
  }

  function startTimers() {
    stopTimers();
    refreshTimer = setInterval(function () {
      if (document.visibilityState === "visible" && !state.busy) loadQueue({ quiet: true });
    }, QUEUE_REFRESH_MS);
    ageTimer = setInterval(updateAges, 30000);
  }
  function stopTimers() {
    if (refreshTimer) clearInterval(refreshTimer);
    if (ageTimer) clearInterval(ageTimer);
    refreshTimer = ageTimer = null;
  }

  function loadQueue(options) {
    var o = options || {};
    var my = ++state.queueToken;
    els.queue.setAttribute("aria-busy", "true");
    els.refresh.classList.add("rv-spinning");
    if (!state.reviews.length && !o.quiet) renderQueueSkeleton();
    return client.get("/reviews").then(function (data) {
      if (my !== state.queueToken) return;
      applyQueue(data, o);
    }, function (err) {
      if (my !== state.queueToken) return;
      if (handleAuth(err)) return;
      if (o.quiet && state.reviews.length) { els.queueSub.textContent = "Could not refresh: " + str(err.message); return; }
      clear(els.queue);
      els.queue.appendChild(h("div", { class: "pv-list-empty" }, errorBox("Could not load your queue", err, function () { loadQueue(); })));
    }).then(function () {
      if (my === state.queueToken) {
        els.queue.setAttribute("aria-busy", "false");
        els.refresh.classList.remove("rv-spinning");
      }
    });
  }

  function renderQueueSkeleton() {
    clear(els.queue);
    for (var i = 0; i < 3; i++) els.queue.appendChild(h("div", { class: "pv-skel", "aria-hidden": "true" }, h("span"), h("span"), h("span")));
  }

  function applyQueue(data, o) {
    var opts = o || {};
    state.reviewer = data && data.reviewer ? data.reviewer : state.reviewer;
    state.reviews = data && Array.isArray(data.reviews) ? data.reviews : [];
    state.fetchedAt = Date.now();
    els.queue.setAttribute("aria-busy", "false");
    els.refresh.classList.remove("rv-spinning");
    els.queueSub.textContent = "Urgent first, then oldest \u00b7 only items your credentials cover";
    renderReviewer();
    renderQueue();
    var ids = state.reviews.map(function (r) { return str(r.id); });
    if (opts.initial) {
      var fromHash = decodeURIComponent(location.hash.replace(/^#review-/, "").replace(/^#/, ""));
      if (fromHash && ids.indexOf(fromHash) >= 0) select(fromHash);
      else if (ids.length) select(ids[0]);
      else renderEmptyDetail();
      return;
    }
    if (state.selected && ids.indexOf(state.selected) < 0 && state.item && state.item.status === "pending" && !opts.afterDecision) {
      noteGone();
    }
    if (!state.selected) {
      if (ids.length) select(ids[0]); else renderEmptyDetail();
    } else if (!ids.length && !state.item) renderEmptyDetail();
  }

  function renderReviewer() {
    var r = state.reviewer || {};
    var creds = Array.isArray(r.credentials) ? r.credentials : [];
    els.whoAvatar.textContent = initials(r.name || r.email);
    els.whoName.textContent = str(r.name) || str(r.email) || "Reviewer";
    els.who.title = [str(r.name), str(r.email)].filter(Boolean).join(" \u00b7 ");
    clear(els.whoCreds);
    var expired = creds.filter(function (c) { return credentialStatus(c).expired; }).length;
    add(els.whoCreds, [
      str(r.email) ? h("span", { text: str(r.email) }) : null,
      expired ? h("span", { class: "rv-who-warn" }, icon("warn"), expired + (expired === 1 ? " licence expired" : " licences expired")) : null,
    ]);
    els.who.hidden = false;

    clear(els.creds);
    if (!creds.length) {
      els.creds.appendChild(h("li", { class: "rv-cred rv-cred-none", text: "No credentials on file. Ask your administrator to add your licences." }));
      return;
    }
    creds.forEach(function (c) {
      var st = credentialStatus(c);
      var juris = Array.isArray(c.jurisdictions) ? c.jurisdictions : [];
      els.creds.appendChild(h("li", { class: "rv-cred" + (st.expired ? " rv-cred-expired" : st.soon ? " rv-cred-soon" : "") },
        h("div", { class: "rv-cred-top" },
          PS.domainPill(c.domain),
          h("span", { class: "rv-cred-licence pv-mono", title: "Licence", text: str(c.licence_id) })),
        h("div", { class: "rv-cred-juris", "aria-label": "Jurisdictions" },
          juris.length ? juris.map(function (j) { return h("span", { class: "pv-tag", text: str(j) }); }) : h("span", { class: "rv-muted", text: "No jurisdictions" })),
        h("div", { class: "rv-cred-exp" },
          st.expired ? icon("warn") : icon("license"),
          st.expired ? h("span", null, h("strong", { text: "Expired" }), " on " + formatDay(c.expires_on) + ". You cannot decide " + PS.domainLabel(c.domain).toLowerCase() + " items with it.")
            : st.soon ? h("span", null, h("strong", { text: "Expires " + (st.days === 0 ? "today" : "in " + st.days + (st.days === 1 ? " day" : " days")) }), " \u00b7 " + formatDay(c.expires_on))
              : h("span", { text: "Valid until " + formatDay(c.expires_on) }))));
    });
  }

  function renderQueue() {
    var list = state.reviews;
    var active = document.activeElement;
    var focusId = active && active.classList && active.classList.contains("rv-item") ? active.getAttribute("data-id") : null;
    els.count.textContent = String(list.length);
    els.count.hidden = false;
    clear(els.queue);
    if (focusId) {
      setTimeout(function () {
        var again = els.queue.querySelector('.rv-item[data-id="' + CSS.escape(focusId) + '"]') || els.queue.querySelector(".rv-item");
        if (again) again.focus({ preventScroll: true });
      }, 0);
    }
    if (!list.length) {
      els.queue.appendChild(h("div", { class: "rv-queue-empty" },
        h("span", { class: "rv-queue-empty-icon" }, icon("check")),
        h("strong", { text: "Nothing waiting for you" }),
        h("span", { text: "Only drafts in the domains and jurisdictions your valid credentials cover appear here. New items show up automatically." })));
      return;
    }
    els.queue.appendChild(h("ul", { class: "pv-tickets rv-items" }, list.map(function (r) {
      var id = str(r.id);
      var domains = Array.isArray(r.domains) ? r.domains : [];
      return h("li", null, h("button", {
        type: "button", class: "pv-ticket rv-item" + (r.urgent ? " rv-item-urgent" : ""), "data-id": id,
        "aria-current": id === state.selected ? "true" : "false",
        "aria-label": (r.urgent ? "Urgent: someone may be in danger. " : "") + "Ticket " + str(r.ticket_id) + ", " + domains.map(PS.domainLabel).join(" and ") + ", " +
          (r.jurisdiction || "jurisdiction unknown") + ", waiting " + longAge(ageSeconds(r)),
        onclick: function () { select(id); },
      },
      h("span", { class: "pv-ticket-top" },
        r.urgent ? h("span", { class: "rv-urgent-tag", text: "Urgent" }) : null,
        h("span", { class: "pv-mono rv-item-ticket", text: str(r.ticket_id) || "(no ticket)" }),
        h("span", { class: "rv-item-id", text: "#" + id }),
        ageEl(r, "rv-item-age")),
      h("span", { class: "pv-ticket-meta rv-item-meta" }, domainPills(domains, true), jurisTag(r.jurisdiction))));
    })));
  }

  function updateAges() {
    state.reviews.forEach(function (r) {
      document.querySelectorAll('[data-age-for="' + CSS.escape(str(r.id)) + '"]').forEach(function (el) {
        el.replaceWith(ageEl(r, el.classList.contains("rv-item-age") ? "rv-item-age" : el.classList.contains("rv-head-age") ? "rv-head-age" : null));
      });
    });
  }

  function markSelected() {
    els.queue.querySelectorAll(".rv-item").forEach(function (b) {
      b.setAttribute("aria-current", b.getAttribute("data-id") === state.selected ? "true" : "false");
    });
  }

  /* ------------------------------------------------------------ detail */

  function renderEmptyDetail() {
    ui = {};
    state.selected = null;
    state.item = null;
    clear(els.detail);
    els.detail.appendChild(placeholder("check", "All caught up",
      "Nothing is waiting for your review. Drafts that need a reviewer with your credentials appear in the queue on the left."));
    if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  }

  function select(id, options) {
    var o = options || {};
    if (state.busy) return;
    if (state.editing && ui.editArea && ui.editArea.value !== ui.draftText && id !== state.selected &&
      !window.confirm("Discard your edits to this draft?")) { markSelected(); return; }
    state.selected = id;
    state.item = null;
    state.editing = false;
    markSelected();
    history.replaceState(null, "", "#review-" + encodeURIComponent(id));
    var my = ++state.loadToken;
    ui = {};
    clear(els.detail);
    els.detail.appendChild(h("div", { class: "rv-detail-skel", "aria-hidden": "true" },
      h("div", { class: "pv-card pv-ticket-skel" }, h("span"), h("span"), h("span"), h("span")),
      h("div", { class: "pv-card pv-ticket-skel" }, h("span"), h("span"), h("span"))));
    els.detail.setAttribute("aria-busy", "true");
    client.get("/reviews/" + encodeURIComponent(id)).then(function (item) {
      if (my !== state.loadToken) return;
      state.item = item;
      renderDetail(item);
      if (o.focus) els.main.focus({ preventScroll: true });
    }, function (err) {
      if (my !== state.loadToken) return;
      if (handleAuth(err)) return;
      ui = {};
      clear(els.detail);
      els.detail.appendChild(errorBox(err.status === 403 ? "You cannot open review #" + id : "Could not open review #" + id, err,
        err.status === 403 || err.status === 404 ? null : function () { select(id); }, "rv-detail-error"));
    }).then(function () {
      if (my === state.loadToken) els.detail.setAttribute("aria-busy", "false");
    });
  }

  function message(name, label, text, cls) {
    return h("li", { class: "pv-msg " + (cls || "pv-msg-customer") },
      h("span", { class: "pv-avatar", "aria-hidden": "true", text: initials(name) }),
      h("article", { class: "pv-card pv-bubble", "aria-label": label + " from " + name },
        h("div", { class: "pv-msg-head" },
          h("span", { class: "pv-msg-author", text: name }),
          h("span", { class: "pv-msg-label", text: label })),
        h("div", { class: "pv-msg-body", text: str(text) || "(empty)" })));
  }

  function renderDetail(item) {
    clear(els.detail);
    ui = {};
    var id = str(item.id);
    var ticket = item.ticket || {};
    var draft = item.draft || {};
    var rules = PS.normalizeRules(item.rules);
    var citations = (Array.isArray(draft.citations) ? draft.citations : []).slice()
      .sort(function (a, b) { return Number(a.marker) - Number(b.marker); });
    var pending = str(item.status || "pending") === "pending";
    document.title = "Ticket " + str(item.ticket_id || ticket.id) + " \u00b7 Precedent review";

    /* header */
    var statusEl = pending
      ? h("span", { class: "rv-status rv-status-pending" }, icon("clock"), "Awaiting your review")
      : h("span", { class: "rv-status rv-status-" + (item.status === "approved" ? "approved" : "rejected") },
        icon(item.status === "approved" ? "check" : "ban"), item.status === "approved" ? "Approved" : sentence(item.status));
    var header = h("header", { class: "pv-card pv-ticket-head rv-head" },
      h("div", { class: "pv-ticket-head-text" },
        h("div", { class: "pv-eyebrow" },
          h("span", { class: "pv-mono", text: "Review #" + id }),
          h("span", { "aria-hidden": "true", text: "\u00b7" }),
          h("span", { class: "pv-mono", text: "Ticket " + str(item.ticket_id || ticket.id) }),
          statusEl,
          pending ? ageEl(item, "rv-head-age") : null),
        h("h2", { class: "pv-subject", id: "rv-subject", text: str(ticket.subject) || "(no subject)" })),
      h("dl", { class: "pv-facts" },
        h("div", { class: "pv-fact" }, h("dt", { text: "Domains" }), h("dd", null, domainPills(item.domains))),
        h("div", { class: "pv-fact" }, h("dt", { text: "Jurisdiction" }), h("dd", null, jurisTag(item.jurisdiction))),
        h("div", { class: "pv-fact" }, h("dt", { text: "Flagged" }),
          h("dd", null, item.created_at ? h("time", { datetime: str(item.created_at), text: absolute(item.created_at) }) : h("span", { class: "pv-email", text: "Unknown" }))),
        h("div", { class: "pv-fact" }, h("dt", { text: "Draft" }), h("dd", null, h("span", { class: "pv-mono rv-draft-id", text: str(item.draft_id) })))));

    /* ticket */
    var comments = Array.isArray(ticket.comments) ? ticket.comments : [];
    var thread = h("ol", { class: "pv-thread", "aria-label": "Customer messages" },
      message("Customer", "Original request", ticket.body, "pv-msg-customer"),
      comments.map(function (c) { return message("Customer", "Follow-up", typeof c === "string" ? c : c && c.body, "pv-msg-customer"); }));
    var ticketHits = PS.highlight(thread.querySelectorAll(".pv-msg-body"), rules, { source: "ticket", tone: "review", skip: ".pcd-sr" });

    /* draft */
    var textEl = h("div", { class: "pcd-text rv-draft-text" });
    var draftHits = { rules: [], counts: [] };
    if (str(draft.text).trim()) {
      PS.renderText(textEl, draft.text, citations, focusSource);
      draftHits = PS.highlight(textEl.querySelectorAll("p, li"), rules, { source: "draft", tone: "review" });
    } else textEl.appendChild(h("p", { class: "rv-muted", text: "The draft is empty." }));
    var editor = h("div", { class: "rv-editor", hidden: true },
      h("label", { class: "rv-label", for: "rv-edit-text", text: "Edited draft" }),
      h("textarea", { id: "rv-edit-text", class: "rv-textarea rv-edit-area", rows: "12", spellcheck: "true", "aria-describedby": "rv-edit-hint" }),
      h("p", { class: "rv-hint", id: "rv-edit-hint", text: "Keep the [n] markers on sentences that rely on a source; the agent sees your edited text once you approve it." }));
    var draftCard = h("section", { class: "pv-card rv-draft", "aria-labelledby": "rv-draft-title" },
      h("div", { class: "rv-card-head" },
        h("h3", { class: "rv-card-title", id: "rv-draft-title", text: "Draft reply" }),
        h("span", { class: "rv-card-sub", text: citations.length ? citations.length + (citations.length === 1 ? " source cited" : " sources cited") : "No sources cited" }),
        h("span", { class: "rv-editing-tag", hidden: true }, icon("edit"), "Editing")),
      h("div", { class: "pcd-root rv-draft-body" }, textEl),
      editor);

    /* sources */
    var cards = new Map();
    var sources = h("section", { class: "rv-sources", "aria-labelledby": "rv-sources-title" },
      h("h3", { class: "pv-section-title", id: "rv-sources-title" }, "Sources", h("span", { class: "pv-list-count", text: String(citations.length) })),
      h("div", { class: "pcd-root" }, citations.length
        ? h("ol", { class: "pcd-sources rv-source-grid" }, citations.map(function (c) {
          var card = PS.citationCard(c, {
            onEnter: function (n) { hotBadges(n, true); },
            onLeave: function (n) { hotBadges(n, false); },
          });
          cards.set(Number(c.marker), card);
          return card;
        }))
        : h("p", { class: "pcd-muted pcd-none", text: "The draft cites no sources." })));

    /* flagged passages */
    var flagged = renderRules(rules, ticketHits, draftHits);

    /* decision */
    var decision = pending ? renderDecision(item) : renderDecided(item);

    var content = h("div", { class: "rv-content" },
      item.urgent ? h("div", { class: "pcd-root rv-safety" }, PS.safetyNotice(item.instruction,
        "Act on this now, whatever you decide about the draft.")) : null,
      header,
      h("section", { class: "rv-ticket", "aria-labelledby": "rv-ticket-title" },
        h("h3", { class: "pv-section-title", id: "rv-ticket-title" }, "Ticket", h("span", { class: "rv-section-note", text: "what the customer wrote" })),
        thread),
      draftCard,
      sources);
    var aside = h("aside", { class: "rv-aside", "aria-label": "Flagged passages and decision" }, decision, flagged);
    add(els.detail, [content, aside]);

    ui.textEl = textEl;
    ui.draftBody = textEl.parentNode;
    ui.editor = editor;
    ui.editArea = editor.querySelector("textarea");
    ui.editingTag = draftCard.querySelector(".rv-editing-tag");
    ui.cards = cards;
    ui.draftText = str(draft.text);
  }

  function hotBadges(marker, on) {
    if (!ui.textEl) return;
    ui.textEl.querySelectorAll('.pcd-cite[data-marker="' + marker + '"]').forEach(function (b) { b.classList.toggle("pcd-cite-hot", on); });
  }

  function focusSource(marker) {
    var card = ui.cards && ui.cards.get(marker);
    if (!card) return;
    ui.cards.forEach(function (c) { c.classList.remove("pcd-flash"); });
    card.scrollIntoView({ behavior: matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth", block: "nearest" });
    void card.offsetWidth;
    card.classList.add("pcd-flash");
    try { card.focus({ preventScroll: true }); } catch (e) { card.focus(); }
    setTimeout(function () { card.classList.remove("pcd-flash"); }, 1800);
  }

  function renderRules(rules, ticketHits, draftHits) {
    function key(r) { return [r.rule, r.domain, r.source, r.text].join("\u0000"); }
    function count(rule) {
      var pool = rule.source === "ticket" ? ticketHits : draftHits;
      for (var i = 0; i < pool.rules.length; i++) if (key(pool.rules[i]) === key(rule)) return pool.counts[i];
      return 0;
    }
    var list = rules.filter(function (r) { return r.rule || r.text; });
    var card = h("section", { class: "pv-card rv-rules", "aria-labelledby": "rv-rules-title" },
      h("div", { class: "rv-card-head" },
        h("h3", { class: "rv-card-title", id: "rv-rules-title" }, icon("flag"), "Why it was flagged"),
        h("span", { class: "pv-list-count", text: String(list.length) })));
    if (!list.length) {
      card.appendChild(h("p", { class: "rv-rules-none", text: "The gate recorded no matched passages for this draft." }));
      return card;
    }
    card.appendChild(h("ul", { class: "rv-rule-list" }, list.map(function (r) {
      var n = count(r);
      var jump = n ? function () { jumpTo(r); } : null;
      var inner = [
        h("span", { class: "rv-rule-head" },
          h("span", { class: "rv-rule-name", text: PS.ruleLabel(r.rule) }),
          r.domain ? PS.domainPill(r.domain, "pcd-domain-sm") : null,
          h("span", { class: "rv-rule-src rv-rule-src-" + (r.source === "ticket" ? "ticket" : "draft"), text: r.source === "ticket" ? "Ticket" : r.source === "draft" ? "Draft" : sentence(r.source) || "Text" })),
        r.text ? h("q", { class: "rv-rule-text", text: r.text.trim() }) : h("span", { class: "rv-muted", text: "Matched by similarity, no exact passage." }),
        h("span", { class: "rv-rule-why", text: PS.ruleWhy(r) }),
        r.text ? h("span", { class: "rv-rule-found" + (n ? "" : " rv-rule-missing"), text: n ? (n === 1 ? "Highlighted in the " : "Highlighted " + n + "\u00d7 in the ") + (r.source === "ticket" ? "ticket" : "draft") : "Not found in the text shown (it may contain redacted details)" }) : null,
      ];
      return h("li", null, jump
        ? h("button", { type: "button", class: "rv-rule", onclick: jump, title: "Show this passage" }, inner)
        : h("div", { class: "rv-rule" }, inner));
    })));
    return card;
  }

  function jumpTo(rule) {
    var scope = rule.source === "ticket" ? els.detail.querySelector(".pv-thread") : ui.textEl;
    if (!scope) return;
    var marks = Array.prototype.filter.call(scope.querySelectorAll("mark.pcd-hit"), function (m) {
      return (" " + (m.getAttribute("data-rules") || "") + " ").indexOf(" " + rule.rule + " ") >= 0;
    });
    var target = marks[0];
    if (!target) return;
    target.scrollIntoView({ behavior: matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth", block: "center" });
    marks.forEach(function (m) {
      m.classList.remove("rv-hit-flash");
      void m.offsetWidth;
      m.classList.add("rv-hit-flash");
    });
    setTimeout(function () { marks.forEach(function (m) { m.classList.remove("rv-hit-flash"); }); }, 1600);
  }

  /* ------------------------------------------------------------ decision */

  function renderDecided(item) {
    var approved = item.status === "approved";
    return h("section", { class: "pv-card rv-decision rv-decided", "aria-labelledby": "rv-decision-title" },
      h("div", { class: "rv-card-head" }, h("h3", { class: "rv-card-title", id: "rv-decision-title", text: "Decision" })),
      h("p", { class: "rv-decided-line" }, icon(approved ? "check" : "ban"),
        (approved ? "Approved" : sentence(item.status)) + (item.decided_at ? " on " + absolute(item.decided_at) : "") + "."),
      item.note ? h("blockquote", { class: "rv-decided-note", text: str(item.note) }) : null);
  }

  function renderDecision(item) {
    var r = state.reviewer || {};
    var noteId = "rv-note";
    var note = h("textarea", { id: noteId, class: "rv-textarea", rows: "4", "aria-describedby": "rv-note-hint",
      placeholder: "What you checked, or why you reject it" });
    var noteError = h("p", { class: "rv-field-error", id: "rv-note-error", hidden: true });
    var alertBox = h("div", { class: "rv-decision-alert", hidden: true, tabindex: "-1" });
    var approve = h("button", { type: "button", class: "pv-btn rv-btn-approve", onclick: function () { decide("approve"); } }, icon("check"), h("span", { text: "Approve" }));
    var editBtn = h("button", { type: "button", class: "pv-btn pv-btn-secondary", onclick: startEdit }, icon("edit"), h("span", { text: "Edit & approve" }));
    var saveEdit = h("button", { type: "button", class: "pv-btn rv-btn-approve", hidden: true, onclick: function () { decide("edit_and_approve"); } }, icon("check"), h("span", { text: "Approve edited draft" }));
    var cancelEdit = h("button", { type: "button", class: "pv-btn pv-btn-ghost", hidden: true, onclick: stopEdit, text: "Cancel edit" });
    var reject = h("button", { type: "button", class: "pv-btn rv-btn-reject", onclick: function () { decide("reject"); } }, icon("ban"), h("span", { text: "Reject" }));
    var all = Array.isArray(r.credentials) ? r.credentials : [];
    var domains = Array.isArray(item.domains) ? item.domains : [];
    var creds = all.filter(function (c) {
      return domains.some(function (d) { return coversDomain(c, d); }) && !credentialStatus(c).expired && covers(c, item.jurisdiction);
    });
    // Domains this reviewer has no valid licence for: the server will refuse, so say so up front.
    var gaps = domains.filter(function (d) { return !creds.some(function (c) { return coversDomain(c, d); }); });
    var gapNotes = gaps.map(function (d) {
      var expired = all.filter(function (c) { return c.domain === d && credentialStatus(c).expired; })[0];
      return expired
        ? "Your " + PS.domainLabel(d).toLowerCase() + " licence " + str(expired.licence_id) + " expired on " + formatDay(expired.expires_on) + "."
        : "You have no " + PS.domainLabel(d).toLowerCase() + " licence covering " + (item.jurisdiction || "this jurisdiction") + ".";
    });
    var section = h("section", { class: "pv-card rv-decision", "aria-labelledby": "rv-decision-title" },
      h("div", { class: "rv-card-head" },
        h("h3", { class: "rv-card-title", id: "rv-decision-title", text: "Your decision" })),
      h("p", { class: "rv-decision-as" }, icon("license"),
        h("span", null, "Deciding as ", h("strong", { text: str(r.name) || "you" }),
          creds.length ? " \u00b7 " + creds.map(function (c) { return str(c.licence_id); }).join(", ") : "")),
      gapNotes.length ? h("div", { class: "rv-decision-alert rv-alert-warn rv-gap" }, icon("warn"),
        h("div", { class: "rv-alert-body" },
          h("strong", { text: "Your credentials may not cover this item" }),
          gapNotes.map(function (t) { return h("span", { text: t }); }),
          h("span", { class: "rv-gap-note", text: "Precedent checks again when you decide." }))) : null,
      alertBox,
      h("div", { class: "rv-field" },
        h("label", { class: "rv-label", for: noteId }, "Note ", h("span", { class: "rv-label-note", text: "(required to reject)" })),
        note,
        noteError,
        h("p", { class: "rv-hint", id: "rv-note-hint", text: "Kept with the decision in the audit log." })),
      h("div", { class: "rv-decision-actions" }, approve, saveEdit, editBtn, cancelEdit, reject),
      h("p", { class: "rv-decision-foot" }, icon("shield"), "Approving unlocks \u201cInsert into reply\u201d for the agent. Rejecting tells them not to use this draft."));
    note.addEventListener("input", function () {
      if (note.value.trim()) { note.removeAttribute("aria-invalid"); noteError.hidden = true; note.setAttribute("aria-describedby", "rv-note-hint"); }
    });
    ui.note = note;
    ui.noteError = noteError;
    ui.alert = alertBox;
    ui.buttons = { approve: approve, edit: editBtn, saveEdit: saveEdit, cancelEdit: cancelEdit, reject: reject };
    return section;
  }

  function startEdit() {
    if (!ui.editor || state.busy) return;
    state.editing = true;
    ui.editArea.value = ui.draftText;
    ui.draftBody.hidden = true;
    ui.editor.hidden = false;
    ui.editingTag.hidden = false;
    ui.buttons.approve.hidden = true;
    ui.buttons.edit.hidden = true;
    ui.buttons.saveEdit.hidden = false;
    ui.buttons.cancelEdit.hidden = false;
    ui.editArea.focus();
    ui.editArea.setSelectionRange(0, 0);
    ui.editArea.scrollTop = 0;
    announce("Editing the draft. Approve edited draft when you are done.");
  }

  function stopEdit() {
    if (!ui.editor || state.busy) return;
    state.editing = false;
    ui.draftBody.hidden = false;
    ui.editor.hidden = true;
    ui.editingTag.hidden = true;
    ui.buttons.approve.hidden = false;
    ui.buttons.edit.hidden = false;
    ui.buttons.saveEdit.hidden = true;
    ui.buttons.cancelEdit.hidden = true;
    ui.editArea.removeAttribute("aria-invalid");
    ui.buttons.edit.focus();
    announce("Edit cancelled. The original draft is shown.");
  }

  function showAlert(tone, title, text, actions) {
    var box = ui.alert;
    if (!box) return;
    clear(box);
    box.className = "rv-decision-alert rv-alert-" + tone;
    box.setAttribute("role", "alert");
    add(box, [icon(tone === "error" ? "lock" : "warn"),
      h("div", { class: "rv-alert-body" }, h("strong", { text: title }), h("span", { text: sentence(text) }), actions || null)]);
    box.hidden = false;
    box.scrollIntoView({ behavior: "auto", block: "nearest" });
  }

  function setBusy(on, action) {
    state.busy = on;
    if (!ui.buttons) return;
    Object.keys(ui.buttons).forEach(function (k) { ui.buttons[k].disabled = on || ui.locked; });
    if (ui.note) ui.note.readOnly = on;
    if (ui.editArea) ui.editArea.readOnly = on;
    var pressed = action === "approve" ? ui.buttons.approve : action === "edit_and_approve" ? ui.buttons.saveEdit : action === "reject" ? ui.buttons.reject : null;
    Object.keys(ui.buttons).forEach(function (k) {
      var b = ui.buttons[k];
      var spin = b.querySelector(".pv-spin");
      if (spin) spin.parentNode.removeChild(spin);
      b.removeAttribute("aria-busy");
    });
    if (on && pressed) {
      pressed.setAttribute("aria-busy", "true");
      var svg = pressed.querySelector("svg");
      pressed.insertBefore(h("span", { class: "pv-spin", "aria-hidden": "true" }), svg || pressed.firstChild);
      if (svg) svg.style.display = "none";
    } else {
      els.detail.querySelectorAll(".rv-decision-actions svg").forEach(function (s) { s.style.display = ""; });
    }
    els.queue.querySelectorAll(".rv-item").forEach(function (b) { b.disabled = on; });
  }

  /** Lock the panel after a refusal that trying again will not fix. */
  function lockDecision() {
    ui.locked = true;
    if (ui.buttons) Object.keys(ui.buttons).forEach(function (k) { ui.buttons[k].disabled = true; });
  }

  function decide(action) {
    var item = state.item;
    if (!item || state.busy || ui.locked) return;
    var note = ui.note.value.trim();
    var payload = { action: action, note: note };
    if (action === "reject" && !note) {
      ui.note.setAttribute("aria-invalid", "true");
      ui.note.setAttribute("aria-describedby", "rv-note-error rv-note-hint");
      ui.noteError.textContent = "Add a note explaining why you reject this draft.";
      ui.noteError.hidden = false;
      ui.note.focus();
      announce("A note is required to reject.");
      return;
    }
    if (action === "edit_and_approve") {
      var text = ui.editArea.value;
      if (!text.trim()) {
        ui.editArea.setAttribute("aria-invalid", "true");
        ui.editArea.focus();
        showAlert("warn", "The edited draft is empty", "Write the reply you approve, or cancel the edit.");
        return;
      }
      ui.editArea.removeAttribute("aria-invalid");
      payload.text = text;
    }
    if (ui.alert) ui.alert.hidden = true;
    var id = str(item.id);
    var my = state.loadToken;
    setBusy(true, action);
    client.post("/reviews/" + encodeURIComponent(id) + "/decision", payload).then(function (updated) {
      setBusy(false);
      if (my !== state.loadToken) return;
      var verb = action === "reject" ? "Rejected" : action === "edit_and_approve" ? "Edited and approved" : "Approved";
      var status = updated && updated.status ? str(updated.status) : "";
      toast(verb + " \u00b7 ticket " + str(item.ticket_id), action === "reject" ? "warn" : "ok",
        status === "rejected" ? "The agent is told not to use this draft."
          : status === "approved" ? "The agent can now insert the draft." : "Review #" + id + " is decided.");
      announce(verb + " review " + id + " for ticket " + str(item.ticket_id) + ".");
      removeAndAdvance(id);
    }, function (err) {
      setBusy(false);
      if (my !== state.loadToken) return;
      if (handleAuth(err)) return;
      if (err.status === 403) {
        lockDecision();
        showAlert("error", "You cannot decide this review", err.message || "Your credentials do not cover this item.");
        ui.alert.focus({ preventScroll: true });
        announce("Refused: " + str(err.message));
        return;
      }
      if (err.status === 409) {
        lockDecision();
        showAlert("warn", "Already decided", err.message || "Someone already decided this review.",
          h("div", { class: "rv-alert-actions" },
            h("button", { type: "button", class: "pv-btn pv-btn-secondary", onclick: function () { removeAndAdvance(id); } }, "Next item", icon("arrow"))));
        toast("Review #" + id + " was already decided", "warn", sentence(err.message));
        loadQueue({ quiet: true, afterDecision: true });
        return;
      }
      showAlert("error", err.status === 400 ? "The decision was not accepted" : "Could not send your decision", err.message);
    });
  }

  function removeAndAdvance(id) {
    state.editing = false;
    var ids = state.reviews.map(function (r) { return str(r.id); });
    var at = ids.indexOf(id);
    state.reviews = state.reviews.filter(function (r) { return str(r.id) !== id; });
    renderQueue();
    state.selected = null;
    state.item = null;
    if (state.reviews.length) {
      var next = state.reviews[Math.min(Math.max(at, 0), state.reviews.length - 1)];
      select(str(next.id), { focus: true });
    } else {
      renderEmptyDetail();
      els.main.focus({ preventScroll: true });
    }
  }

  function noteGone() {
    if (!ui.alert || ui.locked) return;
    showAlert("warn", "No longer in your queue", "Another reviewer may have decided it, or your credentials changed. Deciding it may be refused.",
      h("div", { class: "rv-alert-actions" },
        h("button", { type: "button", class: "pv-btn pv-btn-secondary", onclick: function () { removeAndAdvance(state.selected); } }, "Next item", icon("arrow"))));
  }

  /* ------------------------------------------------------------ wiring */

  els.form.addEventListener("submit", submitSignIn);
  els.toggle.addEventListener("click", function () {
    var show = els.token.type === "password";
    els.token.type = show ? "text" : "password";
    els.toggle.textContent = show ? "Hide" : "Show";
    els.toggle.setAttribute("aria-pressed", show ? "true" : "false");
    els.token.focus();
  });
  els.token.addEventListener("input", function () { els.token.removeAttribute("aria-invalid"); });
  els.signout.addEventListener("click", signOut);
  els.refresh.addEventListener("click", function () { loadQueue({ quiet: !!state.reviews.length }); });
  els.queue.addEventListener("keydown", function (e) {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    var buttons = Array.prototype.slice.call(els.queue.querySelectorAll(".rv-item"));
    var i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    e.preventDefault();
    buttons[Math.max(0, Math.min(buttons.length - 1, i + (e.key === "ArrowDown" ? 1 : -1)))].focus();
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && body.getAttribute("data-view") === "app" && !state.busy) loadQueue({ quiet: true });
  });
  window.addEventListener("beforeunload", function (e) {
    if (state.editing && ui.editArea && ui.editArea.value !== ui.draftText) { e.preventDefault(); e.returnValue = ""; }
  });

  if (state.token) {
    showView("app");
    renderQueueSkeleton();
    clear(els.detail);
    els.detail.appendChild(h("div", { class: "rv-detail-skel", "aria-hidden": "true" },
      h("div", { class: "pv-card pv-ticket-skel" }, h("span"), h("span"), h("span"), h("span"))));
    client.get("/reviews").then(enterApp, function (err) {
      if (handleAuth(err)) return;
      showView("app");
      startTimers();
      clear(els.queue);
      els.queue.appendChild(h("div", { class: "pv-list-empty" }, errorBox("Could not load your queue", err, function () { loadQueue({ initial: true }); })));
      clear(els.detail);
      els.detail.appendChild(placeholder("inbox", "Queue unavailable", "Precedent could not be reached. Try again in a moment."));
    });
  } else {
    showSignIn(null);
  }
})();
