/**
 * The Python tool's configuration, read unchanged: old key names become today's
 * (aliases, silently), and keys that no longer mean anything are dropped with one
 * warning each saying why.
 *
 * @module
 */

import { type ConfigTree, isTable } from "./tree.ts";

/** A key of a layer that was dropped, and why. */
export interface LegacyNote {
  /** Dotted key, as written in the layer. */
  key: string;
  /** Why it is ignored. */
  message: string;
  /** The layer it came from. */
  origin: string;
}

/** Keys that no longer mean anything: dotted path (`*` = any plugin) → why. */
const OBSOLETE: ReadonlyArray<readonly [string[], string]> = [
  [
    ["consumer", "retry_topic"],
    "ignored: there is no retry topic; failed and skipped events go to outputs/ and " +
    "`piddiplatsch retry` replays them",
  ],
  [
    ["plugins", "*", "preferred_asset_keys"],
    "ignored: every data asset of an item gets its own file handle; use excluded_asset_keys " +
    "to leave assets out",
  ],
];

/** Moves `from[key]` to `to[newKey]` unless `to` already has it. */
function rename(from: ConfigTree, key: string, to: ConfigTree, newKey: string): void {
  if (!(key in from)) return;
  if (!(newKey in to)) to[newKey] = from[key];
  delete from[key];
}

/**
 * Rewrites one layer of the Python tool's layout in place: `[cmip6]` → `[plugins.cmip6]`,
 * `[elasticsearch] base_url` → `url`; drops obsolete keys and returns a note for each.
 */
export function upgradePythonLayout(tree: ConfigTree, origin: string): LegacyNote[] {
  // [cmip6] was the plugin's table before [plugins.cmip6].
  if (isTable(tree.cmip6)) {
    const plugins = isTable(tree.plugins) ? tree.plugins : (tree.plugins = {});
    const target = isTable(plugins.cmip6) ? plugins.cmip6 : (plugins.cmip6 = {});
    for (const [key, value] of Object.entries(tree.cmip6)) {
      if (!(key in target)) target[key] = value;
    }
    delete tree.cmip6;
  }
  if (isTable(tree.elasticsearch)) {
    rename(tree.elasticsearch, "base_url", tree.elasticsearch, "url");
  }
  const notes: LegacyNote[] = [];
  for (const [path, message] of OBSOLETE) drop(tree, path, [], { message, origin, notes });
  return notes;
}

function drop(
  table: ConfigTree,
  path: string[],
  seen: string[],
  context: { message: string; origin: string; notes: LegacyNote[] },
): void {
  const [head, ...rest] = path;
  const keys = head === "*" ? Object.keys(table) : [head];
  for (const key of keys) {
    if (!(key in table)) continue;
    if (rest.length === 0) {
      delete table[key];
      context.notes.push({
        key: [...seen, key].join("."),
        message: context.message,
        origin: context.origin,
      });
    } else if (isTable(table[key])) {
      drop(table[key] as ConfigTree, rest, [...seen, key], context);
    }
  }
}
