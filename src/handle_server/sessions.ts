/**
 * Who a request speaks for: HTTP Basic credentials, a session (`Authorization: Handle
 * sessionId="..."`), or both at once, which authenticates the session with the
 * credentials so that later requests need only the session. Sessions expire after a
 * time without use. Every password check is counted.
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

/** What the `Authorization` header of a request says, once checked. */
export interface RequestAuth {
  /** The caller's standing. */
  result: AuthResult;
  /** The session named by the request, if any and still open. */
  session?: Session;
}

const MAX_SESSIONS = 10_000;
const DEFAULT_SESSION_TTL_MS = 30 * 60_000;

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

  /** Opens a session, authenticated when the request carries valid Basic credentials. */
  open(header: string | null): { session?: Session; result: AuthResult } {
    const basic = basicPart(header);
    const result = basic === undefined ? { kind: "missing" as const } : this.#check(basic);
    if (result.kind === "failed") return { result };
    if (this.#sessions.size >= MAX_SESSIONS) {
      this.#sessions.delete(this.#sessions.keys().next().value!);
    }
    const session: Session = {
      id: crypto.randomUUID(),
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

  /**
   * Checks a request's `Authorization` header (several schemes may be given, separated by
   * commas, as repeated headers are joined). A named session that is unknown or expired
   * fails; Basic credentials given with a session authenticate it.
   */
  authenticate(header: string | null): RequestAuth {
    const basic = basicPart(header);
    const id = this.sessionsEnabled ? sessionPart(header) : undefined;
    if (id === undefined) {
      if (basic !== undefined) return { result: this.#check(basic) };
      if (header !== null && header.trim() !== "") {
        return { result: { kind: "failed", reason: "unsupported authorization scheme" } };
      }
      return { result: { kind: "missing" } };
    }
    const session = this.#sessions.get(id);
    const now = this.#now();
    if (session === undefined || session.expires <= now) {
      if (session !== undefined) this.#sessions.delete(id);
      return { result: { kind: "failed", reason: "the session is unknown or has expired" } };
    }
    session.expires = now + this.#ttlMs;
    if (basic !== undefined) {
      const result = this.#check(basic);
      if (result.kind === "ok") session.user = result.user;
      return { result, session };
    }
    if (session.user === undefined) return { result: { kind: "missing" }, session };
    return { result: { kind: "ok", user: session.user }, session };
  }

  #check(basic: string): AuthResult {
    this.#passwordChecks++;
    return checkBasicAuth(basic, this.#credentials);
  }
}

function basicPart(header: string | null): string | undefined {
  const match = header === null ? null : /(?:^|,)\s*(Basic\s+[A-Za-z0-9+/=_-]+)/i.exec(header);
  return match?.[1];
}

function sessionPart(header: string | null): string | undefined {
  if (header === null || !/(?:^|,)\s*Handle\s/i.test(header)) return undefined;
  return /sessionId\s*=\s*"([^"]*)"/i.exec(header)?.[1];
}

/** A session as `GET /api/sessions/this` answers it. */
export function describeSession(session: Session): Record<string, unknown> {
  const description: Record<string, unknown> = {
    sessionId: session.id,
    nonce: session.nonce,
    authenticated: session.user !== undefined,
  };
  if (session.user !== undefined) description.id = session.user;
  return description;
}
