// @ts-check
/** The reviewer page's left column: who is signed in, their credentials, and the queue. */
import { add, clear, h } from "../shared/dom.js";
import { domainLabel } from "../shared/gate.js";
import { domainPill } from "../shared/render.js";
import { str } from "../shared/text.js";
import { icon } from "./icons.js";
import { credentialStatus, initials, longAge, successor, today } from "./queue.js";
import { ageTag, domainPills, formatDay, jurisTag } from "./views.js";

/** @typedef {import("./queue.js").Reviewer} Reviewer */
/** @typedef {import("./queue.js").ReviewItem} ReviewItem */

/**
 * The signed-in reviewer and their credentials (expired, expiring, valid until).
 * @param {{ whoAvatar: HTMLElement, whoName: HTMLElement, who: HTMLElement, whoCreds: HTMLElement, creds: HTMLElement }} els
 * @param {Reviewer | null} reviewer
 */
export function renderReviewer(els, reviewer) {
  /** @type {Reviewer} */
  const r = reviewer || {};
  const creds = Array.isArray(r.credentials) ? r.credentials : [];
  const day = today();
  els.whoAvatar.textContent = initials(r.name || r.email);
  els.whoName.textContent = str(r.name) || str(r.email) || "Reviewer";
  els.who.title = [str(r.name), str(r.email)].filter(Boolean).join(" \u00b7 ");
  clear(els.whoCreds);
  const expired = creds.filter((c) => credentialStatus(c, day).expired).length;
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
  for (const c of creds) {
    const st = credentialStatus(c, day);
    const juris = Array.isArray(c.jurisdictions) ? c.jurisdictions : [];
    els.creds.appendChild(h("li", { class: "rv-cred" + (st.expired ? " rv-cred-expired" : st.soon ? " rv-cred-soon" : "") },
      h("div", { class: "rv-cred-top" },
        domainPill(c.domain),
        h("span", { class: "rv-cred-licence pv-mono", title: "Licence", text: str(c.licence_id) })),
      h("div", { class: "rv-cred-juris", "aria-label": "Jurisdictions" },
        juris.length ? juris.map((j) => h("span", { class: "pv-tag", text: str(j) })) : h("span", { class: "rv-muted", text: "No jurisdictions" })),
      h("div", { class: "rv-cred-exp" },
        st.expired ? icon("warn") : icon("license"),
        st.expired ? h("span", null, h("strong", { text: "Expired" }), " on " + formatDay(c.expires_on) + ". You cannot decide " + domainLabel(c.domain).toLowerCase() + " items with it.")
          : st.soon ? h("span", null, h("strong", { text: "Expires " + (st.days === 0 ? "today" : "in " + st.days + (st.days === 1 ? " day" : " days")) }), " \u00b7 " + formatDay(c.expires_on))
            : h("span", { text: "Valid until " + formatDay(c.expires_on) }))));
  }
}

/**
 * The queue: urgent items tagged, each with its ticket, subject, domains, jurisdiction and
 * age; then the items a newer draft replaced, each linking to its successor. Focus stays on
 * the item it was on.
 * @param {{ queue: HTMLElement, count: HTMLElement }} els
 * @param {ReviewItem[]} list
 * @param {string | null} selected
 * @param {(item: ReviewItem) => number} ageOf
 * @param {(id: string) => void} onSelect
 * @param {ReviewItem[]} [replaced]  superseded items
 */
export function renderQueue(els, list, selected, ageOf, onSelect, replaced) {
  renderPending(els, list, selected, ageOf, onSelect);
  if (replaced && replaced.length) els.queue.appendChild(supersededList(replaced, onSelect));
}

/**
 * Items a newer draft of their ticket replaced: not decidable, each with a link to what
 * replaced it.
 * @param {ReviewItem[]} items
 * @param {(id: string) => void} onSelect
 */
function supersededList(items, onSelect) {
  return h("section", { class: "rv-superseded", "aria-labelledby": "rv-superseded-title" },
    h("h3", { class: "rv-superseded-title", id: "rv-superseded-title", text: "Replaced by newer drafts" }),
    h("ul", { class: "rv-superseded-items" }, items.map((r) => {
      const next = successor(r);
      const link = next.reviewId
        ? h("a", { href: "#review-" + encodeURIComponent(next.reviewId), class: "rv-superseded-link",
          onclick: (/** @type {Event} */ e) => { e.preventDefault(); onSelect(/** @type {string} */ (next.reviewId)); } }, next.text, icon("arrow"))
        : h("span", { class: "rv-muted", text: next.text });
      return h("li", { class: "rv-superseded-item", "data-id": str(r.id) },
        h("span", { class: "pv-ticket-top" },
          h("span", { class: "pv-mono rv-item-ticket", text: str(r.ticket_id) }),
          h("span", { class: "rv-item-id", text: "#" + str(r.id) + " superseded" })),
        r.subject ? h("span", { class: "rv-item-subject", text: str(r.subject) }) : null,
        link);
    })));
}

/**
 * @param {{ queue: HTMLElement, count: HTMLElement }} els
 * @param {ReviewItem[]} list
 * @param {string | null} selected
 * @param {(item: ReviewItem) => number} ageOf
 * @param {(id: string) => void} onSelect
 */
function renderPending(els, list, selected, ageOf, onSelect) {
  const active = document.activeElement;
  const focusId = active && active.classList && active.classList.contains("rv-item") ? active.getAttribute("data-id") : null;
  els.count.textContent = String(list.length);
  els.count.hidden = false;
  clear(els.queue);
  if (focusId) {
    setTimeout(() => {
      const again = /** @type {HTMLElement | null} */ (els.queue.querySelector('.rv-item[data-id="' + CSS.escape(focusId) + '"]') || els.queue.querySelector(".rv-item"));
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
  els.queue.appendChild(h("ul", { class: "pv-tickets rv-items" }, list.map((r) => {
    const id = str(r.id);
    const domains = Array.isArray(r.domains) ? r.domains : [];
    return h("li", null, h("button", {
      type: "button", class: "pv-ticket rv-item" + (r.urgent ? " rv-item-urgent" : ""), "data-id": id,
      "aria-current": id === selected ? "true" : "false",
      "aria-label": (r.urgent ? "Urgent: someone may be in danger. " : "") + "Ticket " + str(r.ticket_id) + (r.subject ? ", " + str(r.subject) : "") + ", " + domains.map(domainLabel).join(" and ") + ", " +
        (r.jurisdiction || "jurisdiction unknown") + ", waiting " + longAge(ageOf(r)),
      onclick: () => onSelect(id),
    },
    h("span", { class: "pv-ticket-top" },
      r.urgent ? h("span", { class: "rv-urgent-tag", text: "Urgent" }) : null,
      h("span", { class: "pv-mono rv-item-ticket", text: str(r.ticket_id) || "(no ticket)" }),
      h("span", { class: "rv-item-id", text: "#" + id }),
      ageTag(r, ageOf(r), "rv-item-age")),
    r.subject ? h("span", { class: "rv-item-subject", text: str(r.subject) }) : null,
    h("span", { class: "pv-ticket-meta rv-item-meta" }, domainPills(domains, true), jurisTag(r.jurisdiction))));
  })));
}
