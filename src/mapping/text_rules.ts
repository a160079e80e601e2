/**
 * The rules a text must keep to go into a Handle record: URLs are absolute http(s) without
 * credentials, spaces or control characters; node hosts are DNS names (or IP addresses); no
 * text holds a control character or a lone surrogate. Each check returns a short problem
 * ("holds credentials") or `undefined`. The plain-URL shortcut and its pieces are exported for
 * `passed_checks.ts`.
 *
 * @module
 */

// C0 controls, DEL and C1 controls.
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;
const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
// Printable ASCII: no control character, no surrogate.
export const PLAIN_TEXT = /^[\x20-\x7e]*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** A value shown in a reason: JSON, cut to `max` characters. */
export function shown(value: unknown, max = 80): string {
  const text = typeof value === "string" && value.length > max
    ? JSON.stringify(value.slice(0, max)) + "…"
    : JSON.stringify(value) ?? String(value);
  return text.length > max + 3 ? text.slice(0, max) + "…" : text;
}

/** Whether a text holds a control character or a lone surrogate, and where. */
export function textProblem(text: string): string | undefined {
  const control = CONTROL.exec(text);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
    return `holds control character U+${code} at ${control.index}`;
  }
  if (!text.isWellFormed()) return "holds a lone surrogate (not well-formed Unicode)";
  return undefined;
}

/** Whether a text is not a DNS host name (or IPv4 address). */
export function hostProblem(host: string): string | undefined {
  const text = textProblem(host);
  if (text !== undefined) return text;
  if (IPV4.test(host)) return undefined;
  if (host.length > 253 || !host.split(".").every((label) => LABEL.test(label))) {
    return "is not a DNS host name";
  }
  return undefined;
}

/**
 * A plain `http(s)://host[:port][/visible ASCII but \\]` with DNS labels and a last label that
 * starts with a letter: safe without asking the URL parser (the common case, fast). A host
 * longer than a DNS name (253) and a label that starts with `xn--` (punycode, which the parser
 * decodes and may refuse) take the slow way, as `parsedUrlProblem` would not pass them all.
 */
const PLAIN_HTTP_URL =
  /^https?:\/\/(?=[^:/?#]{1,253}(?:[:/?#]|$))(?:(?![Xx][Nn]--)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*(?![Xx][Nn]--)[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?::\d{1,4})?(?:[/?#][!-[\]-~]*)?$/;

/** Whether a text is not an absolute http(s) URL without credentials, spaces or control characters. */
export function urlProblem(text: string): string | undefined {
  return isPlainHttpUrl(text) ? undefined : parsedUrlProblem(text);
}

/** The longest URL the shortcut of {@linkcode urlProblem} takes. */
export const MAX_PLAIN_URL = 2048;

/** Whether a text takes the shortcut of {@linkcode urlProblem}: a plain http(s) URL. */
export function isPlainHttpUrl(text: string): boolean {
  return text.length <= MAX_PLAIN_URL && PLAIN_HTTP_URL.test(text);
}

/** What the shortcut's pattern takes after a host and port: visible ASCII but `\\`. */
export const PLAIN_REST = /^[!-[\]-~]*$/;

/**
 * The head of a plain URL up to its last `/`, when that `/` comes after the host (else
 * `undefined`): this head followed by any text {@linkcode PLAIN_REST} takes is a plain URL too
 * (up to {@linkcode MAX_PLAIN_URL}), as the shortcut's pattern reads host and port from the
 * head alone.
 */
export function plainUrlStem(text: string): string | undefined {
  let hostEnd = text.indexOf("://") + 3;
  while (hostEnd < text.length && !":/?#".includes(text[hostEnd])) hostEnd++;
  const lastSlash = text.lastIndexOf("/");
  return lastSlash >= hostEnd ? text.slice(0, lastSlash + 1) : undefined;
}

/**
 * {@linkcode urlProblem} without its shortcut for plain URLs: every rule, the URL parser
 * included. Exported for the test that holds the shortcut to it.
 */
export function parsedUrlProblem(text: string): string | undefined {
  const problem = textProblem(text);
  if (problem !== undefined) return problem;
  if (!/^https?:\/\//i.test(text)) return "is not an http(s) URL";
  if (/\s/.test(text)) return "holds a space";
  // Parsers disagree on a backslash (WHATWG reads it as "/", others as part of the host).
  if (text.includes("\\")) return "holds a backslash";
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "is not a valid URL";
  }
  if (url.username !== "" || url.password !== "") return "holds credentials";
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (url.hostname.startsWith("[")) return host.includes(":") ? undefined : "has a bad host";
  return hostProblem(host) === undefined ? undefined : "has a host that is not a DNS name";
}
