// @ts-check
/** What a helpdesk adapter gets from the sidebar core (the `PrecedentSidebar` global). */

/**
 * @typedef {ReturnType<typeof import("../sidebar/mount.js").mount>} Sidebar
 * @typedef {typeof import("../sidebar/index.js").PrecedentSidebar} SidebarCore
 */

/** The core, loaded by its own script tag before the adapter. @returns {SidebarCore} */
export function sidebarCore() {
  return /** @type {any} */ (globalThis).PrecedentSidebar;
}
