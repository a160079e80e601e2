/**
 * Small project-agnostic helpers for reading untyped JSON values and for
 * building record data with empty values left out.
 *
 * @module
 */

import { isEmptyValue } from "../records/mod.ts";

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
 * `http(s)://host[:port]` followed by the end or a path, with a host name whose last label
 * starts with a letter (so never an IPv4 address or a number) and a port of up to 4 digits:
 * such a text is a valid URL without asking the URL parser. Group 1 is the path, query and
 * fragment.
 */
const SIMPLE_HTTP_URL =
  /^https?:\/\/(?:[A-Za-z0-9-]+\.)*[A-Za-z][A-Za-z0-9-]*(?::\d{1,4})?(\/[!-~]*)?$/i;

/** Characters a path keeps as they are when parsed as a URL. */
const PLAIN_PATH = /^[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;

/** Whether a text is an absolute http or https URL. */
export function isHttpUrl(text: string): boolean {
  if (!/^https?:\/\//i.test(text)) return false;
  if (SIMPLE_HTTP_URL.test(text) && !/xn--/i.test(text)) return true;
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/**
 * The path of a URL as `new URL(text).pathname` gives it, found without the URL parser for
 * a plain http(s) URL; `undefined` when the text is not a URL.
 */
export function urlPath(text: string): string | undefined {
  const match = SIMPLE_HTTP_URL.exec(text);
  if (match && !/xn--/i.test(text)) {
    const rest = match[1] ?? "/";
    const end = rest.search(/[?#]/);
    const path = end < 0 ? rest : rest.slice(0, end);
    const dotSegment = /\/\.\.?(?:\/|$)/.test(path) || /%2e/i.test(path);
    if (PLAIN_PATH.test(path) && !dotSegment) return path;
  }
  try {
    return new URL(text).pathname;
  } catch {
    return undefined;
  }
}

/** `<base without trailing slashes>/<prefix>/<suffix>`: the landing page of a handle. */
export function landingPage(baseUrl: string, handle: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/${handle}`;
}
