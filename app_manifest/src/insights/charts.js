// @ts-check
/**
 * Chart.js configurations for the insights page, built from the API's answers. Pure data
 * in, plain objects out, so node tests check them without a canvas.
 */

export const ACTIONS = /** @type {const} */ (["accepted", "edited", "rejected", "escalated"]);
export const COLOURS = { accepted: "#1f7a4d", edited: "#2f6fdb", rejected: "#c2410c", escalated: "#7c3aed", line: "#0f172a" };

/** @typedef {{ start: string, volume: number, acceptance: number, edit_distance: number | null, similarity: number | null }} Period */
/** @typedef {{ key: string, volume: number, actions: Record<string, number>, rates: Record<string, number> }} Row */

/** A period's label: "Mar 3" from "2026-03-03T…Z". @param {string} iso */
export function dayLabel(iso) {
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const [, m, d] = iso.slice(0, 10).split("-").map(Number);
  return months[(m || 1) - 1] + " " + d;
}

/**
 * Acceptance (left axis, %) and mean edit distance (right axis, characters) per period;
 * periods without drafts are gaps, not zeros.
 * @param {Period[]} trend
 */
export function trendConfig(trend) {
  return {
    type: "line",
    data: {
      labels: trend.map((p) => dayLabel(p.start)),
      datasets: [
        { label: "Accepted as drafted (%)", yAxisID: "y", borderColor: COLOURS.accepted, backgroundColor: COLOURS.accepted,
          data: trend.map((p) => (p.volume ? Math.round(p.acceptance * 1000) / 10 : null)), spanGaps: false, tension: 0.25 },
        { label: "Mean edit distance (characters)", yAxisID: "y1", borderColor: COLOURS.edited, backgroundColor: COLOURS.edited,
          borderDash: [5, 4], data: trend.map((p) => p.edit_distance), spanGaps: false, tension: 0.25 },
      ],
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false, interaction: { mode: "index", intersect: false },
      scales: {
        y: { min: 0, max: 100, title: { display: true, text: "% accepted" } },
        y1: { position: "right", min: 0, grid: { drawOnChartArea: false }, title: { display: true, text: "characters" } },
      },
    },
  };
}

/** Drafts per tenth of similarity. @param {number[]} bins */
export function similarityConfig(bins) {
  return {
    type: "bar",
    data: {
      labels: bins.map((_, i) => (i / 10).toFixed(1) + "–" + ((i + 1) / 10).toFixed(1)),
      datasets: [{ label: "Replies sent", data: bins.slice(), backgroundColor: COLOURS.edited }],
    },
    options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } },
      scales: { x: { title: { display: true, text: "similarity of the sent reply to the draft" } }, y: { beginAtZero: true } } },
  };
}

/** Stacked shares of each action per value of the dimension. @param {Row[]} rows */
export function mixConfig(rows) {
  return {
    type: "bar",
    data: {
      labels: rows.map((r) => r.key || "(unknown)"),
      datasets: ACTIONS.map((a) => ({
        label: a, backgroundColor: COLOURS[a], data: rows.map((r) => Math.round((r.rates[a] || 0) * 1000) / 10),
      })),
    },
    options: { indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
      scales: { x: { stacked: true, max: 100, title: { display: true, text: "% of drafts" } }, y: { stacked: true } } },
  };
}

/**
 * The query string of the page's filters, empty values left out.
 * @param {Record<string, string>} filters
 */
export function query(filters) {
  const parts = [];
  for (const [k, v] of Object.entries(filters)) if (v) parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(v));
  return parts.length ? "?" + parts.join("&") : "";
}

/** "42%" @param {number} rate */
export function percent(rate) {
  return Math.round(rate * 100) + "%";
}
