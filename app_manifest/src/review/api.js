// @ts-check
/**
 * The reviewer's API client: Precedent's JSON client with the reviewer's token as a
 * Bearer token. The token is kept in sessionStorage for this tab only; when storage is
 * blocked it lives in memory for this page.
 */
import { createClient } from "../shared/api.js";

export const TOKEN_KEY = "precedent.reviewerToken";

/** @param {Pick<Storage, "getItem" | "setItem" | "removeItem"> | null} [storage] */
export function tokenStore(storage) {
  /** @returns {Pick<Storage, "getItem" | "setItem" | "removeItem"> | null} */
  const store = () => {
    try {
      return storage === undefined ? globalThis.sessionStorage : storage;
    } catch {
      return null;
    }
  };
  return {
    read() {
      try {
        return store()?.getItem(TOKEN_KEY) || "";
      } catch {
        return "";
      }
    },
    /** @param {string} token */
    write(token) {
      try {
        if (token) store()?.setItem(TOKEN_KEY, token);
        else store()?.removeItem(TOKEN_KEY);
      } catch {
        /* storage blocked: the token lives in memory for this page only */
      }
    },
  };
}

/**
 * @param {string} apiBase
 * @param {() => string} token  the current token ("" when signed out)
 * @param {import("../shared/api.js").FetchLike} [fetchFn]
 */
export function reviewClient(apiBase, token, fetchFn) {
  return createClient({
    apiBase,
    fetch: fetchFn || null,
    /** @returns {Record<string, string>} */
    headers: () => {
      const t = token();
      return t ? { Authorization: "Bearer " + t } : {};
    },
  });
}
