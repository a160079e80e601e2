/**
 * The routes of `/api/handles` in the handle server: resolve (GET, and POST as the real
 * server treats it), create or change (PUT) and delete (DELETE) one handle, and list the
 * handles of the served prefix. Answers, codes and the order of the checks follow what a
 * Handle.Net 9.2.0 server answers (docs/handle-api.md).
 *
 * @module
 */

import type { HandlerContext, HandleTarget } from "./context.ts";
import { storeKey } from "./context.ts";
import { readBody } from "./body.ts";
import { HttpError, indexConflict, javaError, json, ResponseCode } from "./http.ts";
import { persist, readIndexParams, typeMatches } from "./records.ts";
import { publicReadable } from "./values.ts";

/** A request on `/api/handles/{handle}`. */
export interface HandleRequest {
  /** The request. */
  request: Request;
  /** Its parsed URL. */
  url: URL;
  /** The handle its path names. */
  target: HandleTarget;
}

/** A request on `/api/handles`. */
export interface ListTarget {
  /** The request. */
  request: Request;
  /** Its parsed URL. */
  url: URL;
}

const NOT_HERE = "That prefix doesn't live here";

/**
 * GET: the handle's values (those the public may read, unless the caller is authenticated),
 * filtered by `?type=` and `?index=`; 200 with responseCode 200 when none is left.
 */
export function getHandle(context: HandlerContext, input: HandleRequest): Response {
  const { request, url, target } = input;
  const { handle, key } = target;
  const caller = context.caller(request);
  if (key === undefined) {
    throw new HttpError(400, ResponseCode.SERVER_NOT_RESPONSIBLE, NOT_HERE, handle);
  }
  const indices = readIndexParams(url.searchParams.getAll("index"));
  const stored = context.lookup(key);
  if (stored === undefined) throw new HttpError(404, ResponseCode.HANDLE_NOT_FOUND, "", handle);
  const authenticated = caller.kind === "user" && !context.insecure(request);
  const values = authenticated ? stored : stored.filter(publicReadable);
  const types = url.searchParams.getAll("type");
  const selected = types.length === 0 && indices.length === 0
    ? values
    : values.filter((value) =>
      indices.includes(value.index) || types.some((type) => typeMatches(type, value.type))
    );
  if (selected.length === 0) {
    return json(200, { responseCode: ResponseCode.VALUES_NOT_FOUND, values: [], handle });
  }
  return json(200, { responseCode: ResponseCode.SUCCESS, handle, values: selected });
}

/**
 * PUT: creates (201) or replaces (200) a record unless `overwrite` is other than "true",
 * or with `?index=` adds (201: all new) or replaces (200: some existed) only those values.
 */
export async function putHandle(context: HandlerContext, input: HandleRequest): Promise<Response> {
  const { request, url, target } = input;
  const { handle, key } = target;
  const { store } = context;
  context.caller(request);
  const values = await readBody(request, { now: new Date(), handle });
  if (key === undefined) {
    throw new HttpError(400, ResponseCode.SERVER_NOT_RESPONSIBLE, NOT_HERE, handle);
  }
  if (values.some((value) => value.index <= 0)) {
    throw new HttpError(
      400,
      ResponseCode.INVALID_VALUE,
      "Value indexes must be positive",
      handle,
    );
  }
  const indexParams = url.searchParams.getAll("index");
  const various = indexParams.some((text) => text.toLowerCase() === "various");
  const indices = various ? [] : readIndexParams(indexParams);
  if (indices.length > 0) {
    const given = new Set(values.map((value) => value.index));
    if (given.size !== new Set(indices).size || indices.some((index) => !given.has(index))) {
      throw javaError(400, "java.lang.Exception: Mismatched indexes in PUT request");
    }
  }
  const existing = context.lookup(key);
  const overwrite = (url.searchParams.get("overwrite") ?? "true").toLowerCase() === "true";
  // as on the real server, credentials are needed only once the request itself is sound
  const authorise = (): void => {
    context.requireWriter(request, handle);
    context.protectOwn(target);
  };
  if (various || indices.length > 0) {
    if (existing === undefined) throw new HttpError(404, ResponseCode.HANDLE_NOT_FOUND, "", handle);
    const merged = new Map(existing.map((value) => [value.index, value]));
    const clash = values.find((value) => merged.has(value.index));
    if (!overwrite && clash !== undefined) throw indexConflict(clash.index, handle);
    authorise();
    for (const value of values) merged.set(value.index, value);
    await persist(store.set(key, [...merged.values()].sort((a, b) => a.index - b.index)), handle);
    const added = clash === undefined;
    return json(added ? 201 : 200, { responseCode: ResponseCode.SUCCESS, handle });
  }
  if (existing !== undefined && !overwrite) {
    throw new HttpError(409, ResponseCode.HANDLE_ALREADY_EXISTS, "", handle);
  }
  authorise();
  await persist(store.set(key, values), handle);
  return json(existing === undefined ? 201 : 200, { responseCode: ResponseCode.SUCCESS, handle });
}

/** DELETE: the whole handle, or with `?index=` only those values (all must exist). */
export async function deleteHandle(
  context: HandlerContext,
  input: HandleRequest,
): Promise<Response> {
  const { request, url, target } = input;
  const { handle, key } = target;
  const { store } = context;
  context.requireWriter(request, handle);
  const indices = readIndexParams(url.searchParams.getAll("index"));
  if (key === undefined) throw new HttpError(404, ResponseCode.HANDLE_NOT_FOUND, "", handle);
  context.protectOwn(target);
  const existing = store.get(key);
  if (existing === undefined) throw new HttpError(404, ResponseCode.HANDLE_NOT_FOUND, "", handle);
  if (indices.length === 0) {
    await persist(store.delete(key), handle);
    return json(200, { responseCode: ResponseCode.SUCCESS, handle });
  }
  if (indices.some((index) => !existing.some((value) => value.index === index))) {
    throw new HttpError(400, ResponseCode.VALUES_NOT_FOUND, "", handle);
  }
  const record = existing.filter((value) => !indices.includes(value.index));
  await persist(store.set(key, record), handle);
  return json(200, { responseCode: ResponseCode.SUCCESS, handle });
}

/**
 * GET `/api/handles?prefix=P`: the handles of the served prefix, upper case and sorted,
 * `totalCount` as a string; paged when both `page` (not negative) and `pageSize` (positive) are given.
 */
export function listHandles(context: HandlerContext, input: ListTarget): Response {
  const { request, url } = input;
  const { store, ownKey } = context;
  const prefix = url.searchParams.get("prefix") ?? "";
  if (context.insecure(request)) {
    throw new HttpError(403, ResponseCode.AUTHENTICATION_NEEDED, "", prefix);
  }
  if (prefix === "") throw new HttpError(400, ResponseCode.INVALID_HANDLE, "Empty handle invalid");
  const bare = /^0\.NA\//i.test(prefix) ? prefix.slice(5) : prefix;
  if (storeKey(bare) !== storeKey(context.prefix)) {
    throw new HttpError(400, ResponseCode.SERVER_NOT_RESPONSIBLE, NOT_HERE, prefix);
  }
  context.requireWriter(request, prefix);
  const [page, pageSize] = ["page", "pageSize"].map((name) => {
    const text = url.searchParams.get(name);
    return text === null ? undefined : readIndexParams([text])[0];
  });
  const all = [...store.handles()].map(storeKey);
  if (ownKey !== undefined && !store.has(ownKey)) all.push(ownKey);
  all.sort(byCodeUnits);
  const body: Record<string, unknown> = {
    responseCode: ResponseCode.SUCCESS,
    prefix,
    totalCount: String(all.length),
  };
  let handles = all;
  if (page !== undefined && pageSize !== undefined && page >= 0 && pageSize > 0) {
    body.page = page;
    body.pageSize = pageSize;
    handles = all.slice(page * pageSize, (page + 1) * pageSize);
  }
  body.handles = handles;
  return json(200, body);
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
