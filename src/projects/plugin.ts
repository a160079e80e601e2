/**
 * A project plugin made from a project description and its `[plugins.NAME]`
 * settings: the generic mapper with the project's names.
 *
 * @module
 */

import { ConfigurationError } from "../errors/mod.ts";
import type { MappedEvent } from "../records/mod.ts";
import type { StacItem } from "../events/item.ts";
import type { MapContext } from "../mapping/context.ts";
import type { ProjectPlugin } from "./types.ts";
import {
  DEFAULT_EXCLUDED_ASSET_KEYS,
  isHttpUrl,
  mapStacItem,
  type StacMapperOptions,
} from "../mapping/mod.ts";
import { pidFields, type ProjectDescription } from "./descriptions.ts";

/** Settings of a project (names of `[plugins.NAME]` in brackets). */
export interface ProjectSettings {
  /** Landing page base URL (`landing_page_url`); default {@linkcode DEFAULT_LANDING_PAGE_URL}. */
  landingPageUrl?: string;
  /** Cap on `HAS_PARTS` entries (`max_parts`); default -1 = unlimited. */
  maxParts?: number;
  /** Asset keys that are not files (`excluded_asset_keys`). */
  excludedAssetKeys?: string[];
  /** `ESGF` marker text (`esgf_marker`); default {@linkcode DEFAULT_ESGF_MARKER}. */
  esgfMarker?: string;
  /** Strict validation (`[schema].strict_mode`); default true. */
  strictMode?: boolean;
}

/** Default landing page base URL. */
export const DEFAULT_LANDING_PAGE_URL = "https://handle-esgf.dkrz.de/lp";

/** Default `ESGF` marker text. */
export const DEFAULT_ESGF_MARKER = "ESGF2 TEST";

/**
 * Creates the plugin of a project. Throws `ConfigurationError` if the landing page is not
 * an http(s) URL or `maxParts` is not an integer.
 */
export function createProjectPlugin(
  project: ProjectDescription,
  settings: ProjectSettings = {},
): ProjectPlugin {
  const landingPageUrl = settings.landingPageUrl ?? DEFAULT_LANDING_PAGE_URL;
  if (!isHttpUrl(landingPageUrl)) {
    throw new ConfigurationError(
      `plugins.${project.name}: landing page URL ${landingPageUrl} is not an http(s) URL`,
    );
  }
  const maxParts = settings.maxParts ?? -1;
  if (!Number.isInteger(maxParts)) {
    throw new ConfigurationError(
      `plugins.${project.name}: max_parts must be an integer, got ${maxParts}`,
    );
  }
  const options: StacMapperOptions = {
    project: project.projectId,
    datasetPidFields: pidFields(project, "dataset"),
    filePidFields: pidFields(project, "file"),
    landingPageUrl: landingPageUrl.replace(/\/+$/, ""),
    maxParts,
    excludedAssetKeys: [...(settings.excludedAssetKeys ?? DEFAULT_EXCLUDED_ASSET_KEYS)],
    esgfMarker: settings.esgfMarker ?? DEFAULT_ESGF_MARKER,
    strict: settings.strictMode ?? true,
  };
  const id = project.projectId.toLowerCase();
  return {
    name: project.name,
    accepts(collectionId: string): boolean {
      return collectionId.trim().toLowerCase() === id;
    },
    map(item: StacItem, context: MapContext): MappedEvent {
      return mapStacItem(item, context, options);
    },
  };
}
