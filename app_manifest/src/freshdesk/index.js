// @ts-check
/**
 * Precedent in the Freshdesk ticket sidebar (platform 3.0): Freshworks glue around the
 * sidebar UI core (scripts/sidebar.js, copied in by `precedent app package freshdesk`).
 * Built into app_manifest/freshdesk/app/scripts/app.js by `npm run build:ui`.
 *
 * The iframe never talks to the backend directly: every API call goes through a request
 * template in config/requests.json, which adds the installation secret (a secure iparam)
 * on the Freshworks side. Insert fills the reply editor with setValue; nothing is sent.
 */
import { sidebarCore } from "../shared/host.js";
import { PACING, sentText, templateFetch, toHtml } from "./templates.js";

/** @param {import("./templates.js").FreshworksClient} client */
function start(client) {
  const sidebar = sidebarCore().mount(/** @type {HTMLElement} */ (document.getElementById("precedent")), {
    apiBase: "/api/v1",
    fetch: templateFetch(client, window.location.href),
    ...PACING, // no event stream through a template: back-off polling within the app's budget
    feedback: true,
    onInsert: (text) => client.interface.trigger("setValue", { id: "editor", text: toHtml(text), replace: false, position: "end" }),
  });

  /** @param {string} type */
  const report = (type) => (/** @type {any} */ event) => {
    const draft = sidebar.getDraft();
    if (!draft || draft.status !== "ready") return;
    const sent = sentText(event);
    if (!sent) return; // the helpdesk webhook reports it instead
    sidebar.reportOutcome({ sent_text: sent, sent_type: type }).catch((err) => {
      if (window.console) console.warn("Precedent: outcome not recorded:", err.message);
    });
  };

  client.events.on("ticket.sendReply", report("publicReply"));
  client.events.on("ticket.addNote", report("internalNote"));

  const draftForTicket = () => {
    client.data.get("ticket").then((data) => {
      sidebar.requestDraft(String(data.ticket.id));
    }, () => {
      sidebar.showError({ code: "freshdesk", message: "Could not read the ticket from Freshdesk." });
    });
  };
  client.events.on("app.activated", draftForTicket);
}

/** @type {any} */ (window).app.initialized().then(start);
