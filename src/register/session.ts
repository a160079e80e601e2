/**
 * The Handle REST session of one client, opened the way Handle.Net servers do it:
 * `POST /api/sessions` carrying the Basic credentials opens an authenticated session (the
 * answer says `"authenticated": true`; a wrong password still gets 201, with
 * `"error": "Identity not verified"`), then every write names it as
 * `Authorization: Handle sessionId="..."`, so that the server checks the password once
 * per run instead of once per request. An expired or closed session (401) is replaced by
 * a new one; a server without sessions (404, 405 or 501 on `POST /api/sessions`, or an
 * answer without a session id) gets plain Basic credentials on every request.
 *
 * @module
 */

import { ConfigurationError, TransientError } from "../errors/mod.ts";
import { fetchAnswer, type Transport, type TransportAnswer } from "../tls/mod.ts";
import { fetchFailure } from "./fetch_failure.ts";

/** Options of {@linkcode HandleSession}. */
export interface HandleSessionOptions {
  /** Base URL of the server, without a trailing slash. */
  base: string;
  /** The Basic `Authorization` value. */
  basic: string;
  /** The user, for messages. */
  username: string;
  /** Per-request timeout, seconds. */
  timeout: number;
  /** How requests reach the server (its TLS settings); the global `fetch` by default. */
  transport?: Pick<Transport, "request">;
  /** The profile's configuration table (e.g. `handles.profiles.cmip7`), for messages. */
  section?: string;
  /** Whether to try sessions at all; true by default. */
  enabled?: boolean;
}

/** How a client authenticates its writes, decided on first use. */
export class HandleSession {
  readonly #options: HandleSessionOptions;
  #mode: "unknown" | "session" | "basic";
  #id: string | undefined;
  #pending: Promise<void> | undefined;
  #opened = 0;

  /** A session that opens on the first write. */
  constructor(options: HandleSessionOptions) {
    this.#options = options;
    this.#mode = options.enabled === false ? "basic" : "unknown";
  }

  /** How many sessions were opened (and authenticated) so far. */
  get opened(): number {
    return this.#opened;
  }

  /** Whether writes go with a session (false before the first write and without sessions). */
  get active(): boolean {
    return this.#mode === "session";
  }

  /**
   * The `Authorization` value for a write; opens and authenticates the session first
   * when there is none.
   *
   * @throws {ConfigurationError} when the credentials are refused.
   * @throws {TransientError} when the server cannot be reached or fails.
   */
  async header(): Promise<string> {
    while (this.#mode === "unknown") await this.#open();
    return this.#mode === "session" ? sessionHeader(this.#id!) : this.#options.basic;
  }

  /**
   * After a 401 to a write sent with `header`: replaces the session when `header` named
   * the current one. Resolves to whether the write is worth sending again.
   */
  async renew(header: string): Promise<boolean> {
    if (!header.startsWith("Handle ")) return false;
    if (this.#pending === undefined && header === sessionHeader(this.#id ?? "")) {
      this.#mode = "unknown";
      this.#id = undefined;
    }
    await this.header();
    return true;
  }

  /** Closes the session on the server (best effort). */
  async close(): Promise<void> {
    await this.#pending?.catch(() => {});
    if (this.#mode !== "session") return;
    const id = this.#id!;
    this.#mode = "unknown";
    this.#id = undefined;
    try {
      await this.#fetch("DELETE", "/api/sessions/this", sessionHeader(id));
    } catch {
      // the session expires on its own
    }
  }

  #open(): Promise<void> {
    this.#pending ??= this.#openSession().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #openSession(): Promise<void> {
    const opened = await this.#fetch("POST", "/api/sessions", this.#options.basic);
    const text = opened.text;
    if ([404, 405, 501].includes(opened.status)) {
      this.#mode = "basic";
      return;
    }
    this.#check(opened.status, "opening a session");
    const answer = safeJson(text) as
      | { sessionId?: unknown; authenticated?: unknown; error?: unknown }
      | undefined;
    const id = answer?.sessionId;
    if (typeof id !== "string" || id === "") {
      this.#mode = "basic"; // an answer that names no session: a server without sessions
      return;
    }
    if (answer?.authenticated !== true) {
      const why = typeof answer?.error === "string" ? `: ${answer.error}` : "";
      throw new ConfigurationError(
        `Handle service ${this.#options.base} did not authenticate user ${this.#options.username}${why} (check username and password of the profile)`,
      );
    }
    this.#id = id;
    this.#mode = "session";
    this.#opened++;
  }

  #check(status: number, what: string): void {
    if (status >= 200 && status < 300) return;
    const where = `Handle service ${this.#options.base}`;
    if (status === 401 || status === 403) {
      throw new ConfigurationError(
        `${where} refused user ${this.#options.username}: HTTP ${status} ${what}${
          plainHttpHint(this.#options.base)
        }`,
      );
    }
    throw new TransientError(`${where}: HTTP ${status} ${what}`);
  }

  async #fetch(method: string, path: string, authorization?: string): Promise<TransportAnswer> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (authorization !== undefined) headers.Authorization = authorization;
    const url = `${this.#options.base}${path}`;
    const request = { method, headers, timeoutMs: this.#options.timeout * 1000 };
    try {
      return await (this.#options.transport?.request(url, request) ?? fetchAnswer(url, request));
    } catch (error) {
      throw fetchFailure(error, this.#options);
    }
  }
}

/** What to say when credentials were refused over plain HTTP: Handle.Net wants HTTPS. */
export function plainHttpHint(base: string): string {
  return base.startsWith("http://")
    ? " (Handle.Net servers accept credentials only over HTTPS: use https:// in server_url)"
    : "";
}

function sessionHeader(id: string): string {
  return `Handle sessionId="${id}"`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
