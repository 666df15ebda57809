// @ts-check
/** The progress card while a draft is requested, queued, written; it shows the text growing. */
import { h } from "../shared/dom.js";
import { retryLine } from "./content.js";
import { statusHint, statusLabel } from "./state.js";
import { button } from "./views.js";

/**
 * @param {number} started  when the request began (ms)
 * @param {() => void} onCancel
 * @param {(message: string) => void} announce
 */
export function progressView(started, onCancel, announce) {
  const label = h("span", { class: "pcd-progress-label", text: statusLabel(null) });
  const elapsed = h("span", { class: "pcd-progress-time", text: "0 s" });
  const hint = h("p", { class: "pcd-muted pcd-progress-hint", text: statusHint(null) });
  const retry = h("p", { class: "pcd-progress-retry", hidden: true });
  const growing = h("p", { class: "pcd-stream-text" });
  const streamBox = h("div", { class: "pcd-card pcd-stream", hidden: true }, growing);
  const skeleton = h("div", { class: "pcd-skeleton", "aria-hidden": "true" },
    h("span", null), h("span", null), h("span", null), h("span", { class: "pcd-short" }));
  const bar = h("div", { class: "pcd-bar", role: "progressbar", "aria-label": "Drafting progress", "aria-valuetext": "In progress" },
    h("span", { class: "pcd-bar-fill" }));
  const nodes = [
    h("div", { class: "pcd-card pcd-progress", "aria-busy": "true" },
      h("div", { class: "pcd-progress-row" }, h("span", { class: "pcd-pulse", "aria-hidden": "true" }), label, elapsed),
      bar, hint, retry,
      h("div", { class: "pcd-progress-actions" },
        button("Cancel", null, "pcd-btn-ghost pcd-btn-sm", onCancel))),
    streamBox,
    skeleton,
  ];
  /** @type {string | null} */
  let shown = null; // the status the label shows, or "writing"
  const tick = () => {
    const s = Math.floor((Date.now() - started) / 1000);
    elapsed.textContent = s + " s";
    elapsed.setAttribute("aria-label", s + " seconds elapsed");
  };
  tick();
  const ticker = setInterval(tick, 250);

  return {
    nodes,
    /** A polled draft: its status, and the retry line when a try went wrong. @param {any} draft */
    update(draft) {
      const status = draft && draft.status;
      if (status !== shown) {
        shown = status;
        label.textContent = statusLabel(status);
        hint.textContent = statusHint(status);
        if (status === "queued" || status === "running") announce(status === "queued" ? "Queued" : "Drafting");
      }
      const line = retryLine(draft);
      retry.hidden = !line;
      if (line) retry.textContent = line;
    },
    /** The text so far while the model writes it: plain text, markers as written. @param {string} text */
    grow(text) {
      growing.textContent = text;
      streamBox.hidden = !text;
      skeleton.hidden = !!text;
      if (text && shown !== "writing") {
        shown = "writing";
        label.textContent = "Writing the draft";
        hint.textContent = "The model is writing; citations are checked when it finishes.";
      }
    },
    /** Stops the elapsed-time ticker. */
    stop() {
      clearInterval(ticker);
    },
  };
}

/** @typedef {ReturnType<typeof progressView>} Progress */
