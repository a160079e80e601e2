/**
 * `config show`: the merged configuration with every secret redacted, as TOML or
 * JSON, whole or one section or one key.
 *
 * @module
 */

import { stringify } from "smol-toml";
import { type ConfigTree, isTable } from "./tree.ts";
import { dottedKey, leaves, type Origins } from "./origin.ts";

/** What a redacted secret is shown as. */
export const REDACTED = "***";

/** Whether a key names a secret. */
export function isSecretKey(key: string): boolean {
  return /pass(word)?|secret|token|credential|api[._-]?key/i.test(key);
}

/** A deep copy of the tree with every non-empty secret replaced by {@linkcode REDACTED}. */
export function redact(tree: ConfigTree): ConfigTree {
  const out: ConfigTree = {};
  for (const [key, value] of Object.entries(tree)) {
    if (isTable(value)) out[key] = redact(value);
    else if (isSecretKey(key) && value !== "" && value !== undefined) out[key] = REDACTED;
    else out[key] = value;
  }
  return out;
}

/** Options of {@linkcode showConfig}. */
export interface ShowOptions {
  /** Output format (default `toml`). */
  format?: "toml" | "json";
  /** A dotted section, e.g. `kafka` or `consumer.transient`. */
  section?: string;
  /** A key: dotted from the top (`handle.prefix`), or inside `section`. */
  key?: string;
}

/** Thrown when `--section` or `--key` names nothing. */
export class ShowError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "ShowError";
  }
}

/** Renders the redacted tree, or the part of it that `section` / `key` select. */
export function showConfig(tree: ConfigTree, options: ShowOptions = {}): string {
  const format = options.format ?? "toml";
  let node: unknown = redact(tree);
  let path: string[] = [];
  if (options.section) {
    path = options.section.split(".");
    node = walk(node, path, `no section [${options.section}]`);
    if (!isTable(node)) throw new ShowError(`${options.section} is a key, not a section`);
  }
  if (options.key) {
    node = lookupKey(node as ConfigTree, options.key, path.join("."));
    return format === "json" ? JSON.stringify(node, null, 2) : scalarText(node);
  }
  if (format === "json") return JSON.stringify(node, null, 2);
  const wrapped = path.reduceRight<ConfigTree>(
    (inner, name) => ({ [name]: inner }),
    node as ConfigTree,
  );
  return stringify(wrapped);
}

function walk(node: unknown, path: string[], missing: string): unknown {
  for (const part of path) {
    if (!isTable(node) || !(part in node)) throw new ShowError(missing);
    node = node[part];
  }
  return node;
}

function lookupKey(table: ConfigTree, key: string, where: string): unknown {
  if (key in table) return table[key]; // quoted keys such as "bootstrap.servers"
  const parts = key.split(".");
  for (let i = 1; i < parts.length; i++) {
    const head = parts.slice(0, i).join(".");
    if (isTable(table[head])) {
      return lookupKey(table[head] as ConfigTree, parts.slice(i).join("."), `${where}.${head}`);
    }
  }
  throw new ShowError(`no key ${key}${where ? ` in [${where}]` : ""}`);
}

function scalarText(value: unknown): string {
  if (isTable(value)) return stringify(value);
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/**
 * Every value with the layer that set it, one `key = value  # origin` line each (JSON:
 * `{key: {value, origin}}`), secrets redacted; `section` keeps only that part.
 */
export function showOrigins(
  tree: ConfigTree,
  origins: Origins,
  options: Pick<ShowOptions, "format" | "section"> = {},
): string {
  const prefix = options.section ? `${dottedKey(options.section.split("."))}.` : "";
  const rows = leaves(redact(tree))
    .map(([path, value]) => [dottedKey(path), value] as const)
    .filter(([key]) => !prefix || key.startsWith(prefix));
  if (prefix && rows.length === 0) throw new ShowError(`no section [${options.section}]`);
  const originOf = (key: string): string => origins.get(key) ?? "packaged defaults";
  if (options.format === "json") {
    return JSON.stringify(
      Object.fromEntries(rows.map(([key, value]) => [key, { value, origin: originOf(key) }])),
      null,
      2,
    );
  }
  const lines = rows.map(([key, value]) => [`${key} = ${JSON.stringify(value)}`, originOf(key)]);
  const width = Math.min(56, Math.max(...lines.map(([text]) => text.length)));
  return lines.map(([text, origin]) => `${text.padEnd(width)}  # ${origin}`).join("\n");
}
