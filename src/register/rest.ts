/**
 * The Handle REST client (`[handle].backend = "rest"`): `PUT …?overwrite=true` in one
 * session per client (authenticated once with HTTP Basic, percent-encoded indexed-handle
 * user; plain Basic on servers without sessions), connection reuse, an adaptive bound on
 * requests in flight (see `adaptive_limit.ts`: it grows while latency holds and shrinks on
 * 429, 5xx, timeouts and growing latency), per-request timeout and bounded retries for
 * 429, 5xx, timeouts and refused connections. See `docs/handle-api.md`.
 *
 * @module
 */

import { ConfigurationError, PermanentError, TransientError } from "../errors/mod.ts";
import { type HandleRecord, type HandleValue, toHandleValues } from "../records/mod.ts";
import { retryAfterCause, type TransientPolicy, withRetries } from "../transient/mod.ts";
import {
  createTransport,
  type TlsSettings,
  type Transport,
  type TransportAnswer,
} from "../tls/mod.ts";
import { AdaptiveLimit, type LimitTurn } from "./adaptive_limit.ts";
import { fetchFailure } from "./fetch_failure.ts";
import { HandleSession, plainHttpHint } from "./session.ts";
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
  /** How to verify the server's certificate (CA file, pin, or none); see `src/tls/`. */
  tls?: TlsSettings;
  /** The profile's configuration table (e.g. `handles.profiles.cmip7`), for messages. */
  section?: string;
  /** Retry policy for transient failures. */
  policy: TransientPolicy;
  /** Called for every retry (for the `retries` counter). */
  onRetry?: (error: TransientError) => void;
  /** Stops retrying when aborted. */
  signal?: AbortSignal;
  /** Called after every request with its status (undefined: no response) and duration. */
  onResponse?: (response: { method: string; status?: number; seconds: number }) => void;
  /** Whether to use a session (`POST /api/sessions`); true by default. */
  sessions?: boolean;
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

/** A successful answer: its status and parsed body. */
interface Answer {
  status: number;
  body: unknown;
}

/** A client of one Handle server. */
export class HandleRestClient {
  readonly #options: HandleRestOptions;
  readonly #base: string;
  readonly #limit: AdaptiveLimit;
  readonly #session: HandleSession;
  readonly #transport: Transport;

  /**
   * Creates a client; reads the CA file of `tls` synchronously when given.
   *
   * @throws {Error} when the TLS settings are unusable (a pin that is no SHA-256, an unreadable CA file).
   */
  constructor(options: HandleRestOptions) {
    this.#options = options;
    this.#base = options.serverUrl.replace(/\/+$/, "");
    const max = Math.max(options.concurrency, options.maxConcurrency ?? 256);
    this.#limit = new AdaptiveLimit({
      initial: options.concurrency,
      max,
      fixed: max === options.concurrency,
      isOverload: (error) => error instanceof OverloadError,
      onChange: options.onLimit,
    });
    this.#transport = createTransport(options.tls ?? {});
    this.#session = new HandleSession({
      base: this.#base,
      basic: basicAuth(options.username, options.password),
      username: options.username,
      timeout: options.timeout,
      transport: this.#transport,
      section: options.section,
      enabled: options.sessions,
    });
  }

  /** The current bound on requests in flight. */
  get limit(): number {
    return this.#limit.limit;
  }

  /** How many sessions this client opened (0 against a server without sessions). */
  get sessionsOpened(): number {
    return this.#session.opened;
  }

  /**
   * Creates or replaces a whole record (`PUT ?overwrite=true`), with retries; resolves
   * to whether the server created it (201) or replaced it.
   */
  async put(record: HandleRecord): Promise<"created" | "replaced"> {
    const body = JSON.stringify({
      values: toHandleValues(record, { prefix: this.#options.prefix }),
    });
    const answer = await this.#request("PUT", record.handle, { body, query: "?overwrite=true" });
    return answer?.status === 201 ? "created" : "replaced";
  }

  /**
   * Creates or replaces a record from raw values (`PUT ?overwrite=true`), as they are, e.g.
   * the values of a record read with {@linkcode HandleRestClient.get} and amended.
   */
  async putValues(handle: string, values: HandleValue[]): Promise<"created" | "replaced"> {
    const body = JSON.stringify({ values });
    const answer = await this.#request("PUT", handle, { body, query: "?overwrite=true" });
    return answer?.status === 201 ? "created" : "replaced";
  }

  /** Resolves a handle; `undefined` when it does not exist. */
  async get(handle: string): Promise<HandleValue[] | undefined> {
    const answer = await this.#request("GET", handle, { allow404: true });
    if (answer === undefined) return undefined;
    return (answer.body as { values: HandleValue[] }).values;
  }

  #request(
    method: string,
    handle: string,
    options: { body?: string; query?: string; allow404?: boolean },
  ): Promise<Answer | undefined> {
    const policy = this.#options.policy;
    return withRetries(
      async () => {
        // the session is opened before the request takes its turn: waiting for the login
        // is no latency of the request for the adaptive limit
        const auth = method === "GET" ? undefined : await this.#session.header();
        return this.#limit.run((turn) => this.#once(method, handle, { ...options, auth, turn }));
      },
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
    options: {
      body?: string;
      query?: string;
      allow404?: boolean;
      auth?: string;
      renewed?: boolean;
      turn?: LimitTurn;
    },
  ): Promise<Answer | undefined> {
    const url = `${this.#base}${handlePath(handle)}${options.query ?? ""}`;
    const headers: Record<string, string> = { Accept: "application/json" };
    const auth = options.auth;
    if (auth !== undefined) headers.Authorization = auth;
    if (options.body !== undefined) headers["Content-Type"] = "application/json; charset=utf-8";
    let response: TransportAnswer;
    const started = performance.now();
    const report = (status?: number): void =>
      this.#options.onResponse?.({ method, status, seconds: (performance.now() - started) / 1000 });
    try {
      response = await this.#transport.request(url, {
        method,
        headers,
        body: options.body,
        timeoutMs: this.#options.timeout * 1000,
      });
    } catch (error) {
      report();
      const failure = fetchFailure(error, {
        base: this.#base,
        timeout: this.#options.timeout,
        section: this.#options.section,
      });
      // No answer in time: a sign of overload for the adaptive limit.
      const timeout = error instanceof DOMException && error.name === "TimeoutError";
      throw timeout ? new OverloadError(failure.message) : failure;
    }
    // a new connection's handshake is no latency of the server's answer
    options.turn?.exclude(response.connectMs ?? 0);
    const { status, text } = response;
    report(status);
    if (status >= 200 && status < 300) return { status, body: text ? safeJson(text) : undefined };
    const detail = describeBody(text);
    if (status === 404 && options.allow404) return undefined;
    if (status >= 500 || status === 429) {
      throw new OverloadError(
        `Handle service ${this.#base}: HTTP ${status} for ${handle}${detail}`,
        { cause: retryAfterCause(response.headers) }, // a consume waiting it out honours it
      );
    }
    if (status === 401 && auth !== undefined && !options.renewed) {
      // the session expired or was closed: a new one, and the request once more
      if (await this.#session.renew(auth)) {
        const renewed = await this.#session.header();
        return this.#once(method, handle, { ...options, auth: renewed, renewed: true });
      }
    }
    if (status === 401 || status === 403) {
      const hint = auth !== undefined ? plainHttpHint(this.#base) : "";
      throw new ConfigurationError(
        `Handle service ${this.#base} refused user ${this.#options.username}: HTTP ${status}${detail}${hint}`,
      );
    }
    throw new PermanentError(`Handle service rejected ${handle}: HTTP ${status}${detail}`);
  }

  /** How this client verifies the server's certificate. */
  get verification(): Transport["verification"] {
    return this.#transport.verification;
  }

  /** Closes the session on the server, then releases the connections. */
  async close(): Promise<void> {
    await this.#session.close();
    this.#transport.close();
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
    return this.#client.close();
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
