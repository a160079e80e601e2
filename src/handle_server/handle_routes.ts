/**
 * The routes of `/api/handles` in the handle server: resolve (GET), create or change (PUT)
 * and delete (DELETE) one handle, and list the handles of the served prefix.
 *
 * @module
 */

import type { HandlerContext } from "./context.ts";
import { parseJson } from "./gson.ts";
import { samePrefix } from "./handle_name.ts";
import { HttpError, json, ResponseCode } from "./http.ts";
import {
  keepAdmin,
  mergeValues,
  persist,
  queryIndices,
  readCount,
  typeMatches,
} from "./records.ts";
import { InvalidValueError, parseValues, publicReadable } from "./values.ts";
import type { HandleValue } from "./values.ts";

/** A request on `/api/handles/{handle}`. */
export interface HandleTarget {
  /** The request. */
  request: Request;
  /** Its parsed URL. */
  url: URL;
  /** The store key of the handle it names, under the served prefix. */
  handle: string;
}

/** A request on `/api/handles`. */
export interface ListTarget {
  /** The request. */
  request: Request;
  /** Its parsed URL. */
  url: URL;
}

/**
 * GET: the handle's values (those the public may read, unless the caller is authenticated),
 * filtered by `?type=` and `?index=`; 404 when the handle does not exist.
 */
export function getHandle(context: HandlerContext, target: HandleTarget): Response {
  const { request, url, handle } = target;
  const authenticated = context.caller(request, handle).result.kind === "ok";
  const stored = context.lookup(handle);
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

/**
 * PUT: creates (201) or replaces (200) a record, or with `?index=` adds or replaces only
 * those values; the caller must be a writer.
 */
export async function putHandle(context: HandlerContext, target: HandleTarget): Promise<Response> {
  const { request, url, handle } = target;
  const { store } = context;
  context.requireWriter(request, handle);
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

/** DELETE: the whole handle, or with `?index=` only those values; the caller must be a writer. */
export async function deleteHandle(
  context: HandlerContext,
  target: HandleTarget,
): Promise<Response> {
  const { request, url, handle } = target;
  const { store } = context;
  context.requireWriter(request, handle);
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

/** GET `/api/handles?prefix=P`: the handles of the served prefix, paged; writers only. */
export function listHandles(context: HandlerContext, target: ListTarget): Response {
  const { request, url } = target;
  const { store, ownKey } = context;
  const prefix = url.searchParams.get("prefix") ?? "";
  if (prefix === "") {
    throw new HttpError(400, ResponseCode.INVALID_HANDLE, "the prefix parameter is missing");
  }
  if (!samePrefix(prefix, context.prefix)) {
    throw new HttpError(
      400,
      ResponseCode.SERVER_NOT_RESPONSIBLE,
      `server not responsible for prefix ${prefix}`,
    );
  }
  context.requireWriter(request);
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
