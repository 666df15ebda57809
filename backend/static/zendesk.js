/*
 * Precedent in the Zendesk ticket sidebar: ZAF glue around the sidebar UI core.
 *
 * The page is served by the backend (the app's location URL, signed by Zendesk), so API
 * calls go straight to the backend with the page's bearer token. From ZAF it only takes the
 * ticket id, the composer (append, never send), the ticket.save hook (what the agent is
 * about to send, reported to /drafts/<id>/outcome) and the iframe height.
 */
(function () {
  "use strict";

  var body = document.body;
  var root = document.getElementById("precedent");
  var token = body.getAttribute("data-api-token");
  var zaf = window.ZAFClient ? window.ZAFClient.init() : false;

  if (!zaf) {
    root.textContent = "Open Precedent from a ticket in Zendesk Support: this page only works inside the Zendesk ticket sidebar.";
    return;
  }

  var apiBase = body.getAttribute("data-api-base") || "/api/v1";
  var sidebar = PrecedentSidebar.mount(root, {
    apiBase: apiBase,
    headers: function () { return token ? { Authorization: "Bearer " + token } : {}; },
    draftButton: true,
    feedback: true,
    onInsert: insert,
    onStateChange: fit,
  });

  // Zendesk signs the page only when it loads; the token lives 15 minutes, so an open
  // sidebar trades it for a fresh one every 10 (an expired one needs the app reloaded).
  var RENEW_MS = 10 * 60 * 1000;
  function renew() {
    if (!token) return;
    fetch(apiBase + "/app/token", { method: "POST", headers: { Authorization: "Bearer " + token } })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (fresh) { if (fresh && fresh.token) token = fresh.token; })
      .catch(function () { /* offline for a moment: the next renewal tries again */ });
  }
  if (token) setInterval(renew, RENEW_MS);

  /** Appends to the reply composer; older hosts only know the comment.* path. */
  function insert(text) {
    return zaf.invoke("ticket.comment.appendText", text).catch(function () {
      return zaf.invoke("comment.appendText", text);
    });
  }

  var height = 0;
  function fit() {
    var next = Math.max(120, Math.ceil(root.getBoundingClientRect().bottom) + 8);
    if (next === height) return;
    height = next;
    zaf.invoke("resize", { width: "100%", height: next + "px" });
  }

  if (typeof ResizeObserver === "function") new ResizeObserver(fit).observe(root);

  // What the agent sends: read from the composer while the ticket is saved. Never blocks
  // the save: reporting is best effort, and a helpdesk webhook confirms it later.
  zaf.on("ticket.save", function () {
    var draft = sidebar.getDraft();
    if (!draft || draft.status !== "ready") return true;
    return zaf.get(["ticket.comment.text", "ticket.comment.type"]).then(function (data) {
      var sent = data["ticket.comment.text"];
      if (sent) {
        sidebar.reportOutcome({ sent_text: sent, sent_type: data["ticket.comment.type"] || null })
          .catch(function (err) { if (window.console) console.warn("Precedent: outcome not recorded:", err.message); });
      }
      return true;
    }, function () { return true; });
  });

  zaf.get("ticket.id").then(function (data) {
    var id = data["ticket.id"];
    if (id == null) { sidebar.showError({ code: "no_ticket", message: "Zendesk did not say which ticket is open." }); return; }
    sidebar.requestDraft(String(id));
  }, function (err) {
    sidebar.showError({ code: "zaf", message: "Could not read the ticket from Zendesk: " + (err && err.message ? err.message : "unknown error") });
  });
})();
