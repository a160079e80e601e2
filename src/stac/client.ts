/**
 * A client of the STAC API: fetches the item a PATCH event applies to, probes the
 * service at start, and searches items (for the previous-version lookup).
 * Unreachable, timeouts, 5xx and 404 for an item are transient.
 *
 * @module
 */

import { PermanentError, permissionRefusal, TransientError } from "../errors/mod.ts";
import type { StacItem } from "../events/item.ts";
import {
  networkReason,
  retryAfterCause,
  type TransientPolicy,
  withRetries,
} from "../transient/mod.ts";

/** Options of {@linkcode StacClient}. */
export interface StacClientOptions {
  /** Base URL of the STAC API. */
  baseUrl: string;
  /** Per-request timeout, seconds. */
  timeout: number;
  /** Retry policy. */
  policy: TransientPolicy;
  /** Called for every retry. */
  onRetry?: (error: TransientError) => void;
  /** Stops retrying when aborted. */
  signal?: AbortSignal;
}

/** A STAC API client. */
export class StacClient {
  readonly #options: StacClientOptions;
  readonly #base: string;

  /** Creates a client. */
  constructor(options: StacClientOptions) {
    this.#options = options;
    this.#base = options.baseUrl.replace(/\/+$/, "");
  }

  /** The base URL. */
  get baseUrl(): string {
    return this.#base;
  }

  /**
   * `GET /collections/{collection}/items/{item}`, with retries. Both ids are
   * percent-encoded; an id that is empty, `.` or `..`, or holds a slash, a backslash or
   * a control character would name another resource and is a permanent failure.
   */
  fetchItem(collectionId: string, itemId: string): Promise<StacItem> {
    for (const [name, id] of [["item_id", itemId], ["collection_id", collectionId]]) {
      const problem = pathSegmentProblem(id);
      if (problem) {
        const shown = id.length > 80 ? `${id.slice(0, 80)}…` : id;
        return Promise.reject(
          new PermanentError(`PATCH ${name} ${JSON.stringify(shown)}: ${problem}`),
        );
      }
    }
    const path = `/collections/${encodeURIComponent(collectionId)}/items/${
      encodeURIComponent(itemId)
    }`;
    return this.getJson(path, { what: `item ${itemId}` }) as Promise<StacItem>;
  }

  /** Probes the landing page once (no retries); throws `TransientError` when it is down. */
  async probe(): Promise<void> {
    await this.#once(`${this.#base}/`, "landing page");
  }

  /** GETs a path or absolute URL as JSON, with retries. */
  getJson(pathOrUrl: string, options: { what: string }): Promise<unknown> {
    const url = pathOrUrl.startsWith("http") ? pathOrUrl : `${this.#base}${pathOrUrl}`;
    return withRetries(() => this.#once(url, options.what), this.#options.policy, {
      signal: this.#options.signal,
      onRetry: (_attempt, error) => this.#options.onRetry?.(error),
    });
  }

  async #once(url: string, what: string): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { Accept: "application/json" },
        signal: AbortSignal.timeout(this.#options.timeout * 1000),
      });
    } catch (error) {
      const refused = permissionRefusal(error, `STAC API ${this.#base}`);
      if (refused) throw refused;
      const reason = networkReason(error, this.#options.timeout);
      throw new TransientError(`STAC API ${this.#base}: ${reason} (${what})`);
    }
    const text = await response.text();
    if (response.status === 404 || response.status === 429 || response.status >= 500) {
      throw new TransientError(`STAC API ${this.#base}: HTTP ${response.status} for ${what}`, {
        cause: retryAfterCause(response.headers), // a consume waiting it out honours it
      });
    }
    if (!response.ok) {
      throw new PermanentError(`STAC API ${this.#base}: HTTP ${response.status} for ${what}`);
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new TransientError(`STAC API ${this.#base}: answer for ${what} is not JSON`);
    }
  }
}

/** Why a text cannot be one segment of a URL path (undefined when it can). */
export function pathSegmentProblem(id: string): string | undefined {
  if (id === "") return "is empty";
  if (id === "." || id === "..") return "is a relative path segment";
  if (/[/\\]/.test(id)) return "holds a slash";
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(id)) return "holds a control character";
  return undefined;
}
