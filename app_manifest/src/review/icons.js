// @ts-check
/** The reviewer page's icons. */
import { svgIcon } from "../shared/dom.js";

/** @type {Record<string, import("../shared/dom.js").IconParts>} */
const ICONS = {
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

/** @param {string} name @param {string} [cls] */
export function icon(name, cls) {
  return svgIcon(ICONS[name] || [], "pv-icon" + (cls ? " " + cls : ""));
}
