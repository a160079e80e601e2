/**
 * The routes of `/api/sessions` in the handle server: open a session (POST
 * `/api/sessions`), describe or close the named one (GET or DELETE `/api/sessions/this`).
 *
 * @module
 */

import type { HandlerContext } from "./context.ts";
import { HttpError, json, ResponseCode } from "./http.ts";
import { describeSession } from "./sessions.ts";

/** A request on `/api/sessions` or `/api/sessions/this`. */
export interface SessionTarget {
  /** The request. */
  request: Request;
  /** Its path: `/api/sessions` or `/api/sessions/this`. */
  path: string;
}

/** Answers a session request; other methods are answered 405. */
export function sessionRequest(context: HandlerContext, target: SessionTarget): Response {
  const { request, path } = target;
  const { auth } = context;
  const header = request.headers.get("authorization");
  if (path === "/api/sessions" && request.method === "POST") {
    const opened = auth.open(header);
    if (opened.session === undefined) {
      throw new HttpError(401, ResponseCode.AUTHENTICATION_NEEDED, "authentication failed");
    }
    return json(201, describeSession(opened.session));
  }
  if (path === "/api/sessions/this") {
    const { session } = context.caller(request);
    if (session === undefined) {
      throw new HttpError(401, ResponseCode.AUTHENTICATION_NEEDED, "no session named");
    }
    if (request.method === "GET") return json(200, describeSession(session));
    if (request.method === "DELETE") {
      auth.close(session);
      return new Response(null, { status: 204 });
    }
  }
  throw new HttpError(405, ResponseCode.OPERATION_NOT_SUPPORTED, "method not allowed");
}
