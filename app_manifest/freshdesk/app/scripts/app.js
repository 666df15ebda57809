/*
 * Precedent in the Freshdesk ticket sidebar (platform 3.0): Freshworks glue around the
 * sidebar UI core (scripts/sidebar.js, copied in by `precedent app package freshdesk`).
 *
 * The iframe never talks to the backend directly: every API call goes through a request
 * template in config/requests.json, which adds the installation secret (a secure iparam)
 * on the Freshworks side. Insert fills the reply editor with setValue; nothing is sent.
 */
(function () {
  "use strict";

  var API_PATH = /\/api\/v1(\/.*)$/;
  var ROUTES = [
    // [method, path pattern, request template]
    ["POST", /^\/drafts$/, "requestDraft"],
    ["GET", /^\/drafts\/([^/]+)$/, "readDraft"],
    ["POST", /^\/drafts\/([^/]+)\/insert$/, "insertDraft"],
    ["POST", /^\/drafts\/([^/]+)\/outcome$/, "reportOutcome"],
  ];

  function response(status, text) {
    return {
      ok: status >= 200 && status < 300,
      status: status,
      statusText: "",
      text: function () { return Promise.resolve(text == null ? "" : String(text)); },
    };
  }

  /** A fetch() for the sidebar core that maps each API path onto a request template. */
  function templateFetch(client) {
    return function (url, init) {
      var method = (init && init.method) || "GET";
      var match = API_PATH.exec(new URL(url, window.location.href).pathname);
      var path = match ? match[1] : "";
      for (var i = 0; i < ROUTES.length; i++) {
        var route = ROUTES[i];
        var found = route[0] === method && route[1].exec(path);
        if (!found) continue;
        var options = { context: found[1] ? { draft_id: decodeURIComponent(found[1]) } : {} };
        if (init && init.body != null) options.body = init.body;
        return client.request.invokeTemplate(route[2], options).then(function (res) {
          return response(res.status || 200, res.response);
        }, function (err) {
          if (!err || !err.status) throw new Error((err && err.message) || "the request template failed");
          return response(err.status, err.response);
        });
      }
      return Promise.reject(new Error("no request template for " + method + " " + path));
    };
  }

  /** The editor takes HTML: keep the draft's paragraphs and escape everything else. */
  function toHtml(text) {
    return String(text).split(/\n{2,}/).map(function (block) {
      var safe = block.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
      return "<p>" + safe.replace(/\n/g, "<br>") + "</p>";
    }).join("");
  }

  function start(client) {
    var sidebar = PrecedentSidebar.mount(document.getElementById("precedent"), {
      apiBase: "/api/v1",
      fetch: templateFetch(client),
      stream: false,  // request templates answer whole responses: poll the draft instead
      feedback: true,
      onInsert: function (text) {
        return client.interface.trigger("setValue", { id: "editor", text: toHtml(text), replace: false, position: "end" });
      },
    });

    function report(type) {
      return function (event) {
        var draft = sidebar.getDraft();
        if (!draft || draft.status !== "ready") return;
        var data = event && event.helper && typeof event.helper.getData === "function" ? event.helper.getData() : {};
        var sent = data && (data.body || data.body_text || data.text);
        if (!sent) return;  // the helpdesk webhook reports it instead
        sidebar.reportOutcome({ sent_text: String(sent), sent_type: type }).catch(function (err) {
          if (window.console) console.warn("Precedent: outcome not recorded:", err.message);
        });
      };
    }

    client.events.on("ticket.sendReply", report("publicReply"));
    client.events.on("ticket.addNote", report("internalNote"));

    function draftForTicket() {
      client.data.get("ticket").then(function (data) {
        sidebar.requestDraft(String(data.ticket.id));
      }, function () {
        sidebar.showError({ code: "freshdesk", message: "Could not read the ticket from Freshdesk." });
      });
    }
    client.events.on("app.activated", draftForTicket);
  }

  window.app.initialized().then(start);
})();
