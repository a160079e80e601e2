/**
 * The previous-version lookup (`[lookup]`, off by default): for a dataset, find its
 * other versions in a STAC API (`backend = "stac"`) or an Elasticsearch index of
 * Handle records (`backend = "es"`), and name the newest lower one, which becomes the
 * record's `PREVIOUS_VERSION`. A lookup that cannot reach its service throws a
 * `TransientError` after the retries of the transient policy.
 *
 * @example
 * ```ts
 * const lookup = createVersionLookup({
 *   backend: "stac",
 *   stac: client,
 *   collection: "CMIP6",
 *   policy: { retries: 3, backoffInitial: 1, backoffMax: 30 },
 * });
 * await lookup.previousVersion("CMIP6.HighResMIP.MRI.MRI-AGCM3-2-H.highresSST-present.r1i1p1f1.6hrPlevPt.psl.gn.v20190820");
 * ```
 *
 * @module
 */

import { ConfigurationError, type TransientError } from "../errors/mod.ts";
import type { VersionLookup } from "../pipeline/mod.ts";
import type { StacClient } from "../stac/mod.ts";
import type { TransientPolicy } from "../transient/mod.ts";
import { createEsVersionLookup } from "./es.ts";
import { createStacVersionLookup } from "./stac.ts";

export { datasetIdOf, newestLowerVersion, versionNumber, versionOf } from "./versions.ts";
export {
  createStacVersionLookup,
  stacSearchFilter,
  stacSearchPath,
  type StacVersionLookupOptions,
} from "./stac.ts";
export { createEsVersionLookup, esSearchBody, type EsVersionLookupOptions } from "./es.ts";

/** Elasticsearch settings of the lookup (`[elasticsearch]`). */
export interface EsSettings {
  /** Base URL. */
  url: string;
  /** Index of dataset records. */
  index: string;
  /** User name for HTTP Basic; empty or absent = no authentication. */
  username?: string;
  /** Password for HTTP Basic. */
  password?: string;
  /** Per-request timeout, seconds. */
  timeout: number;
}

/** Options of {@linkcode createVersionLookup}. */
export interface VersionLookupOptions {
  /** Which service is asked (`[lookup].backend`). */
  backend: "stac" | "es";
  /** The STAC API client (backend `stac`; it carries its own retry policy). */
  stac?: StacClient;
  /** The collection searched (backend `stac`, `[stac].collection`). */
  collection?: string;
  /** Elasticsearch settings (backend `es`). */
  es?: EsSettings;
  /** Retry policy (backend `es`). */
  policy: TransientPolicy;
  /** Stops retrying when aborted (backend `es`). */
  signal?: AbortSignal;
  /** Called for every retry (backend `es`). */
  onRetry?: (error: TransientError) => void;
}

/**
 * The lookup of the configured backend. Throws `ConfigurationError` when the settings
 * the backend needs are missing.
 */
export function createVersionLookup(options: VersionLookupOptions): VersionLookup {
  if (options.backend === "stac") {
    if (!options.stac || !options.collection) {
      throw new ConfigurationError(
        "[lookup] backend stac needs [stac].base_url and [stac].collection",
      );
    }
    return createStacVersionLookup(options.stac, { collection: options.collection });
  }
  if (options.backend === "es") {
    if (!options.es || !options.es.url || !options.es.index) {
      throw new ConfigurationError(
        "[lookup] backend es needs [elasticsearch].url and [elasticsearch].index",
      );
    }
    return createEsVersionLookup({
      ...options.es,
      policy: options.policy,
      signal: options.signal,
      onRetry: options.onRetry,
    });
  }
  throw new ConfigurationError(`[lookup] backend must be "stac" or "es", not ${options.backend}`);
}
