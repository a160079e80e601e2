/**
 * The STAC API: item fetches for PATCH events, patch application, and search.
 *
 * @module
 */

export { StacClient, type StacClientOptions } from "./client.ts";
export { applyItemPatch } from "./patch.ts";
