/**
 * Who a request speaks for, as the Handle.Net server decides it: HTTP Basic credentials,
 * or a session named by `Authorization: Handle sessionId="..."` alone. A session is
 * authenticated once, by the Basic credentials of the `POST /api/sessions` that opens it;
 * a header that combines both schemes is not understood. Sessions expire after a time
 * without use. Every password check is counted.
 *
 * @module
 */

import { type AuthResult, checkBasicAuth, type Credentials } from "./auth.ts";

/** One open session. */
export interface Session {
  /** The session's id, as the client names it. */
  id: string;
  /** A random nonce (for the signed-challenge flow, which this server does not offer). */
  nonce: string;
  /** The authenticated user, once authenticated. */
  user: string | undefined;
  /** When the session expires unless used, ms since the epoch. */
  expires: number;
}

/** Options of {@link Authenticator}. */
export interface AuthenticatorOptions {
  /** The account the server knows. */
  credentials: Credentials;
  /** Whether sessions are offered; true by default. */
  sessions?: boolean;
  /** Milliseconds a session lives without use; 30 minutes by default. */
  sessionTtlMs?: number;
  /** The clock (tests). */
  now?: () => number;
}

/**
 * The caller of a request: `anonymous` (no credentials, or a session that is not
 * authenticated), `user`, or `refused` (credentials that fail, an unknown session, a header
 * the server does not understand), which the server answers 401 with an empty body.
 */
export type Caller =
  | { kind: "anonymous"; session?: Session }
  | { kind: "user"; user: string; session?: Session }
  | { kind: "refused"; reason: string };

/** What `Authorization` says about a session: none named, a known one, or an unknown id. */
export type NamedSession =
  | { kind: "none" }
  | { kind: "known"; session: Session }
  | { kind: "unknown" };

const MAX_SESSIONS = 10_000;
const DEFAULT_SESSION_TTL_MS = 30 * 60_000;
const SESSION_HEADER = /^\s*Handle\s+sessionId\s*=\s*"([^"]*)"\s*$/i;
const BASIC_HEADER = /^\s*Basic\s/i;

/** Checks credentials and keeps the sessions. */
export class Authenticator {
  readonly #credentials: Credentials;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #sessions = new Map<string, Session>();
  /** Whether sessions are offered. */
  readonly sessionsEnabled: boolean;
  #passwordChecks = 0;

  /** An authenticator for one account. */
  constructor(options: AuthenticatorOptions) {
    this.#credentials = options.credentials;
    this.#ttlMs = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
    this.#now = options.now ?? Date.now;
    this.sessionsEnabled = options.sessions ?? true;
  }

  /** How many times a password was checked. */
  get passwordChecks(): number {
    return this.#passwordChecks;
  }

  /**
   * Opens a session for `POST /api/sessions`: authenticated when the header holds valid
   * Basic credentials; with failing ones the session is opened anyway, unauthenticated,
   * and `result` says why.
   */
  open(header: string | null): { session: Session; result: AuthResult } {
    const result: AuthResult = header !== null && BASIC_HEADER.test(header)
      ? this.#check(header)
      : { kind: "missing" };
    if (this.#sessions.size >= MAX_SESSIONS) {
      this.#sessions.delete(this.#sessions.keys().next().value!);
    }
    const session: Session = {
      id: sessionId(),
      nonce: btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16)))),
      user: result.kind === "ok" ? result.user : undefined,
      expires: this.#now() + this.#ttlMs,
    };
    this.#sessions.set(session.id, session);
    return { session, result };
  }

  /** Closes a session. */
  close(session: Session): void {
    this.#sessions.delete(session.id);
  }

  /** The session a header names, when it names one and nothing else. */
  named(header: string | null): NamedSession {
    const id = header === null || !this.sessionsEnabled
      ? undefined
      : SESSION_HEADER.exec(header)?.[1];
    if (id === undefined) return { kind: "none" };
    const session = this.#sessions.get(id);
    const now = this.#now();
    if (session === undefined || session.expires <= now) {
      if (session !== undefined) this.#sessions.delete(id);
      return { kind: "unknown" };
    }
    session.expires = now + this.#ttlMs;
    return { kind: "known", session };
  }

  /** The caller of a request on `/api/handles`. */
  caller(header: string | null): Caller {
    if (header === null || header.trim() === "") return { kind: "anonymous" };
    if (BASIC_HEADER.test(header)) {
      const result = this.#check(header);
      return result.kind === "ok"
        ? { kind: "user", user: result.user }
        : { kind: "refused", reason: result.kind === "failed" ? result.reason : "missing" };
    }
    const named = this.named(header);
    if (named.kind === "known") {
      const { session } = named;
      return session.user === undefined
        ? { kind: "anonymous", session }
        : { kind: "user", user: session.user, session };
    }
    return {
      kind: "refused",
      reason: named.kind === "unknown"
        ? "the session is unknown or has expired"
        : "unsupported authorization",
    };
  }

  #check(basic: string): AuthResult {
    this.#passwordChecks++;
    return checkBasicAuth(basic.trim(), this.#credentials);
  }
}

/** A session id like the real server's: 25 lowercase letters and digits. */
function sessionId(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(crypto.getRandomValues(new Uint8Array(25)), (b) => alphabet[b % 36]).join("");
}

/** A session as `GET /api/sessions/this` answers it. */
export function describeSession(session: Session): Record<string, unknown> {
  const description: Record<string, unknown> = { sessionId: session.id, nonce: session.nonce };
  if (session.user !== undefined) {
    description.authenticated = true;
    description.id = session.user;
  }
  return description;
}
