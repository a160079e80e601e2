/**
 * The request handler of the handle server: the Handle REST API subset of
 * `../shared/spec/handle-api.md` over a {@link HandleStore}.
 *
 * Permission rule (403): an authenticated caller may write only when (a) its indexed
 * handle belongs to the served prefix (`300:21.TEST/user` for prefix `21.TEST`) or is the
 * prefix handle itself (`300:0.NA/21.TEST`); otherwise 403 with responseCode 401
 * (insufficient permissions); and (b) a write leaves an existing handle that has an
 * HS_ADMIN value with at least one HS_ADMIN value; otherwise 403 with responseCode 400
 * (invalid admin). New handles without HS_ADMIN are accepted. The user's own handle is
 * served read-only (403/401 on writes).
 *
 * @module
 */

import { userHandle, userPrefix } from "./auth.ts";
import type { Credentials } from "./auth.ts";
import { parseJson } from "./gson.ts";
import { InvalidHandleError, parseHandlePath, samePrefix } from "./handle_name.ts";
import { errorResponse, HttpError, json, ResponseCode } from "./http.ts";
import {
  keepAdmin,
  mergeValues,
  persist,
  queryIndices,
  readCount,
  typeMatches,
  userRecord,
} from "./records.ts";
import { Authenticator, describeSession, type RequestAuth } from "./sessions.ts";
import type { HandleStore } from "./store.ts";
import { InvalidValueError, parseValues, publicReadable } from "./values.ts";
import type { HandleValue } from "./values.ts";

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
  const latencyMs = Math.max(0, options.latencyMs ?? 0);
  const perInflightMs = Math.max(0, options.latencyPerInflightMs ?? 0);
  let writesInFlight = 0;
  const ownHandle = userHandle(options.username);
  const ownRecord = samePrefix(userPrefix(options.username), options.prefix)
    ? userRecord(options, new Date())
    : undefined;
  const ownKey = ownRecord === undefined
    ? undefined
    : `${options.prefix}/${ownHandle.slice(ownHandle.indexOf("/") + 1)}`;

  function caller(request: Request, handle?: string): RequestAuth {
    const checked = auth.authenticate(request.headers.get("authorization"));
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

  function requireWriter(request: Request, handle?: string): void {
    const { result } = caller(request, handle);
    if (result.kind !== "ok") {
      throw new HttpError(401, ResponseCode.AUTHENTICATION_NEEDED, "authentication needed", handle);
    }
    const permitted = samePrefix(userPrefix(result.user), options.prefix) ||
      userHandle(result.user).toUpperCase() === `0.NA/${options.prefix}`.toUpperCase();
    if (!permitted) {
      throw new HttpError(
        403,
        ResponseCode.INSUFFICIENT_PERMISSIONS,
        `${result.user} may not administer prefix ${options.prefix}`,
        handle,
      );
    }
    if (handle !== undefined && handle === ownKey) {
      throw new HttpError(
        403,
        ResponseCode.INSUFFICIENT_PERMISSIONS,
        "the user's own handle is read-only on this server",
        handle,
      );
    }
  }

  function resolveHandle(encoded: string): string {
    let name;
    try {
      name = parseHandlePath(encoded);
    } catch (error) {
      if (error instanceof InvalidHandleError) {
        throw new HttpError(400, ResponseCode.INVALID_HANDLE, error.message, safeDecode(encoded));
      }
      throw error;
    }
    if (!samePrefix(name.prefix, options.prefix)) {
      throw new HttpError(
        400,
        ResponseCode.SERVER_NOT_RESPONSIBLE,
        `server not responsible for prefix ${name.prefix}`,
        name.handle,
      );
    }
    return `${options.prefix}/${name.suffix}`;
  }

  function lookup(handle: string): readonly HandleValue[] | undefined {
    return handle === ownKey ? ownRecord : store.get(handle);
  }

  function getHandle(request: Request, url: URL, handle: string): Response {
    const authenticated = caller(request, handle).result.kind === "ok";
    const stored = lookup(handle);
    if (stored === undefined) {
      throw new HttpError(404, ResponseCode.HANDLE_NOT_FOUND, "handle not found", handle);
    }
    const values = authenticated ? stored : stored.filter(publicReadable);
    const types = url.searchParams.getAll("type");
    const indices = queryIndices(url, handle);
    if (types.length === 0 && indices.length === 0) {
      return json(200, { responseCode: ResponseCode.SUCCESS, handle, values });
    }
    const selected = values.filter((value) =>
      indices.includes(value.index) || types.some((type) => typeMatches(type, value.type))
    );
    const responseCode = selected.length > 0 ? ResponseCode.SUCCESS : ResponseCode.VALUES_NOT_FOUND;
    return json(200, { responseCode, handle, values: selected });
  }

  async function putHandle(request: Request, url: URL, handle: string): Promise<Response> {
    requireWriter(request, handle);
    const text = await request.text();
    let body: unknown;
    try {
      body = parseJson(text);
    } catch {
      throw new HttpError(400, ResponseCode.INVALID_VALUE, "the body is not valid JSON", handle);
    }
    let values: HandleValue[];
    try {
      values = parseValues(body, new Date());
    } catch (error) {
      if (error instanceof InvalidValueError) {
        throw new HttpError(400, ResponseCode.INVALID_VALUE, error.message, handle);
      }
      throw error;
    }
    const existing = store.get(handle);
    const indexParams = url.searchParams.getAll("index");
    const overwriteParam = url.searchParams.get("overwrite")?.toLowerCase();
    let record: HandleValue[];
    if (indexParams.length > 0) {
      record = mergeValues(existing ?? [], values, indexParams, overwriteParam === "false", handle);
    } else {
      if (existing !== undefined && overwriteParam !== "true") {
        throw new HttpError(
          409,
          ResponseCode.HANDLE_ALREADY_EXISTS,
          "handle already exists",
          handle,
        );
      }
      record = values;
    }
    if (record.length === 0) {
      throw new HttpError(400, ResponseCode.INVALID_VALUE, "a handle needs values", handle);
    }
    keepAdmin(existing, record, handle);
    await persist(store.set(handle, record), handle);
    return json(existing === undefined ? 201 : 200, { responseCode: ResponseCode.SUCCESS, handle });
  }

  async function deleteHandle(request: Request, url: URL, handle: string): Promise<Response> {
    requireWriter(request, handle);
    const indices = queryIndices(url, handle);
    if (indices.length === 0) {
      if (!(await persist(store.delete(handle), handle))) {
        throw new HttpError(404, ResponseCode.HANDLE_NOT_FOUND, "handle not found", handle);
      }
      return json(200, { responseCode: ResponseCode.SUCCESS, handle });
    }
    const existing = store.get(handle);
    if (existing === undefined) {
      throw new HttpError(404, ResponseCode.HANDLE_NOT_FOUND, "handle not found", handle);
    }
    const record = existing.filter((value) => !indices.includes(value.index));
    if (record.length === existing.length) {
      throw new HttpError(400, ResponseCode.VALUES_NOT_FOUND, "no value has those indexes", handle);
    }
    keepAdmin(existing, record, handle);
    if (record.length === 0) {
      throw new HttpError(400, ResponseCode.INVALID_VALUE, "a handle needs values", handle);
    }
    await persist(store.set(handle, record), handle);
    return json(200, { responseCode: ResponseCode.SUCCESS, handle });
  }

  function listHandles(request: Request, url: URL): Response {
    const prefix = url.searchParams.get("prefix") ?? "";
    if (prefix === "") {
      throw new HttpError(400, ResponseCode.INVALID_HANDLE, "the prefix parameter is missing");
    }
    if (!samePrefix(prefix, options.prefix)) {
      throw new HttpError(
        400,
        ResponseCode.SERVER_NOT_RESPONSIBLE,
        `server not responsible for prefix ${prefix}`,
      );
    }
    requireWriter(request);
    const all = [...store.handles()];
    if (ownKey !== undefined && !store.has(ownKey)) all.push(ownKey);
    all.sort();
    const page = readCount(url, "page");
    const pageSize = readCount(url, "pageSize");
    let handles = all;
    if (pageSize !== undefined) {
      const start = (page ?? 0) * pageSize;
      handles = all.slice(start, start + pageSize);
    }
    return json(200, {
      responseCode: ResponseCode.SUCCESS,
      prefix,
      totalCount: String(all.length),
      handles,
    });
  }

  function sessionRequest(request: Request, path: string): Response {
    const header = request.headers.get("authorization");
    if (path === "/api/sessions" && request.method === "POST") {
      const opened = auth.open(header);
      if (opened.session === undefined) {
        throw new HttpError(401, ResponseCode.AUTHENTICATION_NEEDED, "authentication failed");
      }
      return json(201, describeSession(opened.session));
    }
    if (path === "/api/sessions/this") {
      const { session } = caller(request);
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

  async function route(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname;
    if (path === "/api/handles" || path === "/api/handles/") {
      if (request.method === "GET") return listHandles(request, url);
      throw new HttpError(405, ResponseCode.OPERATION_NOT_SUPPORTED, "method not allowed");
    }
    if (path.startsWith(HANDLES_PATH)) {
      const handle = resolveHandle(path.slice(HANDLES_PATH.length));
      switch (request.method) {
        case "GET":
          return getHandle(request, url, handle);
        case "PUT":
          return await putHandle(request, url, handle);
        case "DELETE":
          return await deleteHandle(request, url, handle);
        default:
          throw new HttpError(405, ResponseCode.OPERATION_NOT_SUPPORTED, "method not allowed");
      }
    }
    if (auth.sessionsEnabled && (path === "/api/sessions" || path === "/api/sessions/this")) {
      return sessionRequest(request, path);
    }
    throw new HttpError(404, ResponseCode.ERROR, `no resource at ${path}`);
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

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
