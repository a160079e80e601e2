/**
 * The rules a value must keep to go into a Handle record: URLs are absolute http(s)
 * without credentials, spaces or control characters; node hosts are DNS names (or
 * IP addresses); no text holds a control character or a lone surrogate. Each check
 * returns a short problem ("holds credentials") or `undefined`.
 *
 * @module
 */

import type { HandleRecord } from "../records/mod.ts";

/** Record fields whose value is a URL. */
export const URL_FIELDS: readonly string[] = ["URL", "DOWNLOAD_URL"];

/** Record fields whose value is a list of URLs. */
export const URL_LIST_FIELDS: readonly string[] = ["REPLICA_DOWNLOAD_URLS"];

/** Record fields whose value is a node entry or a list of them, with a `host`. */
export const NODE_FIELDS: readonly string[] = ["HOSTING_NODE", "REPLICA_NODES"];

// C0 controls, DEL and C1 controls.
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;
const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
// Printable ASCII: no control character, no surrogate.
const PLAIN_TEXT = /^[\x20-\x7e]*$/;
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
  if (text.length <= 2048 && PLAIN_HTTP_URL.test(text)) return undefined;
  return parsedUrlProblem(text);
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

/** How many of the last URLs that passed {@linkcode PassedChecks} keeps. */
const RECENT_URLS = 4;

/**
 * Host names that passed {@linkcode hostProblem}, for every event of the process: data nodes
 * are few and come back in every event. Emptied when full, so that hostile names cannot grow it.
 */
const PASSED_HOSTS = new Set<string>();
const PASSED_HOSTS_MAX = 4096;

/**
 * The URL and host checks above with a memory of texts that passed them. Each check is a
 * pure function of its text, so a text equal to one that passed passes again without a
 * second scan; a failure is worked out (with its reason) every time. A URL is checked where it
 * is read and again soon after, in its record: the last few URLs that passed are kept (found
 * by comparison, no hashing of long texts); hosts are kept for the process (bounded). Meant
 * to live for one event.
 */
export class PassedChecks {
  #recentUrls: string[] = [];
  #next = 0;

  /** {@linkcode urlProblem}, remembered. */
  url(text: string): string | undefined {
    const recent = this.#recentUrls;
    for (let i = 0; i < recent.length; i++) if (recent[i] === text) return undefined;
    const problem = urlProblem(text);
    if (problem === undefined) {
      recent[this.#next] = text;
      this.#next = (this.#next + 1) % RECENT_URLS;
    }
    return problem;
  }

  /** {@linkcode hostProblem}, remembered (for the process: see `PASSED_HOSTS`). */
  host(text: string): string | undefined {
    if (PASSED_HOSTS.has(text)) return undefined;
    const problem = hostProblem(text);
    if (problem === undefined) {
      if (PASSED_HOSTS.size >= PASSED_HOSTS_MAX) PASSED_HOSTS.clear();
      PASSED_HOSTS.add(text);
    }
    return problem;
  }
}

/** Why an `alternate` entry is unsafe: its key is not a host name or its `href` not a safe URL. */
export function alternateProblem(
  name: string,
  alternate: unknown,
  options: { checks?: PassedChecks } = {},
): string | undefined {
  const checks = options.checks ?? new PassedChecks();
  const host = checks.host(name);
  if (host !== undefined) return `name ${host}`;
  const href = typeof alternate === "object" && alternate !== null
    ? (alternate as { href?: unknown }).href
    : undefined;
  if (href === undefined || href === null || href === "") return undefined;
  if (typeof href !== "string") return `href ${shown(href)} is not a text`;
  const problem = checks.url(href.trim());
  return problem === undefined ? undefined : `href ${shown(href)} ${problem}`;
}

/** The text naming an alternate of an asset in a problem or warning. */
export function alternateLabel(key: string, name: string): string {
  return `asset ${key}: alternate ${shown(name)}`;
}

/**
 * Every breach of the rules in a record, each naming its field: URL fields, node
 * hosts, and control characters or lone surrogates in any text (keys included).
 * `checks` may remember URLs and hosts that already passed (see {@linkcode PassedChecks}).
 */
export function recordProblems(
  record: HandleRecord,
  checks: PassedChecks = new PassedChecks(),
): string[] {
  return isCleanRecord(record, checks) ? [] : recordProblemsInFull(record, checks);
}

/**
 * {@linkcode recordProblems} without its shortcut for clean records: every field, for every
 * reason. Exported for the test that holds the shortcut to it.
 */
export function recordProblemsInFull(
  record: HandleRecord,
  checks: PassedChecks = new PassedChecks(),
): string[] {
  const problems: string[] = [];
  const fields: Array<[string, unknown]> = [["URL", record.URL], ...Object.entries(record.data)];
  for (const [field, value] of fields) {
    if (URL_FIELDS.includes(field)) {
      const problem = typeof value === "string" ? checks.url(value) : "is not a text";
      if (problem) problems.push(`${field} ${shown(value)} ${problem}`);
    } else if (URL_LIST_FIELDS.includes(field)) {
      for (const url of Array.isArray(value) ? value : [value]) {
        const problem = typeof url === "string" ? checks.url(url) : "is not a text";
        if (problem) problems.push(`${field} entry ${shown(url)} ${problem}`);
      }
    } else if (NODE_FIELDS.includes(field)) {
      for (const node of Array.isArray(value) ? value : [value]) {
        const host = (node as { host?: unknown } | null)?.host;
        const problem = typeof host === "string" ? checks.host(host) : "is not a text";
        if (problem) problems.push(`${field} host ${shown(host)} ${problem}`);
      }
    }
    const text = deepTextProblem(value);
    if (text) problems.push(`${field} ${text}`);
  }
  return [...new Set(problems)];
}

/** What the rules make of a record field: a URL, a list of URLs, node entries, or only texts. */
const FIELD_KINDS = new Map<string, "url" | "urls" | "nodes">([
  ...URL_FIELDS.map((field) => [field, "url"] as const),
  ...URL_LIST_FIELDS.map((field) => [field, "urls"] as const),
  ...NODE_FIELDS.map((field) => [field, "nodes"] as const),
]);

/**
 * Whether {@linkcode recordProblems} finds nothing, the quick way: URL fields and node hosts
 * pass their checks (a URL that passes holds no control character), and all other texts pass
 * {@linkcode textProblem} (printable ASCII passes at a glance).
 */
function isCleanRecord(record: HandleRecord, checks: PassedChecks): boolean {
  // the landing page: checked once only, not worth remembering
  if (typeof record.URL !== "string" || urlProblem(record.URL) !== undefined) return false;
  const data = record.data;
  for (const field in data) {
    if (!Object.hasOwn(data, field)) continue;
    const value = data[field];
    const kind = FIELD_KINDS.get(field);
    if (kind === "url") {
      if (typeof value !== "string" || checks.url(value) !== undefined) return false;
    } else if (kind === "urls") {
      const urls = Array.isArray(value) ? value : [value];
      for (let i = 0; i < urls.length; i++) {
        if (typeof urls[i] !== "string" || checks.url(urls[i]) !== undefined) return false;
      }
    } else {
      if (kind === "nodes") {
        const nodes = Array.isArray(value) ? value : [value];
        for (let i = 0; i < nodes.length; i++) {
          const host = (nodes[i] as { host?: unknown } | null)?.host;
          if (typeof host !== "string" || checks.host(host) !== undefined) return false;
        }
      }
      if (typeof value === "string") {
        if (!isCleanText(value)) return false;
      } else if (typeof value === "object" && value !== null) {
        if (!hasCleanTexts(value)) return false;
      }
    }
  }
  return true;
}

/** Whether a text passes {@linkcode textProblem}; printable ASCII at a glance. */
function isCleanText(text: string): boolean {
  return PLAIN_TEXT.test(text) || textProblem(text) === undefined;
}

/** Whether every text of an object or array (elements, keys and values, deep) is clean. */
function hasCleanTexts(value: object): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next === "string") {
      if (!isCleanText(next)) return false;
    } else if (typeof next === "object" && next !== null) {
      const array = Array.isArray(next);
      for (const [key, element] of Object.entries(next)) {
        if (!array && !isCleanText(key)) return false;
        stack.push(element);
      }
    }
  }
  return true;
}

/** The first control character or lone surrogate in any text of a value, keys included. */
function deepTextProblem(value: unknown): string | undefined {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next === "string") {
      const problem = textProblem(next);
      if (problem) return `${shown(next)} ${problem}`;
    } else if (typeof next === "object" && next !== null) {
      for (const [key, element] of Object.entries(next)) {
        if (!Array.isArray(next)) stack.push(key);
        stack.push(element);
      }
    }
  }
  return undefined;
}
