/**
 * The STAC API: item fetches for PATCH events, patch application, and search.
 *
 * @module
 */

export { StacClient, type StacClientOptions } from "./client.ts";
export {
  applyItemPatch,
  DEFAULT_PATCH_LIMITS,
  type PatchLimits,
  REFUSED_PATH_SEGMENTS,
} from "./patch.ts";
