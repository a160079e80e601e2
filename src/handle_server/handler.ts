/**
 * The request handler of the handle server: the Handle REST API subset of
 * `docs/handle-api.md` over a {@link HandleStore}.
 *
 * Permission rule (403): an authenticated caller may write only when (a) its indexed
 * handle belongs to the served prefix (`300:21.TEST/user` for prefix `21.TEST`) or is the
 * prefix handle itself (`300:0.NA/21.TEST`); otherwise 403 with responseCode 401
 * (insufficient permissions); and (b) a write leaves an existing handle that has an
 * HS_ADMIN value with at least one HS_ADMIN value; otherwise 403 with responseCode 400
 * (invalid admin). New handles without HS_ADMIN are accepted. The user's own handle is
 * served read-only (403/401 on writes).
 *
 * The checks of a request are in `context.ts`, the routes of `/api/handles` in
 * `handle_routes.ts` and those of `/api/sessions` in `session_routes.ts`; this module
 * dispatches, limits the writes in flight and adds the artificial latency.
 *
 * @module
 */

import type { Credentials } from "./auth.ts";
import { HandlerContext } from "./context.ts";
import { deleteHandle, getHandle, listHandles, putHandle } from "./handle_routes.ts";
import { errorResponse, HttpError, javaError, json, ResponseCode } from "./http.ts";
import { Authenticator } from "./sessions.ts";
import { sessionRequest } from "./session_routes.ts";
import type { HandleStore } from "./store.ts";

export { ResponseCode } from "./http.ts";

/** Options of {@link createHandleHandler}. */
export interface HandleHandlerOptions extends Credentials {
  /** The prefix the server is responsible for, e.g. "21.TEST". */
  prefix: string;
  /** Milliseconds added before every PUT or DELETE response; 0 by default. */
  latencyMs?: number;
  /** Whether `/api/sessions` is offered; true by default. */
  sessions?: boolean;
  /** Seconds a session lives without use; 1800 by default. */
  sessionTtlSeconds?: number;
  /**
   * Milliseconds added per write in flight (this one included), on top of `latencyMs`: a
   * server that becomes slower with load. 0 by default.
   */
  latencyPerInflightMs?: number;
  /** Writes in flight at most; more are answered 429 at once. Unlimited by default. */
  maxInflight?: number;
  /**
   * Whether credentials count only over HTTPS, as on a real server: over plain HTTP a
   * write or listing is 403/402 and a session request 403. False by default (a plain-HTTP
   * stand-in accepts logins over HTTP, for tests).
   */
  httpsOnly?: boolean;
}

/** A function that answers one HTTP request; `passwordChecks` counts credential checks. */
export type RequestHandler = ((request: Request) => Promise<Response>) & {
  /** How many times a password was checked so far. */
  passwordChecks(): number;
};

const HANDLES_PATH = "/api/handles/";

/**
 * Creates the request handler over a store. Reads need no credentials (values that the
 * public may not read, such as the user's HS_SECKEY, are shown only to an authenticated
 * caller); PUT, DELETE and listing need HTTP Basic credentials or an authenticated
 * session.
 */
export function createHandleHandler(
  store: HandleStore,
  options: HandleHandlerOptions,
): RequestHandler {
  const auth = new Authenticator({
    credentials: options,
    sessions: options.sessions,
    sessionTtlMs: options.sessionTtlSeconds === undefined
      ? undefined
      : options.sessionTtlSeconds * 1000,
  });
  const context = new HandlerContext(store, {
    account: options,
    auth,
    httpsOnly: options.httpsOnly,
  });
  const latencyMs = Math.max(0, options.latencyMs ?? 0);
  const perInflightMs = Math.max(0, options.latencyPerInflightMs ?? 0);
  let writesInFlight = 0;

  async function route(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname;
    const method = request.method;
    if (method === "OPTIONS") return new Response(null, { status: 200 });
    if (path === "/api/handles" || path === "/api/handles/") {
      if (method === "GET" || method === "POST") return listHandles(context, { request, url });
      throw new HttpError(404, ResponseCode.HANDLE_NOT_FOUND, "");
    }
    if (path.startsWith(HANDLES_PATH)) {
      const target = context.target(path.slice(HANDLES_PATH.length));
      switch (method) {
        case "GET":
        case "HEAD":
        case "POST":
          return getHandle(context, { request, url, target });
        case "PUT":
          return await putHandle(context, { request, url, target });
        case "DELETE":
          return await deleteHandle(context, { request, url, target });
        default:
          throw javaError(501, `Unknown method ${method}`);
      }
    }
    if (auth.sessionsEnabled && (path === "/api/sessions" || path === "/api/sessions/this")) {
      return sessionRequest(context, { request, path });
    }
    throw javaError(404, `Unknown HTTP API endpoint ${method} ${path}`);
  }

  async function handleRequest(request: Request): Promise<Response> {
    const write = request.method === "PUT" || request.method === "DELETE";
    if (!write) return await answer(request);
    writesInFlight++;
    try {
      if (options.maxInflight !== undefined && writesInFlight > options.maxInflight) {
        if (request.body !== null) await request.body.cancel();
        return json(429, { responseCode: ResponseCode.ERROR, message: "too many requests" });
      }
      const delay = latencyMs + perInflightMs * writesInFlight;
      const response = await answer(request);
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      return response;
    } finally {
      writesInFlight--;
    }
  }

  async function answer(request: Request): Promise<Response> {
    let response: Response;
    try {
      response = await route(request);
    } catch (error) {
      response = errorResponse(error);
    }
    if (request.bodyUsed === false && request.body !== null) await request.body.cancel();
    return response;
  }
  return Object.assign(handleRequest, { passwordChecks: () => auth.passwordChecks });
}
