/**
 * The file name of a download URL: its last path segment, percent-decoded. Plain names
 * of checked URLs are cut from the text; anything else is asked of the URL parser.
 *
 * @module
 */

import { PassedChecks } from "./safety.ts";

/**
 * The last path segment of a URL, percent-decoded where possible; `undefined` if empty.
 * `checks` may remember URLs that already passed the URL check (see {@linkcode PassedChecks}).
 */
export function fileNameOf(
  url: string,
  checks: PassedChecks = new PassedChecks(),
): string | undefined {
  return plainFileName(url, checks) ?? parsedFileNameOf(url);
}

/**
 * {@linkcode fileNameOf} as the URL parser sees it, without the shortcut. Exported for the test
 * that holds the shortcut to it.
 */
export function parsedFileNameOf(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const segment = path.slice(path.lastIndexOf("/") + 1);
  if (segment === "") return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The file name of a URL that passes the URL check (so the parser takes it, and it holds no
 * space, backslash, control character or lone surrogate) of the form
 * `http(s)://authority/.../segment[?#...]`, when the last segment holds no `%` and is not a dot
 * segment; else `undefined` (ask the parser). Such a segment is the parser's last segment
 * (dot segments before it do not change it), and decoding what the parser percent-encodes in
 * it gives it back as it is.
 */
function plainFileName(url: string, checks: PassedChecks): string | undefined {
  let start: number;
  if (url.startsWith("https://")) start = 8;
  else if (url.startsWith("http://")) start = 7;
  else return undefined;
  if (checks.url(url) !== undefined) return undefined;
  let end = url.length;
  const query = url.indexOf("?", start);
  if (query >= 0) end = query;
  const fragment = url.indexOf("#", start);
  if (fragment >= 0 && fragment < end) end = fragment;
  const pathStart = url.indexOf("/", start);
  // no authority, or no path before the query or fragment
  if (pathStart <= start || pathStart >= end) return undefined;
  const segment = url.slice(url.lastIndexOf("/", end - 1) + 1, end);
  if (segment === "" || segment === "." || segment === ".." || segment.includes("%")) {
    return undefined;
  }
  return segment;
}
