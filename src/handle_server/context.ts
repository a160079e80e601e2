/**
 * What every route of the handle server needs: the store, the served prefix, the
 * authenticator and the user's own (read-only) record; and the checks of a request: who
 * calls, who may write (the permission rule in `handler.ts`), and which handle a path names.
 *
 * Handles are stored under their upper-case name (ASCII letters only), as a
 * case-insensitive Handle.Net server stores them; answers repeat the name as the request
 * wrote it.
 *
 * @module
 */

import { type Credentials, userHandle, userPrefix } from "./auth.ts";
import { samePrefix } from "./handle_name.ts";
import { bodyless, HttpError, ResponseCode } from "./http.ts";
import { userRecord } from "./records.ts";
import type { Authenticator, Caller } from "./sessions.ts";
import type { HandleStore } from "./store.ts";
import type { HandleValue } from "./values.ts";

/** Options of {@link HandlerContext}. */
export interface HandlerContextOptions {
  /** The server's one user and the prefix it serves. */
  account: Credentials & { prefix: string };
  /** Checks credentials and keeps the sessions. */
  auth: Authenticator;
  /** Whether authenticated requests must come over HTTPS (403/402 over plain HTTP). */
  httpsOnly?: boolean;
}

/** The handle a request path names. */
export interface HandleTarget {
  /** The handle as the request wrote it (percent-decoded), repeated in answers. */
  handle: string;
  /** Its store key (upper case), or undefined when its prefix is not served here. */
  key: string | undefined;
}

/** The store key of a handle: ASCII letters in upper case. */
export function storeKey(handle: string): string {
  return handle.replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}

/** The state of a handle server's request handler and the checks every request passes. */
export class HandlerContext {
  /** The handles. */
  readonly store: HandleStore;
  /** The prefix the server is responsible for. */
  readonly prefix: string;
  /** Checks credentials and keeps the sessions. */
  readonly auth: Authenticator;
  /** The store key of the user's own handle, when it is under the served prefix. */
  readonly ownKey: string | undefined;
  /** Whether authenticated requests must come over HTTPS. */
  readonly httpsOnly: boolean;
  readonly #ownRecord: readonly HandleValue[] | undefined;
  /** The caller of each request, checked once (a password check is counted once). */
  readonly #callers = new WeakMap<Request, Caller>();

  /** A context over a store; the user's own record is made now. */
  constructor(store: HandleStore, options: HandlerContextOptions) {
    const { account } = options;
    this.store = store;
    this.prefix = account.prefix;
    this.auth = options.auth;
    this.httpsOnly = options.httpsOnly ?? false;
    const ownHandle = userHandle(account.username);
    this.#ownRecord = samePrefix(userPrefix(account.username), account.prefix)
      ? userRecord(account, new Date())
      : undefined;
    this.ownKey = this.#ownRecord === undefined
      ? undefined
      : storeKey(`${account.prefix}/${ownHandle.slice(ownHandle.indexOf("/") + 1)}`);
  }

  /** Whether a request came over plain HTTP to a server that wants HTTPS for credentials. */
  insecure(request: Request): boolean {
    return this.httpsOnly && new URL(request.url).protocol !== "https:";
  }

  /**
   * The caller of a request; failing credentials are answered 401 with an empty body. Over
   * plain HTTP, when the server wants HTTPS, credentials are not looked at: the caller is
   * anonymous.
   */
  caller(request: Request): Caller & { kind: "anonymous" | "user" } {
    if (this.insecure(request)) return { kind: "anonymous" };
    let caller = this.#callers.get(request);
    if (caller === undefined) {
      caller = this.auth.caller(request.headers.get("authorization"));
      this.#callers.set(request, caller);
    }
    if (caller.kind === "refused") throw bodyless(401, caller.reason);
    return caller;
  }

  /**
   * Throws the 403 (plain HTTP), 401 or 403 (permission) answer unless the caller may write;
   * `handle` is the name the answer repeats.
   */
  requireWriter(request: Request, handle: string): void {
    const caller = this.caller(request);
    if (this.insecure(request)) {
      throw new HttpError(403, ResponseCode.AUTHENTICATION_NEEDED, "", handle);
    }
    if (caller.kind !== "user") {
      throw new HttpError(401, ResponseCode.AUTHENTICATION_NEEDED, "", handle);
    }
    const permitted = samePrefix(userPrefix(caller.user), this.prefix) ||
      storeKey(userHandle(caller.user)) === storeKey(`0.NA/${this.prefix}`);
    if (!permitted) {
      throw new HttpError(
        403,
        ResponseCode.INSUFFICIENT_PERMISSIONS,
        `${caller.user} may not administer prefix ${this.prefix}`,
        handle,
      );
    }
  }

  /** Refuses (403/401) a write to the user's own handle, which this server keeps read-only. */
  protectOwn(target: HandleTarget): void {
    if (target.key !== undefined && target.key === this.ownKey) {
      throw new HttpError(
        403,
        ResponseCode.INSUFFICIENT_PERMISSIONS,
        "the user's own handle is read-only on this server",
        target.handle,
      );
    }
  }

  /** The handle of a path's rest after `/api/handles/` (percent-encoded). */
  target(encoded: string): HandleTarget {
    let handle: string;
    try {
      handle = decodeURIComponent(encoded);
    } catch {
      throw new HttpError(400, ResponseCode.INVALID_HANDLE, "Invalid handle", encoded);
    }
    const slash = handle.indexOf("/");
    if (slash < 0 || !samePrefix(handle.slice(0, slash), this.prefix)) {
      return { handle, key: undefined };
    }
    return { handle, key: storeKey(`${this.prefix}/${handle.slice(slash + 1)}`) };
  }

  /** The values of a handle (the user's own record included); undefined when missing. */
  lookup(key: string): readonly HandleValue[] | undefined {
    return key === this.ownKey ? this.#ownRecord : this.store.get(key);
  }
}
