/**
 * The previous-version lookup against a STAC API (`[lookup] backend = "stac"`).
 *
 * It uses STAC API item search with the Filter extension, over GET so that every
 * page is a plain URL:
 *
 * ```
 * GET {base}/search?collections={collection}&limit=100&filter-lang=cql2-text&filter={filter}
 * ```
 *
 * For a CMIP6 dataset id (`CMIP6.<activity>.<institution>.<source>.<experiment>.<member>.<table>.<variable>.<grid>`)
 * the filter is the conjunction of the facets the items carry as `cmip6:*` properties:
 * `"cmip6:activity_id"`, `"cmip6:institution_id"`, `"cmip6:source_id"`,
 * `"cmip6:experiment_id"`, `"cmip6:variant_label"` (the member without its
 * sub-experiment, `s1960-r1i1p1f1` → `r1i1p1f1`), `"cmip6:table_id"` and
 * `"cmip6:grid_label"`. `cmip6:variable_id` is left out on purpose: real items lack it
 * (the MRI HighResMIP sample does), and a filter on it would hide their versions; the
 * variable is checked on our side instead, since only items whose dataset id equals the
 * item's own count. For other projects, whose property names differ, the filter is
 * `id LIKE '<dataset id>.v%'`.
 *
 * Pagination follows the `links` entry with `rel` `next` (its `href`, absolute or
 * relative to the page, fetched with GET) until there is none, or a page repeats. A next
 * link that demands another method than GET is a permanent error of the service setup.
 * Every page is fetched through {@linkcode StacClient.getJson}, with its retries: an
 * unreachable service, a timeout or HTTP 5xx end as a `TransientError`.
 *
 * @module
 */

import { PermanentError, TransientError } from "../errors/mod.ts";
import type { VersionLookup } from "../pipeline/mod.ts";
import type { StacClient } from "../stac/mod.ts";
import { datasetIdOf, newestLowerVersion } from "./versions.ts";

/** Items asked for per page. */
export const STAC_PAGE_LIMIT = 100;

/** Pages read at most for one lookup (a guard against a service that pages forever). */
export const STAC_MAX_PAGES = 1000;

/** The CMIP6 dataset-id segments used in the filter: position → property name. */
const CMIP6_FACETS: ReadonlyArray<readonly [number, string]> = [
  [1, "cmip6:activity_id"],
  [2, "cmip6:institution_id"],
  [3, "cmip6:source_id"],
  [4, "cmip6:experiment_id"],
  [5, "cmip6:variant_label"],
  [6, "cmip6:table_id"],
  [8, "cmip6:grid_label"],
];

/** Options of {@linkcode createStacVersionLookup}. */
export interface StacVersionLookupOptions {
  /** The collection searched (`[stac].collection`). */
  collection: string;
}

/**
 * The CQL2 text filter that selects the candidate versions of a dataset; see the module
 * documentation.
 *
 * @example
 * ```ts
 * stacSearchFilter("CMIP6.CMIP.MRI.M.historical.r1i1p1f1.Amon.tas.gn");
 * // "cmip6:activity_id" = 'CMIP' AND ... AND "cmip6:grid_label" = 'gn'
 * ```
 */
export function stacSearchFilter(datasetId: string): string {
  const segments = datasetId.split(".");
  if (segments.length === 9 && segments[0] === "CMIP6" && segments.every((s) => s !== "")) {
    return CMIP6_FACETS.map(([index, property]) => {
      const value = property === "cmip6:variant_label"
        ? segments[index].slice(segments[index].lastIndexOf("-") + 1)
        : segments[index];
      return `"${property}" = ${cql2String(value)}`;
    }).join(" AND ");
  }
  return `id LIKE ${cql2String(`${datasetId}.v%`)}`;
}

/** The path and query of the first search page for a dataset id. */
export function stacSearchPath(collection: string, datasetId: string): string {
  const query: Array<[string, string]> = [
    ["collections", collection],
    ["limit", String(STAC_PAGE_LIMIT)],
    ["filter-lang", "cql2-text"],
    ["filter", stacSearchFilter(datasetId)],
  ];
  // encodeURIComponent rather than URLSearchParams: a space is `%20`, never `+`.
  return `/search?${query.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join("&")}`;
}

/**
 * A {@linkcode VersionLookup} that searches `collection` of the STAC API behind `client`
 * and picks the newest lower version among the items found.
 */
export function createStacVersionLookup(
  client: StacClient,
  options: StacVersionLookupOptions,
): VersionLookup {
  return {
    async previousVersion(itemId: string): Promise<string | undefined> {
      const datasetId = datasetIdOf(itemId);
      if (datasetId === "") return undefined;
      const ids = await searchItemIds(client, options.collection, datasetId);
      return newestLowerVersion(itemId, ids);
    },
  };
}

/** Every item id the search finds, over all pages. */
async function searchItemIds(
  client: StacClient,
  collection: string,
  datasetId: string,
): Promise<string[]> {
  const ids: string[] = [];
  const seen = new Set<string>();
  let url: string | undefined = `${client.baseUrl}${stacSearchPath(collection, datasetId)}`;
  for (let page = 1; url !== undefined && page <= STAC_MAX_PAGES; page++) {
    seen.add(url);
    const body = await client.getJson(url, {
      what: `search for versions of ${datasetId} (page ${page})`,
    });
    const { features, next } = readPage(body, url, client.baseUrl);
    ids.push(...features);
    url = next !== undefined && !seen.has(next) ? next : undefined;
  }
  return ids;
}

/** The item ids of a search page and the URL of the next page, if any. */
function readPage(
  body: unknown,
  pageUrl: string,
  baseUrl: string,
): { features: string[]; next?: string } {
  if (!isRecord(body) || !Array.isArray(body.features)) {
    throw new TransientError(`STAC API ${baseUrl}: search answer has no "features" list`);
  }
  const features = body.features
    .map((feature) => isRecord(feature) ? feature.id : undefined)
    .filter((id): id is string => typeof id === "string");
  const links = Array.isArray(body.links) ? body.links : [];
  const link = links.find((l) => isRecord(l) && l.rel === "next" && typeof l.href === "string");
  if (!isRecord(link)) return { features };
  const method = typeof link.method === "string" ? link.method.toUpperCase() : "GET";
  if (method !== "GET") {
    throw new PermanentError(
      `STAC API ${baseUrl}: the next search page wants ${method}, only GET is followed`,
    );
  }
  return { features, next: new URL(String(link.href), pageUrl).href };
}

/** A CQL2 character literal: single quotes, inner quotes doubled. */
function cql2String(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
