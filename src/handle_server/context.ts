/**
 * What every route of the handle server needs: the store, the served prefix, the
 * authenticator and the user's own (read-only) record; and the checks of a request: who
 * calls, who may write (the permission rule in `handler.ts`), and which handle a path names.
 *
 * @module
 */

import { type Credentials, userHandle, userPrefix } from "./auth.ts";
import { InvalidHandleError, parseHandlePath, samePrefix } from "./handle_name.ts";
import { HttpError, ResponseCode } from "./http.ts";
import { userRecord } from "./records.ts";
import type { Authenticator, RequestAuth } from "./sessions.ts";
import type { HandleStore } from "./store.ts";
import type { HandleValue } from "./values.ts";

/** Options of {@link HandlerContext}. */
export interface HandlerContextOptions {
  /** The server's one user and the prefix it serves. */
  account: Credentials & { prefix: string };
  /** Checks credentials and keeps the sessions. */
  auth: Authenticator;
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
  readonly #ownRecord: readonly HandleValue[] | undefined;

  /** A context over a store; the user's own record is made now. */
  constructor(store: HandleStore, options: HandlerContextOptions) {
    const { account } = options;
    this.store = store;
    this.prefix = account.prefix;
    this.auth = options.auth;
    const ownHandle = userHandle(account.username);
    this.#ownRecord = samePrefix(userPrefix(account.username), account.prefix)
      ? userRecord(account, new Date())
      : undefined;
    this.ownKey = this.#ownRecord === undefined
      ? undefined
      : `${account.prefix}/${ownHandle.slice(ownHandle.indexOf("/") + 1)}`;
  }

  /** The caller of a request; wrong credentials are answered 401. */
  caller(request: Request, handle?: string): RequestAuth {
    const checked = this.auth.authenticate(request.headers.get("authorization"));
    if (checked.result.kind === "failed") {
      throw new HttpError(
        401,
        ResponseCode.AUTHENTICATION_NEEDED,
        `authentication failed: ${checked.result.reason}`,
        handle,
      );
    }
    return checked;
  }

  /** Throws the 401 or 403 answer unless the caller may write (the handle). */
  requireWriter(request: Request, handle?: string): void {
    const { result } = this.caller(request, handle);
    if (result.kind !== "ok") {
      throw new HttpError(401, ResponseCode.AUTHENTICATION_NEEDED, "authentication needed", handle);
    }
    const permitted = samePrefix(userPrefix(result.user), this.prefix) ||
      userHandle(result.user).toUpperCase() === `0.NA/${this.prefix}`.toUpperCase();
    if (!permitted) {
      throw new HttpError(
        403,
        ResponseCode.INSUFFICIENT_PERMISSIONS,
        `${result.user} may not administer prefix ${this.prefix}`,
        handle,
      );
    }
    if (handle !== undefined && handle === this.ownKey) {
      throw new HttpError(
        403,
        ResponseCode.INSUFFICIENT_PERMISSIONS,
        "the user's own handle is read-only on this server",
        handle,
      );
    }
  }

  /** The store key of the handle in a path (percent-encoded); 400 when invalid or not served. */
  resolveHandle(encoded: string): string {
    let name;
    try {
      name = parseHandlePath(encoded);
    } catch (error) {
      if (error instanceof InvalidHandleError) {
        throw new HttpError(400, ResponseCode.INVALID_HANDLE, error.message, safeDecode(encoded));
      }
      throw error;
    }
    if (!samePrefix(name.prefix, this.prefix)) {
      throw new HttpError(
        400,
        ResponseCode.SERVER_NOT_RESPONSIBLE,
        `server not responsible for prefix ${name.prefix}`,
        name.handle,
      );
    }
    return `${this.prefix}/${name.suffix}`;
  }

  /** The values of a handle (the user's own record included); undefined when missing. */
  lookup(handle: string): readonly HandleValue[] | undefined {
    return handle === this.ownKey ? this.#ownRecord : this.store.get(handle);
  }
}

/** Percent-decodes a text; the text itself when it is not valid. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
