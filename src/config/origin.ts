/**
 * Which layer set each value: the packaged defaults, the system file, `--config`, or
 * an environment variable. `config show --origin` prints it next to every key.
 *
 * @module
 */

import { type ConfigTree, isTable } from "./tree.ts";

/** Dotted key (a key holding a dot quoted, e.g. `kafka."bootstrap.servers"`) → layer. */
export type Origins = Map<string, string>;

/** The dotted form of a key path. */
export function dottedKey(path: string[]): string {
  return path.map((part) => /^[A-Za-z0-9_-]+$/.test(part) ? part : JSON.stringify(part)).join(
    ".",
  );
}

/** Marks every value of `layer` as set by `origin`. */
export function recordOrigins(
  origins: Origins,
  layer: ConfigTree,
  origin: string,
  path: string[] = [],
): void {
  for (const [key, value] of Object.entries(layer)) {
    if (isTable(value)) recordOrigins(origins, value, origin, [...path, key]);
    else origins.set(dottedKey([...path, key]), origin);
  }
}

/** Every leaf of a tree as `[path, value]`, in the tree's order. */
export function leaves(tree: ConfigTree, path: string[] = []): Array<[string[], unknown]> {
  const out: Array<[string[], unknown]> = [];
  for (const [key, value] of Object.entries(tree)) {
    if (isTable(value)) out.push(...leaves(value, [...path, key]));
    else out.push([[...path, key], value]);
  }
  return out;
}
