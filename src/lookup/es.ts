/**
 * The previous-version lookup against Elasticsearch (`[lookup] backend = "es"`), as the
 * reference does it: the index (`[elasticsearch].index`) holds the dataset Handle
 * records, and a `term` query on `DATASET_ID` finds every version of a dataset.
 *
 * ```
 * POST {url}/{index}/_search
 * {"query": {"term": {"DATASET_ID": "<dataset id>"}}, "size": 100, "from": 0,
 *  "_source": ["DATASET_ID", "DATASET_VERSION"], "sort": ["_doc"]}
 * ```
 *
 * A hit's item id is `<DATASET_ID>.<DATASET_VERSION>` of its `_source` (a value may also
 * be a one-element list, as Handle values can be). More than 100 hits are read page by
 * page with `from` while `hits.total` says there are more.
 *
 * Errors: unreachable, timeout, HTTP 408, 429 and 5xx, and an answer that is not JSON are
 * a `TransientError`, retried by {@linkcode withRetries}; HTTP 401, 403 (credentials)
 * and 404 (no such index) are a `ConfigurationError`; other 4xx a `PermanentError`.
 * HTTP Basic authentication is sent when a user name is configured.
 *
 * @module
 */

import {
  ConfigurationError,
  PermanentError,
  permissionRefusal,
  TransientError,
} from "../errors/mod.ts";
import type { VersionLookup } from "../pipeline/mod.ts";
import { networkReason, type TransientPolicy, withRetries } from "../transient/mod.ts";
import { datasetIdOf, newestLowerVersion } from "./versions.ts";

/** Hits asked for per request. */
export const ES_PAGE_SIZE = 100;

/** Hits read at most for one lookup (the default `index.max_result_window`). */
export const ES_MAX_HITS = 10_000;

/** Options of {@linkcode createEsVersionLookup}. */
export interface EsVersionLookupOptions {
  /** Base URL of Elasticsearch (`[elasticsearch].url`). */
  url: string;
  /** The index of dataset records (`[elasticsearch].index`). */
  index: string;
  /** User name for HTTP Basic; none = no authentication. */
  username?: string;
  /** Password for HTTP Basic. */
  password?: string;
  /** Per-request timeout, seconds. */
  timeout: number;
  /** Retry policy. */
  policy: TransientPolicy;
  /** Stops retrying when aborted. */
  signal?: AbortSignal;
  /** Called for every retry. */
  onRetry?: (error: TransientError) => void;
}

/** The `_search` request body for one page of the versions of a dataset. */
export function esSearchBody(datasetId: string, from: number): Record<string, unknown> {
  return {
    query: { term: { DATASET_ID: datasetId } },
    size: ES_PAGE_SIZE,
    from,
    _source: ["DATASET_ID", "DATASET_VERSION"],
    sort: ["_doc"],
  };
}

/**
 * A {@linkcode VersionLookup} that queries the `_search` endpoint of an Elasticsearch
 * index and picks the newest lower version among the hits.
 */
export function createEsVersionLookup(options: EsVersionLookupOptions): VersionLookup {
  const base = options.url.replace(/\/+$/, "");
  const endpoint = `${base}/${encodeURIComponent(options.index)}/_search`;
  const headers: Record<string, string> = {
    Accept: "application/json",
    "Content-Type": "application/json",
  };
  if (options.username) {
    const token = new TextEncoder().encode(`${options.username}:${options.password ?? ""}`);
    headers.Authorization = `Basic ${btoa(String.fromCharCode(...token))}`;
  }

  async function once(body: Record<string, unknown>): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeout * 1000),
      });
    } catch (error) {
      const refused = permissionRefusal(error, `Elasticsearch ${base}`);
      if (refused) throw refused;
      const reason = networkReason(error, options.timeout);
      throw new TransientError(`Elasticsearch ${base}: ${reason}`);
    }
    const text = await response.text();
    const status = response.status;
    if (status === 408 || status === 429 || status >= 500) {
      throw new TransientError(`Elasticsearch ${base}: HTTP ${status} for index ${options.index}`);
    }
    if (status === 401 || status === 403) {
      throw new ConfigurationError(
        `Elasticsearch ${base}: HTTP ${status}, check [elasticsearch] username and password`,
      );
    }
    if (status === 404) {
      throw new ConfigurationError(
        `Elasticsearch ${base}: HTTP 404, no index ${options.index} ([elasticsearch].index)`,
      );
    }
    if (!response.ok) {
      throw new PermanentError(`Elasticsearch ${base}: HTTP ${status} for index ${options.index}`);
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new TransientError(`Elasticsearch ${base}: answer is not JSON`);
    }
  }

  function search(body: Record<string, unknown>): Promise<unknown> {
    return withRetries(() => once(body), options.policy, {
      signal: options.signal,
      onRetry: (_attempt, error) => options.onRetry?.(error),
    });
  }

  return {
    async previousVersion(itemId: string): Promise<string | undefined> {
      const datasetId = datasetIdOf(itemId);
      if (datasetId === "") return undefined;
      const ids: string[] = [];
      for (let from = 0; from < ES_MAX_HITS; from += ES_PAGE_SIZE) {
        const page = readHits(await search(esSearchBody(datasetId, from)), base);
        ids.push(...page.ids);
        if (page.count < ES_PAGE_SIZE || from + page.count >= page.total) break;
      }
      return newestLowerVersion(itemId, ids);
    },
  };
}

/** The item ids of one answer, how many hits it held, and how many there are in all. */
function readHits(body: unknown, base: string): { ids: string[]; count: number; total: number } {
  const hits = isRecord(body) && isRecord(body.hits) ? body.hits : undefined;
  if (!hits || !Array.isArray(hits.hits)) {
    throw new TransientError(`Elasticsearch ${base}: search answer has no "hits" list`);
  }
  const ids: string[] = [];
  for (const hit of hits.hits) {
    const source = isRecord(hit) && isRecord(hit._source) ? hit._source : {};
    const datasetId = textValue(source.DATASET_ID);
    const version = textValue(source.DATASET_VERSION);
    if (datasetId && version) ids.push(`${datasetId}.${version}`);
  }
  const total = isRecord(hits.total)
    ? Number(hits.total.value)
    : typeof hits.total === "number"
    ? hits.total
    : hits.hits.length;
  return { ids, count: hits.hits.length, total: Number.isFinite(total) ? total : 0 };
}

/** A string, or the string of a one-element list. */
function textValue(value: unknown): string | undefined {
  const single = Array.isArray(value) && value.length === 1 ? value[0] : value;
  return typeof single === "string" && single !== "" ? single : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
