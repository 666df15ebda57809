// @ts-check
/**
 * Precedent in the Zendesk ticket sidebar: ZAF glue around the sidebar UI core. Built into
 * backend/static/zendesk.js by `npm run build:ui` (app_manifest/).
 *
 * The page is served by the backend (the app's location URL, signed by Zendesk), so API
 * calls go straight to the backend with the page's bearer token. From ZAF it only takes the
 * ticket id, the composer (append, never send), the ticket.save hook (what the agent is
 * about to send, reported to /drafts/<id>/outcome) and the iframe height.
 */
import { sidebarCore } from "../shared/host.js";
import { bearer, frameHeight, sentOutcome } from "./composer.js";

/**
 * The part of the ZAF client this adapter uses.
 * @typedef {{
 *   invoke(name: string, ...args: unknown[]): Promise<unknown>,
 *   get(path: string | string[]): Promise<Record<string, any>>,
 *   on(event: string, handler: () => unknown): void,
 * }} Zaf
 */

// Zendesk signs the page only when it loads; the token lives 15 minutes, so an open
// sidebar trades it for a fresh one every 10 (an expired one needs the app reloaded).
const RENEW_MS = 10 * 60 * 1000;

/** @param {HTMLElement} root @param {Zaf} zaf */
function start(root, zaf) {
  const body = document.body;
  let token = body.getAttribute("data-api-token");
  const apiBase = body.getAttribute("data-api-base") || "/api/v1";
  let height = 0;

  const fit = () => {
    const next = frameHeight(root.getBoundingClientRect().bottom);
    if (next === height) return;
    height = next;
    zaf.invoke("resize", { width: "100%", height: next + "px" });
  };

  /** Appends to the reply composer; older hosts only know the comment.* path. @param {string} text */
  const insert = (text) => zaf.invoke("ticket.comment.appendText", text).catch(() => zaf.invoke("comment.appendText", text));

  const sidebar = sidebarCore().mount(root, {
    apiBase,
    headers: () => bearer(token),
    draftButton: true,
    feedback: true,
    onInsert: insert,
    onStateChange: fit,
  });

  const renew = () => {
    if (!token) return;
    fetch(apiBase + "/app/token", { method: "POST", headers: bearer(token) })
      .then((res) => (res.ok ? res.json() : null))
      .then((fresh) => { if (fresh && fresh.token) token = fresh.token; })
      .catch(() => { /* offline for a moment: the next renewal tries again */ });
  };
  if (token) setInterval(renew, RENEW_MS);

  if (typeof ResizeObserver === "function") new ResizeObserver(fit).observe(root);

  // What the agent sends: read from the composer while the ticket is saved. Never blocks
  // the save: reporting is best effort, and a helpdesk webhook confirms it later.
  zaf.on("ticket.save", () => {
    const draft = sidebar.getDraft();
    if (!draft || draft.status !== "ready") return true;
    return zaf.get(["ticket.comment.text", "ticket.comment.type"]).then((data) => {
      const outcome = sentOutcome(data);
      if (outcome) {
        sidebar.reportOutcome(outcome)
          .catch((err) => { if (window.console) console.warn("Precedent: outcome not recorded:", err.message); });
      }
      return true;
    }, () => true);
  });

  zaf.get("ticket.id").then((data) => {
    const id = data["ticket.id"];
    if (id == null) {
      sidebar.showError({ code: "no_ticket", message: "Zendesk did not say which ticket is open." });
      return;
    }
    sidebar.requestDraft(String(id));
  }, (err) => {
    sidebar.showError({ code: "zaf", message: "Could not read the ticket from Zendesk: " + (err && err.message ? err.message : "unknown error") });
  });
}

const root = /** @type {HTMLElement} */ (document.getElementById("precedent"));
const ZAFClient = /** @type {any} */ (window).ZAFClient;
/** @type {Zaf | false} */
const zaf = ZAFClient ? ZAFClient.init() : false;
if (!zaf) {
  root.textContent = "Open Precedent from a ticket in Zendesk Support: this page only works inside the Zendesk ticket sidebar.";
} else start(root, zaf);
