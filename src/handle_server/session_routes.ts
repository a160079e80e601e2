/**
 * The routes of `/api/sessions` in the handle server, answered as a Handle.Net server
 * answers them: POST `/api/sessions` opens a session (201; authenticated by the request's
 * Basic credentials, else `"error":"Identity not verified"` or anonymous); GET (or POST)
 * `/api/sessions/this` describes the named session (`{"authenticated":false}` when none
 * is named, 403 when it is unknown); DELETE closes it (204, else 403). Over plain HTTP,
 * when the server wants HTTPS, every session request is 403.
 *
 * @module
 */

import type { HandlerContext } from "./context.ts";
import { bodyless, json } from "./http.ts";
import { describeSession } from "./sessions.ts";

/** A request on `/api/sessions` or `/api/sessions/this`. */
export interface SessionTarget {
  /** The request. */
  request: Request;
  /** Its path: `/api/sessions` or `/api/sessions/this`. */
  path: string;
}

/** Answers a session request; other methods are answered 405 without a body. */
export function sessionRequest(context: HandlerContext, target: SessionTarget): Response {
  const { request, path } = target;
  const { auth } = context;
  if (context.insecure(request)) throw bodyless(403, "sessions need HTTPS");
  const header = request.headers.get("authorization");
  if (path === "/api/sessions") {
    if (request.method !== "POST") throw bodyless(405, "method not allowed");
    const { session, result } = auth.open(header);
    const body = describeSession(session);
    if (result.kind === "failed") body.error = "Identity not verified";
    return json(201, body);
  }
  const named = auth.named(header);
  if (request.method === "GET" || request.method === "POST") {
    if (named.kind === "unknown") throw bodyless(403, "unknown session");
    if (named.kind === "none") return json(200, { authenticated: false });
    return json(200, describeSession(named.session));
  }
  if (request.method === "DELETE") {
    if (named.kind !== "known") throw bodyless(403, "no session to close");
    auth.close(named.session);
    return new Response(null, { status: 204 });
  }
  throw bodyless(405, "method not allowed");
}
