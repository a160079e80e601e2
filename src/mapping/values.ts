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

/** Characters a URL path keeps as they are when parsed (a lookup table by character code). */
const PLAIN_PATH_CHAR = (() => {
  const table = new Uint8Array(128);
  for (
    const ch of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~!$&'()*+,;=:@%/-"
  ) {
    table[ch.charCodeAt(0)] = 1;
  }
  return table;
})();

function isAlpha(code: number): boolean {
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x7a;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/**
 * The path of a plain `http(s)://host[:port][/path][?query][#fragment]` URL, found without the
 * URL parser: a host of letters, digits and hyphens in dot-separated labels whose last label
 * starts with a letter (never an IPv4 address or a number, no `--` as in punycode), a port of
 * up to 4 digits, a path of characters the parser keeps as they are and without dot
 * segments, and printable ASCII after it. `undefined` for anything else: the URL parser
 * decides those.
 */
function plainHttpPath(text: string): string | undefined {
  const scheme = text.slice(0, 8).toLowerCase();
  let i = scheme.startsWith("https://") ? 8 : scheme.startsWith("http://") ? 7 : -1;
  if (i < 0) return undefined;
  const length = text.length;
  const hostStart = i;
  let labelStart = i;
  for (; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x2e) {
      if (i === labelStart) return undefined;
      labelStart = i + 1;
    } else if (!isAlpha(code) && !isDigit(code) && code !== 0x2d) {
      break;
    }
  }
  if (i === labelStart || !isAlpha(text.charCodeAt(labelStart))) return undefined;
  const doubleHyphen = text.indexOf("--", hostStart);
  if (doubleHyphen >= 0 && doubleHyphen < i) return undefined;
  if (i < length && text.charCodeAt(i) === 0x3a) {
    const portStart = ++i;
    while (i < length && isDigit(text.charCodeAt(i))) i++;
    if (i === portStart || i - portStart > 4) return undefined;
  }
  if (i === length) return "/";
  if (text.charCodeAt(i) !== 0x2f) return undefined;
  const pathStart = i;
  for (; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x3f || code === 0x23) break;
    if (code >= 128 || PLAIN_PATH_CHAR[code] === 0) return undefined;
  }
  const path = text.slice(pathStart, i);
  for (; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) return undefined;
  }
  if (path.includes("/.") && /\/\.\.?(?:\/|$)/.test(path)) return undefined;
  if (path.includes("%") && /%2e/i.test(path)) return undefined;
  return path;
}

/** Whether a text is an absolute http or https URL. */
export function isHttpUrl(text: string): boolean {
  return httpUrlPath(text) !== undefined;
}

/**
 * The path (`new URL(text).pathname`) of an absolute http or https URL; `undefined` when
 * the text is not one. Plain URLs are read without the URL parser.
 */
export function httpUrlPath(text: string): string | undefined {
  const plain = plainHttpPath(text);
  if (plain !== undefined) return plain;
  if (!/^https?:\/\//i.test(text)) return undefined;
  try {
    const url = new URL(text);
    const http = (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
    return http ? url.pathname : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The path of a URL as `new URL(text).pathname` gives it, found without the URL parser for
 * a plain http(s) URL; `undefined` when the text is not a URL.
 */
export function urlPath(text: string): string | undefined {
  const plain = plainHttpPath(text);
  if (plain !== undefined) return plain;
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
