/**
 * Record operations of the handle server: the user's own handle, value-level writes and
 * deletes, query parameters.
 *
 * @module
 */

import type { Credentials } from "./auth.ts";
import { HttpError, ResponseCode } from "./http.ts";
import { byIndex, formatTimestamp, parseIndex } from "./values.ts";
import type { HandleValue } from "./values.ts";

/** The user's own handle: HS_ADMIN, and the password as HS_SECKEY at the user's index. */
export function userRecord(options: Credentials & { prefix: string }, now: Date): HandleValue[] {
  const colon = options.username.indexOf(":");
  const index = colon > 0 ? parseIndex(options.username.slice(0, colon)) ?? 300 : 300;
  const timestamp = formatTimestamp(now);
  const values: HandleValue[] = [{
    index: 100,
    type: "HS_ADMIN",
    data: {
      format: "admin",
      value: { handle: `0.NA/${options.prefix}`, index: 200, permissions: "011111110011" },
    },
    ttl: 86400,
    timestamp,
  }];
  if (index !== 100) {
    values.push({
      index,
      type: "HS_SECKEY",
      data: { format: "string", value: options.password },
      permissions: "1100",
      ttl: 86400,
      timestamp,
    });
  }
  return values.sort(byIndex);
}

/** The `index` query parameters as numbers (400/202 for one that is not). */
export function queryIndices(url: URL, handle: string): number[] {
  return url.searchParams.getAll("index").map((text) => {
    const index = parseIndex(text);
    if (index === undefined) {
      throw new HttpError(400, ResponseCode.INVALID_VALUE, `invalid index: ${text}`, handle);
    }
    return index;
  });
}

/** A non-negative count query parameter, or undefined when absent. */
export function readCount(url: URL, name: string): number | undefined {
  const text = url.searchParams.get(name);
  if (text === null || text === "") return undefined;
  const count = parseIndex(text);
  if (count === undefined || count < 0) {
    throw new HttpError(400, ResponseCode.ERROR, `invalid ${name}: ${text}`);
  }
  return count;
}

/**
 * The record after `PUT ?index=`: the selected values (all for `various`) added or
 * replaced; with `refuseExisting` an existing index is 409/201.
 */
export function mergeValues(
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

/** Refuses (403/400) a write that would remove the last HS_ADMIN value of a handle. */
export function keepAdmin(
  existing: readonly HandleValue[] | undefined,
  record: readonly HandleValue[],
  handle: string,
): void {
  if (existing !== undefined && hasAdmin(existing) && !hasAdmin(record)) {
    throw new HttpError(
      403,
      ResponseCode.INVALID_ADMIN,
      "the write would remove the last HS_ADMIN value",
      handle,
    );
  }
}

/** Waits for a store write; a failure is a 500. */
export async function persist<T>(write: Promise<T>, handle: string): Promise<T> {
  try {
    return await write;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new HttpError(500, ResponseCode.ERROR, `the write was not persisted: ${message}`, handle);
  }
}

/** Whether a record has an HS_ADMIN value. */
export function hasAdmin(values: readonly HandleValue[]): boolean {
  return values.some((value) => value.type.toUpperCase() === "HS_ADMIN");
}

/** Whether a `?type=` filter selects a type (`T.` selects `T` and `T.*`). */
export function typeMatches(wanted: string, type: string): boolean {
  const a = wanted.toUpperCase();
  const b = type.toUpperCase();
  if (a.endsWith(".")) return b === a.slice(0, -1) || b.startsWith(a);
  return a === b;
}
