/**
 * The `cmip6` project plugin: maps CMIP6 STAC items to Handle records as
 * `../shared/spec/records.md` says.
 *
 * @example
 * ```ts
 * import { createCmip6Plugin } from "./mod.ts";
 * const plugin = createCmip6Plugin({ strictMode: true });
 * plugin.accepts("cmip6"); // true
 * ```
 *
 * @module
 */

import { ConfigurationError } from "../../errors/mod.ts";
import type { MappedEvent } from "../../records/mod.ts";
import type { MapContext, ProjectPlugin, StacItem } from "../types.ts";
import {
  DEFAULT_EXCLUDED_ASSET_KEYS,
  isHttpUrl,
  mapStacItem,
  type StacMapperOptions,
} from "../../mapping/mod.ts";

/** Settings of the `cmip6` plugin (names of the reference TOML in brackets). */
export interface Cmip6Options {
  /** Landing page base URL (`landing_page_url`); default `https://handle-esgf.dkrz.de/lp`. */
  landingPageUrl?: string;
  /** Cap on `HAS_PARTS` entries (`max_parts`); default -1 = unlimited. */
  maxParts?: number;
  /** Asset keys that are not files (`excluded_asset_keys`). */
  excludedAssetKeys?: string[];
  /** `ESGF` marker text; default `ESGF2 TEST`. */
  esgfMarker?: string;
  /** Strict validation (`[schema].strict_mode`); default true. */
  strictMode?: boolean;
}

/** Default landing page base URL. */
export const DEFAULT_LANDING_PAGE_URL = "https://handle-esgf.dkrz.de/lp";

/** Default `ESGF` marker text. */
export const DEFAULT_ESGF_MARKER = "ESGF2 TEST";

/** The project the plugin handles. */
export const CMIP6_PROJECT = "CMIP6";

/**
 * Creates the `cmip6` plugin. Throws `ConfigurationError` if the landing page is not an
 * http(s) URL or `maxParts` is not an integer.
 */
export function createCmip6Plugin(options: Cmip6Options = {}): ProjectPlugin {
  const landingPageUrl = options.landingPageUrl ?? DEFAULT_LANDING_PAGE_URL;
  if (!isHttpUrl(landingPageUrl)) {
    throw new ConfigurationError(`landing page URL ${landingPageUrl} is not an http(s) URL`);
  }
  const maxParts = options.maxParts ?? -1;
  if (!Number.isInteger(maxParts)) {
    throw new ConfigurationError(`max_parts must be an integer, got ${maxParts}`);
  }
  const settings: StacMapperOptions = {
    project: CMIP6_PROJECT,
    legacyPidFields: true,
    landingPageUrl: landingPageUrl.replace(/\/+$/, ""),
    maxParts,
    excludedAssetKeys: [...(options.excludedAssetKeys ?? DEFAULT_EXCLUDED_ASSET_KEYS)],
    esgfMarker: options.esgfMarker ?? DEFAULT_ESGF_MARKER,
    strict: options.strictMode ?? true,
  };
  return {
    name: "cmip6",
    accepts(collectionId: string): boolean {
      return collectionId.trim().toLowerCase() === CMIP6_PROJECT.toLowerCase();
    },
    map(item: StacItem, context: MapContext): MappedEvent {
      return mapStacItem(item, context, settings);
    },
  };
}
