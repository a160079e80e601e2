/**
 * Every configuration key from the environment: `PIDDI_<SECTION>__<KEY>`, one `__`
 * between the parts of the key's path, e.g.
 *
 * ```text
 * PIDDI_CONSUMER__TOPIC=CMIP6                   [consumer] topic
 * PIDDI_CONSUMER__TRANSIENT__RETRIES=5          [consumer.transient] retries
 * PIDDI_KAFKA__BOOTSTRAP_SERVERS=h1:9092,h2:9092  [kafka] "bootstrap.servers"
 * PIDDI_HANDLES__PROFILES__MAIN__SERVER_URL=…   [handles.profiles.main] server_url
 * ```
 *
 * A part names the key of the configuration so far (the layers below) whose name, upper-cased
 * with `.` and `-` as `_`, is the part; a key not there yet is the part lower-cased (in
 * `[kafka]`, with `_` as `.`: librdkafka's names). A value replaces a text as it is; any
 * other value is read as a TOML value (`5`, `true`, `["a", "b"]`), else taken as text.
 * These variables override every file; the secret variables (`PIDDI_HANDLE_PASSWORD`, …)
 * come last.
 *
 * @module
 */

import { parse } from "smol-toml";
import { type ConfigTree, isTable } from "./tree.ts";
import { dottedKey, type Origins } from "./origin.ts";

/** The prefix of every configuration variable. */
export const ENV_PREFIX = "PIDDI_";

/** What separates the parts of a key's path in a variable's name. */
export const ENV_SEPARATOR = "__";

/** The environment variable that sets the key at `path`. */
export function envName(path: string[]): string {
  return ENV_PREFIX + path.map(envPart).join(ENV_SEPARATOR);
}

function envPart(key: string): string {
  return key.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

/** A variable set by the environment: its name and the key path it set. */
export interface EnvSetting {
  /** The variable's name. */
  name: string;
  /** The key path it set. */
  path: string[];
}

/**
 * Sets every `PIDDI_<SECTION>__<KEY>` variable of `env` into `tree` (in place, in name
 * order) and records its origin; returns what was set.
 */
export function applyEnvironment(
  tree: ConfigTree,
  env: Record<string, string | undefined>,
  origins: Origins,
): EnvSetting[] {
  const settings: EnvSetting[] = [];
  const names = Object.keys(env).filter((name) =>
    name.startsWith(ENV_PREFIX) && name.includes(ENV_SEPARATOR)
  ).sort();
  for (const name of names) {
    const value = env[name];
    if (value === undefined) continue;
    const parts = name.slice(ENV_PREFIX.length).split(ENV_SEPARATOR);
    if (parts.some((part) => part === "")) continue;
    const path: string[] = [];
    let table = tree;
    for (const [i, part] of parts.entries()) {
      const key = keyFor(table, part, path);
      path.push(key);
      if (i === parts.length - 1) {
        table[key] = valueFor(value, table[key]);
      } else {
        if (!isTable(table[key])) table[key] = {};
        table = table[key] as ConfigTree;
      }
    }
    origins.set(dottedKey(path), `$${name}`);
    settings.push({ name, path });
  }
  return settings;
}

/** The key of `table` a variable's part names (see the module's text). */
function keyFor(table: ConfigTree, part: string, path: string[]): string {
  const wanted = part.toUpperCase();
  const existing = Object.keys(table).find((key) => envPart(key) === wanted);
  if (existing !== undefined) return existing;
  const key = part.toLowerCase();
  return path.length === 1 && path[0] === "kafka" ? key.replaceAll("_", ".") : key;
}

/** The value of a variable: text where the key holds text, else a TOML value if it is one. */
function valueFor(text: string, current: unknown): unknown {
  if (typeof current === "string") return text;
  try {
    return (parse(`value = ${text}`) as { value: unknown }).value;
  } catch {
    return text;
  }
}
