// @ts-check
/** The sidebar's outline icons. */
import { svgIcon } from "./dom.js";

/** @type {Record<string, import("./dom.js").IconParts>} */
export const ICONS = {
  ticket: [["path", { d: "M3 8a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2v2a2 2 0 0 0 0 4v2a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-2a2 2 0 0 0 0-4z" }], ["path", { d: "M14 6v2M14 11v2M14 16v2" }]],
  book: [["path", { d: "M4 5.5A2.5 2.5 0 0 1 6.5 3H20v15H6.5A2.5 2.5 0 0 0 4 20.5z" }], ["path", { d: "M4 20.5A2.5 2.5 0 0 0 6.5 23H20v-5" }], ["path", { d: "M8 8h8M8 11.5h5" }]],
  copy: [["rect", { x: "9", y: "9", width: "12", height: "12", rx: "2" }], ["path", { d: "M5 15H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v1" }]],
  insert: [["path", { d: "M9 10l-5 5 5 5" }], ["path", { d: "M20 4v7a4 4 0 0 1-4 4H4" }]],
  refresh: [["path", { d: "M20.5 12a8.5 8.5 0 1 1-2.5-6" }], ["path", { d: "M20.5 3.5V8H16" }]],
  warn: [["path", { d: "M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z" }], ["path", { d: "M12 9v4M12 17h.01" }]],
  gap: [["circle", { cx: "11", cy: "11", r: "7" }], ["path", { d: "M20 20l-4-4" }], ["path", { d: "M9 9l4 4M13 9l-4 4" }]],
  info: [["circle", { cx: "12", cy: "12", r: "9.5" }], ["path", { d: "M12 11v5.5M12 7.5h.01" }]],
  error: [["circle", { cx: "12", cy: "12", r: "9.5" }], ["path", { d: "M15 9l-6 6M9 9l6 6" }]],
  check: [["path", { d: "M20 6 9 17l-5-5" }]],
  external: [["path", { d: "M18 13v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h6" }], ["path", { d: "M15 3h6v6M10 14 21 3" }]],
  spark: [["path", { d: "M12 3l1.8 4.7L18.5 9.5l-4.7 1.8L12 16l-1.8-4.7L5.5 9.5l4.7-1.8z" }], ["path", { d: "M19 15l.8 2.2L22 18l-2.2.8L19 21l-.8-2.2L16 18l2.2-.8z" }]],
  inbox: [["path", { d: "M22 12h-6l-2 3h-4l-2-3H2" }], ["path", { d: "M5.5 5.1 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.5-6.9A2 2 0 0 0 16.7 4H7.3a2 2 0 0 0-1.8 1.1z" }]],
  shield: [["path", { d: "M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z" }], ["path", { d: "M9 12l2 2 4-4" }]],
  clock: [["circle", { cx: "12", cy: "12", r: "9.5" }], ["path", { d: "M12 7v5l3 2" }]],
  x: [["path", { d: "M18 6 6 18M6 6l12 12" }]],
  lock: [["rect", { x: "4", y: "11", width: "16", height: "10", rx: "2" }], ["path", { d: "M8 11V7a4 4 0 0 1 8 0v4" }]],
  ban: [["circle", { cx: "12", cy: "12", r: "9.5" }], ["path", { d: "M5.3 5.3l13.4 13.4" }]],
  flag: [["path", { d: "M4 22V4" }], ["path", { d: "M4 4h13l-2.5 4.5L17 13H4" }]],
  thumb: [["path", { d: "M7 10v11H3V10z" }], ["path", { d: "M7 10l4-8a2.2 2.2 0 0 1 3.2 2.3L13.5 9H19a2 2 0 0 1 2 2.3l-1.4 7.9A2 2 0 0 1 17.6 21H7" }]],
};

/** @param {string} name @param {string} [extraClass] */
export function icon(name, extraClass) {
  return svgIcon(ICONS[name] || ICONS.info, "pcd-icon" + (extraClass ? " " + extraClass : ""));
}
