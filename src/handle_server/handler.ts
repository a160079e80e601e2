/**
 * The request handler of the handle server: the Handle REST API subset of
 * `../shared/spec/handle-api.md` over a {@link HandleStore}.
 *
 * Permission rule (403): an authenticated caller may write only when (a) its indexed
 * handle belongs to the served prefix (`300:21.TEST/user` for prefix `21.TEST`) or is the
 * prefix handle itself (`300:0.NA/21.TEST`); otherwise 403 with responseCode 401
 * (insufficient permissions); and (b) a PUT leaves an existing handle that has an
 * HS_ADMIN value with at least one HS_ADMIN value; otherwise 403 with responseCode 400
 * (invalid admin). New handles without HS_ADMIN are accepted.
 *
 * @module
 */

import { checkBasicAuth, userHandle, userPrefix } from "./auth.ts";
import type { AuthResult, Credentials } from "./auth.ts";
import { InvalidHandleError, parseHandlePath, samePrefix } from "./handle_name.ts";
import type { HandleStore } from "./store.ts";
import { byIndex, InvalidValueError, parseIndex, parseValues } from "./values.ts";
import type { HandleValue } from "./values.ts";

/** Handle protocol response codes used by the server. */
export const ResponseCode = {
  SUCCESS: 1,
  ERROR: 2,
  OPERATION_NOT_SUPPORTED: 5,
  HANDLE_NOT_FOUND: 100,
  HANDLE_ALREADY_EXISTS: 101,
  INVALID_HANDLE: 102,
  VALUES_NOT_FOUND: 200,
  VALUE_ALREADY_EXISTS: 201,
  INVALID_VALUE: 202,
  SERVER_NOT_RESPONSIBLE: 301,
  INVALID_ADMIN: 400,
  INSUFFICIENT_PERMISSIONS: 401,
  AUTHENTICATION_NEEDED: 402,
} as const;

/** Options of {@link createHandleHandler}. */
export interface HandleHandlerOptions extends Credentials {
  /** The prefix the server is responsible for, e.g. "21.TEST". */
  prefix: string;
  /** Milliseconds added before every PUT or DELETE response; 0 by default. */
  latencyMs?: number;
  /**
   * Milliseconds added per write in flight (this one included), on top of `latencyMs`: a
   * server that becomes slower with load. 0 by default.
   */
  latencyPerInflightMs?: number;
  /** Writes in flight at most; more are answered 429 at once. Unlimited by default. */
  maxInflight?: number;
}

/** A function that answers one HTTP request. */
export type RequestHandler = (request: Request) => Promise<Response>;

const HANDLES_PATH = "/api/handles/";
const MAX_SESSIONS = 10_000;

interface Session {
  id: string;
  nonce: string;
  user: string | undefined;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly responseCode: number,
    message: string,
    readonly handle?: string,
  ) {
    super(message);
  }
}

/**
 * Creates the request handler over a store. Reads need no credentials; PUT and DELETE
 * need HTTP Basic credentials or an authenticated session (`POST /api/sessions`, then
 * `Authorization: Handle sessionId="..."`).
 */
export function createHandleHandler(
  store: HandleStore,
  options: HandleHandlerOptions,
): RequestHandler {
  const sessions = new Map<string, Session>();
  const latencyMs = Math.max(0, options.latencyMs ?? 0);
  const perInflightMs = Math.max(0, options.latencyPerInflightMs ?? 0);
  let writesInFlight = 0;

  function authenticate(request: Request): AuthResult {
    const header = request.headers.get("authorization");
    const handleScheme = header === null ? null : /^Handle\s+(.*)$/is.exec(header.trim());
    if (handleScheme === null) return checkBasicAuth(header, options);
    const id = /sessionId\s*=\s*"([^"]*)"/i.exec(handleScheme[1])?.[1];
    const session = id === undefined ? undefined : sessions.get(id);
    if (session === undefined) return { kind: "failed", reason: "unknown session" };
    if (session.user === undefined) return { kind: "missing" };
    return { kind: "ok", user: session.user };
  }

  function requireWriter(request: Request, handle: string): void {
    const auth = authenticate(request);
    if (auth.kind === "missing") {
      throw new HttpError(401, ResponseCode.AUTHENTICATION_NEEDED, "authentication needed", handle);
    }
    if (auth.kind === "failed") {
      throw new HttpError(
        401,
        ResponseCode.AUTHENTICATION_NEEDED,
        `authentication failed: ${auth.reason}`,
        handle,
      );
    }
    const permitted = samePrefix(userPrefix(auth.user), options.prefix) ||
      userHandle(auth.user).toUpperCase() === `0.NA/${options.prefix}`.toUpperCase();
    if (!permitted) {
      throw new HttpError(
        403,
        ResponseCode.INSUFFICIENT_PERMISSIONS,
        `${auth.user} may not administer prefix ${options.prefix}`,
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

  function getHandle(url: URL, handle: string): Response {
    const values = store.get(handle);
    if (values === undefined) {
      throw new HttpError(404, ResponseCode.HANDLE_NOT_FOUND, "handle not found", handle);
    }
    const types = url.searchParams.getAll("type");
    const indices = url.searchParams.getAll("index").map((text) => {
      const index = parseIndex(text);
      if (index === undefined) {
        throw new HttpError(400, ResponseCode.INVALID_VALUE, `invalid index: ${text}`, handle);
      }
      return index;
    });
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
      body = JSON.parse(text);
    } catch {
      throw new HttpError(400, ResponseCode.INVALID_VALUE, "the body is not valid JSON", handle);
    }
    let values: HandleValue[];
    try {
      values = parseValues(body, new Date().toISOString());
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
    if (existing !== undefined && hasAdmin(existing) && !hasAdmin(record)) {
      throw new HttpError(
        403,
        ResponseCode.INVALID_ADMIN,
        "the write would remove the last HS_ADMIN value",
        handle,
      );
    }
    await persist(store.set(handle, record), handle);
    return json(existing === undefined ? 201 : 200, { responseCode: ResponseCode.SUCCESS, handle });
  }

  async function deleteHandle(request: Request, handle: string): Promise<Response> {
    requireWriter(request, handle);
    if (!(await persist(store.delete(handle), handle))) {
      throw new HttpError(404, ResponseCode.HANDLE_NOT_FOUND, "handle not found", handle);
    }
    return json(200, { responseCode: ResponseCode.SUCCESS, handle });
  }

  function sessionRequest(request: Request, path: string): Response {
    if (path === "/api/sessions" && request.method === "POST") {
      const header = request.headers.get("authorization");
      const auth = checkBasicAuth(header, options);
      if (auth.kind === "failed") {
        throw new HttpError(401, ResponseCode.AUTHENTICATION_NEEDED, "authentication failed");
      }
      if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
      const session: Session = {
        id: crypto.randomUUID(),
        nonce: btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16)))),
        user: auth.kind === "ok" ? auth.user : undefined,
      };
      sessions.set(session.id, session);
      return json(201, describeSession(session));
    }
    if (path === "/api/sessions/this") {
      const header = request.headers.get("authorization") ?? "";
      const id = /sessionId\s*=\s*"([^"]*)"/i.exec(header)?.[1];
      const session = id === undefined ? undefined : sessions.get(id);
      if (session === undefined) {
        throw new HttpError(401, ResponseCode.AUTHENTICATION_NEEDED, "no such session");
      }
      if (request.method === "GET") return json(200, describeSession(session));
      if (request.method === "DELETE") {
        sessions.delete(session.id);
        return json(200, { responseCode: ResponseCode.SUCCESS });
      }
    }
    throw new HttpError(405, ResponseCode.OPERATION_NOT_SUPPORTED, "method not allowed");
  }

  async function route(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname;
    if (path.startsWith(HANDLES_PATH) || path === "/api/handles") {
      const handle = resolveHandle(path.slice(HANDLES_PATH.length));
      switch (request.method) {
        case "GET":
          return getHandle(url, handle);
        case "PUT":
          return await putHandle(request, url, handle);
        case "DELETE":
          return await deleteHandle(request, handle);
        default:
          throw new HttpError(405, ResponseCode.OPERATION_NOT_SUPPORTED, "method not allowed");
      }
    }
    if (path === "/api/sessions" || path === "/api/sessions/this") {
      return sessionRequest(request, path);
    }
    throw new HttpError(404, ResponseCode.ERROR, `no resource at ${path}`);
  }

  return async function handleRequest(request: Request): Promise<Response> {
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
  };

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
}

function mergeValues(
  existing: readonly HandleValue[],
  values: HandleValue[],
  indexParams: string[],
  refuseExisting: boolean,
  handle: string,
): HandleValue[] {
  let selected = values;
  if (!indexParams.some((text) => text.toLowerCase() === "various")) {
    const wanted = new Set<number>();
    for (const text of indexParams) {
      const index = parseIndex(text);
      if (index === undefined) {
        throw new HttpError(400, ResponseCode.INVALID_VALUE, `invalid index: ${text}`, handle);
      }
      if (!values.some((value) => value.index === index)) {
        throw new HttpError(
          400,
          ResponseCode.INVALID_VALUE,
          `no value with index ${index}`,
          handle,
        );
      }
      wanted.add(index);
    }
    selected = values.filter((value) => wanted.has(value.index));
  }
  const merged = new Map(existing.map((value) => [value.index, value]));
  for (const value of selected) {
    if (refuseExisting && merged.has(value.index)) {
      throw new HttpError(
        409,
        ResponseCode.VALUE_ALREADY_EXISTS,
        `value ${value.index} already exists`,
        handle,
      );
    }
    merged.set(value.index, value);
  }
  return [...merged.values()].sort(byIndex);
}

async function persist<T>(write: Promise<T>, handle: string): Promise<T> {
  try {
    return await write;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new HttpError(500, ResponseCode.ERROR, `the write was not persisted: ${message}`, handle);
  }
}

function hasAdmin(values: readonly HandleValue[]): boolean {
  return values.some((value) => value.type.toUpperCase() === "HS_ADMIN");
}

function typeMatches(wanted: string, type: string): boolean {
  const a = wanted.toUpperCase();
  const b = type.toUpperCase();
  if (a.endsWith(".")) return b === a.slice(0, -1) || b.startsWith(a);
  return a === b;
}

function describeSession(session: Session): Record<string, unknown> {
  const description: Record<string, unknown> = {
    sessionId: session.id,
    nonce: session.nonce,
    authenticated: session.user !== undefined,
  };
  if (session.user !== undefined) description.id = session.user;
  return description;
}

function errorResponse(error: unknown): Response {
  if (error instanceof HttpError) {
    const body: Record<string, unknown> = { responseCode: error.responseCode };
    if (error.handle !== undefined) body.handle = error.handle;
    body.message = error.message;
    const headers: Record<string, string> = error.status === 401
      ? { "www-authenticate": 'Basic realm="handle"' }
      : {};
    return json(error.status, body, headers);
  }
  const message = error instanceof Error ? error.message : String(error);
  return json(500, {
    responseCode: ResponseCode.ERROR,
    message: `server error: ${message.replace(/\s+/g, " ")}`,
  });
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json;charset=UTF-8", ...headers },
  });
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
