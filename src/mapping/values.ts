/**
 * Small project-agnostic helpers for reading untyped JSON values and for
 * building record data with empty values left out.
 *
 * @module
 */

import { isEmptyValue } from "../records/mod.ts";
import { urlProblem } from "./safety.ts";

/** Whether a value is a plain (non-array, non-null) object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The trimmed string if the value is a non-empty string, else `undefined`. */
export function nonEmptyString(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  return text === "" ? undefined : text;
}

/** Builds record data from fields in order, leaving out empty values (null, "", [], {}). */
export function compactFields(fields: ReadonlyArray<readonly [string, unknown]>): Record<
  string,
  unknown
> {
  const data: Record<string, unknown> = {};
  for (const [name, value] of fields) {
    if (!isEmptyValue(value)) data[name] = value;
  }
  return data;
}

/**
 * Whether a text is an absolute http or https URL without credentials, spaces or
 * control characters (see `safety.ts`).
 */
export function isHttpUrl(text: string): boolean {
  return urlProblem(text) === undefined;
}

/** `<base without trailing slashes>/<prefix>/<suffix>`: the landing page of a handle. */
export function landingPage(baseUrl: string, handle: string): string {
  const base = baseUrl.endsWith("/") ? baseUrl.replace(/\/+$/, "") : baseUrl;
  return `${base}/${handle}`;
}
