/**
 * The last guard of a Handle record, and the checks of alternates: URL fields hold safe
 * URLs, node hosts are DNS names, and no text (keys included) holds a control character or
 * a lone surrogate. The rules themselves are in `text_rules.ts`, their memory for an event in
 * `passed_checks.ts`; both are re-exported here.
 *
 * @module
 */

import type { HandleRecord } from "../records/mod.ts";
import { PassedChecks } from "./passed_checks.ts";
import { PLAIN_TEXT, shown, textProblem } from "./text_rules.ts";

export { PassedChecks } from "./passed_checks.ts";
export { hostProblem, parsedUrlProblem, shown, textProblem, urlProblem } from "./text_rules.ts";

/** Record fields whose value is a URL. */
export const URL_FIELDS: readonly string[] = ["URL", "DOWNLOAD_URL"];

/** Record fields whose value is a list of URLs. */
export const URL_LIST_FIELDS: readonly string[] = ["REPLICA_DOWNLOAD_URLS"];

/** Record fields whose value is a node entry or a list of them, with a `host`. */
export const NODE_FIELDS: readonly string[] = ["HOSTING_NODE", "REPLICA_NODES"];

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
  // the landing page: its head (base and prefix) is shared by the records of an event
  if (typeof record.URL !== "string" || checks.url(record.URL) !== undefined) return false;
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
