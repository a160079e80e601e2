/**
 * The Handle REST client (`[handle].backend = "rest"`): `PUT …?overwrite=true` with
 * HTTP Basic (percent-encoded indexed-handle user), connection reuse, an adaptive bound
 * on requests in flight (see `adaptive_limit.ts`: it grows while latency holds and
 * shrinks on 429, 5xx, timeouts and growing latency), per-request timeout and bounded
 * retries for 429, 5xx, timeouts and refused connections. See
 * `../shared/spec/handle-api.md`.
 *
 * @module
 */

import { ConfigurationError, PermanentError, TransientError } from "../errors/mod.ts";
import { type HandleRecord, type HandleValue, toHandleValues } from "../records/mod.ts";
import {
  isCertificateError,
  networkReason,
  type TransientPolicy,
  withRetries,
} from "../transient/mod.ts";
import { AdaptiveLimit } from "./adaptive_limit.ts";
import type { RegisterContext, Registrar } from "./types.ts";

/** Options of {@linkcode HandleRestClient}. */
export interface HandleRestOptions {
  /** Base URL, e.g. `https://handle.example.org:8000`. */
  serverUrl: string;
  /** Handle prefix (for `HS_ADMIN`). */
  prefix: string;
  /** Indexed handle user, e.g. `300:21.TEST/testuser`. */
  username: string;
  /** Password (never logged). */
  password: string;
  /** Per-request timeout, seconds. */
  timeout: number;
  /** Requests in flight at the start (the limit adapts from there). */
  concurrency: number;
  /** Upper bound of the adaptive limit (default 256); equal to `concurrency`: a fixed limit. */
  maxConcurrency?: number;
  /** Called whenever the adaptive limit changes (a trace). */
  onLimit?: (limit: number) => void;
  /** PEM file of a site CA to trust in addition to the system's. */
  caFile?: string;
  /** Retry policy for transient failures. */
  policy: TransientPolicy;
  /** Called for every retry (for the `retries` counter). */
  onRetry?: (error: TransientError) => void;
  /** Stops retrying when aborted. */
  signal?: AbortSignal;
}

/** The `Authorization` header value for an indexed-handle user. */
export function basicAuth(username: string, password: string): string {
  const user = encodeURIComponent(username);
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

/** The URL path of a handle: prefix and suffix joined by a literal `/`, the suffix percent-encoded. */
export function handlePath(handle: string): string {
  const slash = handle.indexOf("/");
  const prefix = handle.slice(0, slash);
  const suffix = handle.slice(slash + 1);
  return `/api/handles/${encodeURIComponent(prefix)}/${encodeURIComponent(suffix)}`;
}

/** A client of one Handle server. */
export class HandleRestClient {
  readonly #options: HandleRestOptions;
  readonly #base: string;
  readonly #auth: string;
  readonly #limit: AdaptiveLimit;
  #client?: Deno.HttpClient;

  /** Creates a client; reads `caFile` synchronously when given. */
  constructor(options: HandleRestOptions) {
    this.#options = options;
    this.#base = options.serverUrl.replace(/\/+$/, "");
    this.#auth = basicAuth(options.username, options.password);
    const max = Math.max(options.concurrency, options.maxConcurrency ?? 256);
    this.#limit = new AdaptiveLimit({
      initial: options.concurrency,
      max,
      fixed: max === options.concurrency,
      isOverload: (error) => error instanceof OverloadError,
      onChange: options.onLimit,
    });
    if (options.caFile) {
      this.#client = Deno.createHttpClient({ caCerts: [Deno.readTextFileSync(options.caFile)] });
    }
  }

  /** The current bound on requests in flight. */
  get limit(): number {
    return this.#limit.limit;
  }

  /** Creates or replaces a whole record (`PUT ?overwrite=true`), with retries. */
  async put(record: HandleRecord): Promise<void> {
    const body = JSON.stringify({
      values: toHandleValues(record, { prefix: this.#options.prefix }),
    });
    await this.#request("PUT", record.handle, { body, query: "?overwrite=true" });
  }

  /** Resolves a handle; `undefined` when it does not exist. */
  async get(handle: string): Promise<HandleValue[] | undefined> {
    const response = await this.#request("GET", handle, { allow404: true });
    if (response === undefined) return undefined;
    return (response as { values: HandleValue[] }).values;
  }

  #request(
    method: string,
    handle: string,
    options: { body?: string; query?: string; allow404?: boolean },
  ): Promise<unknown> {
    const policy = this.#options.policy;
    return withRetries(
      () => this.#limit.run(() => this.#once(method, handle, options)),
      policy,
      {
        signal: this.#options.signal,
        onRetry: (_attempt, error) => this.#options.onRetry?.(error),
      },
    );
  }

  async #once(
    method: string,
    handle: string,
    options: { body?: string; query?: string; allow404?: boolean },
  ): Promise<unknown> {
    const url = `${this.#base}${handlePath(handle)}${options.query ?? ""}`;
    const headers: Record<string, string> = { Accept: "application/json" };
    if (method !== "GET") headers.Authorization = this.#auth;
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: options.body,
        signal: AbortSignal.timeout(this.#options.timeout * 1000),
        client: this.#client,
      });
    } catch (error) {
      const reason = networkReason(error, this.#options.timeout);
      if (error instanceof DOMException && error.name === "TimeoutError") {
        throw new OverloadError(`Handle service ${this.#base}: ${reason}`);
      }
      if (isCertificateError(error)) {
        throw new ConfigurationError(
          `Handle service ${this.#base}: TLS: ${reason}; trust its CA with [handle].ca_file`,
        );
      }
      throw new TransientError(`Handle service ${this.#base}: ${reason}`);
    }
    const text = await response.text();
    if (response.ok) return text ? safeJson(text) : undefined;
    const detail = describeBody(text);
    const status = response.status;
    if (status === 404 && options.allow404) return undefined;
    if (status >= 500 || status === 429) {
      throw new OverloadError(
        `Handle service ${this.#base}: HTTP ${status} for ${handle}${detail}`,
      );
    }
    if (status === 401 || status === 403) {
      throw new ConfigurationError(
        `Handle service ${this.#base} refused user ${this.#options.username}: HTTP ${status}${detail}`,
      );
    }
    throw new PermanentError(`Handle service rejected ${handle}: HTTP ${status}${detail}`);
  }

  /** Releases the TLS client, if any. */
  close(): void {
    this.#client?.close();
    this.#client = undefined;
  }
}

/** A transient failure that tells of an overloaded server: 429, 5xx or no answer in time. */
class OverloadError extends TransientError {}

/** Registers records through a {@linkcode HandleRestClient}: files in parallel, then the dataset. */
export class RestRegistrar implements Registrar {
  readonly #client: HandleRestClient;

  /** A registrar on top of a client. */
  constructor(client: HandleRestClient) {
    this.#client = client;
  }

  /** The client's current bound on requests in flight. */
  get requestLimit(): number {
    return this.#client.limit;
  }

  /** Registers all but the last record in parallel, then the last one. */
  async register(records: HandleRecord[], _context: RegisterContext): Promise<void> {
    if (records.length === 0) return;
    const head = records.slice(0, -1);
    const results = await Promise.allSettled(head.map((r) => this.#client.put(r)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw worstError(results);
    await this.#client.put(records[records.length - 1]);
  }

  /** Closes the client. */
  close(): Promise<void> {
    this.#client.close();
    return Promise.resolve();
  }
}

/** Of several failures, the one that decides the event's fate: configuration > transient > permanent. */
function worstError(results: PromiseSettledResult<unknown>[]): unknown {
  const errors = results.filter((r): r is PromiseRejectedResult => r.status === "rejected")
    .map((r) => r.reason);
  return errors.find((e) => e instanceof ConfigurationError) ??
    errors.find((e) => e instanceof TransientError) ?? errors[0];
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describeBody(text: string): string {
  const body = safeJson(text) as { responseCode?: number; message?: string } | string;
  if (typeof body === "object" && body !== null) {
    const code = body.responseCode !== undefined ? ` responseCode ${body.responseCode}` : "";
    const message = body.message ? `: ${body.message}` : "";
    return `${code}${message}`.replace(/\s+/g, " ");
  }
  return "";
}
