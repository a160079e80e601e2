/**
 * Record helpers of the handle server: the user's own handle, index query parameters,
 * type filters, and persisting a write.
 *
 * @module
 */

import type { Credentials } from "./auth.ts";
import { HttpError, javaError, ResponseCode } from "./http.ts";
import { byIndex, formatTimestamp, parseIndex } from "./values.ts";
import type { HandleValue } from "./values.ts";

/**
 * The user's own handle as start.sh makes it on a real server: HS_ADMIN for the prefix
 * handle, and the password as HS_SECKEY at the user's index, readable by admins only.
 */
export function userRecord(options: Credentials & { prefix: string }, now: Date): HandleValue[] {
  const colon = options.username.indexOf(":");
  const index = colon > 0 ? parseIndex(options.username.slice(0, colon)) ?? 300 : 300;
  const timestamp = formatTimestamp(now);
  const values: HandleValue[] = [{
    index: 100,
    type: "HS_ADMIN",
    data: {
      format: "admin",
      value: { handle: `0.NA/${options.prefix}`, index: 200, permissions: "111111111111" },
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

/**
 * Query parameters read as Java ints (`index`, `page`, `pageSize`); one that is not is
 * answered 400 with responseCode 4 and Java's NumberFormatException, as the real server does.
 */
export function readIndexParams(texts: readonly string[]): number[] {
  return texts.map((text) => {
    const index = parseIndex(text);
    if (index === undefined) {
      throw javaError(400, `java.lang.NumberFormatException: For input string: "${text}"`);
    }
    return index;
  });
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

/** Whether a `?type=` filter selects a type (`T.` selects `T` and `T.*`). */
export function typeMatches(wanted: string, type: string): boolean {
  const a = wanted.toUpperCase();
  const b = type.toUpperCase();
  if (a.endsWith(".")) return b === a.slice(0, -1) || b.startsWith(a);
  return a === b;
}
