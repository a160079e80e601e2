/**
 * The plain configuration tree every layer parses to, and the one test of a table.
 *
 * @module
 */

/** A plain configuration tree, as parsed from TOML. */
export type ConfigTree = Record<string, unknown>;

/** Whether a value is a TOML table (a plain object). */
export function isTable(value: unknown): value is ConfigTree {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof Date);
}
