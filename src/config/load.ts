/**
 * Reads the configuration layers and merges them: packaged defaults, then the
 * system file, then `--config FILE`, then `PIDDI_<SECTION>__<KEY>` variables (any key,
 * `env.ts`), then the secret variables (`PIDDI_HANDLE_PASSWORD`, …).
 *
 * @module
 */

import { parse, TomlError } from "smol-toml";
import { describeError } from "../errors/mod.ts";
import { type LegacyNote, upgradePythonLayout } from "./legacy.ts";
import { dottedKey, type Origins, recordOrigins } from "./origin.ts";
import { applyEnvironment } from "./env.ts";
import { type ConfigTree, isTable } from "./tree.ts";

export { type ConfigTree, isTable } from "./tree.ts";

/** The system-wide configuration file, read when present. */
export const SYSTEM_CONFIG_FILE = "/etc/piddiplatsch/piddiplatsch.toml";

/** Environment variables that override secrets, and the key each one sets. */
export const SECRET_ENV: Readonly<Record<string, readonly [string, string]>> = {
  PIDDI_HANDLE_PASSWORD: ["handle", "password"],
  PIDDI_KAFKA_SASL_PASSWORD: ["kafka", "sasl.password"],
  PIDDI_ES_PASSWORD: ["elasticsearch", "password"],
};

/** Keys of the Python tool's flat `[consumer]` layout and where they live now. */
const LEGACY_CONSUMER_KEYS: Readonly<Record<string, string>> = {
  stop_on_transient_skip: "stop_on_skip",
  transient_retries: "retries",
  transient_backoff_initial: "backoff_initial",
  transient_backoff_max: "backoff_max",
  preflight_stac: "preflight_stac",
};

/** The raw layers that were read, and their merge. */
export interface LoadedLayers {
  /** The merged tree (not yet checked). */
  tree: ConfigTree;
  /** The packaged defaults alone. */
  defaults: ConfigTree;
  /** Where each layer came from, in order. */
  sources: string[];
  /** Which layer set each value (dotted key → layer). */
  origins: Origins;
  /** Keys of the Python tool that are ignored, one note each. */
  notes: LegacyNote[];
}

/** Options of {@linkcode loadLayers}. */
export interface LoadLayersOptions {
  /** `--config FILE`: must exist. */
  configFile?: string | string[];
  /** The system file (default {@linkcode SYSTEM_CONFIG_FILE}); read only if present. */
  systemFile?: string;
  /** Environment to read keys and secrets from (default: the process environment). */
  env?: Record<string, string | undefined>;
}

/** Thrown when a layer cannot be read or parsed; the message is one line. */
export class ConfigFileError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "ConfigFileError";
  }
}

/** The packaged defaults as TOML text (shipped inside a compiled binary with `--include`). */
export async function defaultConfigText(): Promise<string> {
  return await Deno.readTextFile(new URL("../../config/default.toml", import.meta.url));
}

/**
 * Parses TOML text; a syntax error becomes a one-line {@linkcode ConfigFileError} with
 * file, line, column and the key (or table) there, never the text of the line: it may
 * hold a password.
 */
export function parseToml(text: string, origin: string): ConfigTree {
  try {
    return parse(text) as ConfigTree;
  } catch (error) {
    if (!(error instanceof TomlError)) {
      throw new ConfigFileError(`${origin}: invalid TOML: ${describeError(error)}`);
    }
    // smol-toml's message is "Invalid TOML document: <what>" and then a code frame.
    const what = /^Invalid TOML document: ([^\n]*)/.exec(error.message)?.[1] ?? "syntax error";
    const where = keyAt(text, error.line);
    throw new ConfigFileError(
      `${origin}: invalid TOML at line ${error.line}, column ${error.column}${
        where ? ` (${where})` : ""
      }: ${what}`,
    );
  }
}

/** The key defined on line `line` (1-based) with its table, or the table, as "key a.b". */
function keyAt(text: string, line: number): string | undefined {
  const lines = text.split(/\r?\n/).slice(0, line);
  const current = lines[lines.length - 1] ?? "";
  const part = String.raw`(?:[A-Za-z0-9_-]+|"[^"\\\n]{0,60}"|'[^'\n]{0,60}')`;
  const dotted = String.raw`${part}(?:\s*\.\s*${part})*`;
  const header = new RegExp(String.raw`^\s*\[\[?\s*(${dotted})\s*\]`);
  const asHeader = header.exec(current)?.[1];
  if (asHeader) return `table [${asHeader}]`;
  let table: string | undefined;
  for (const earlier of lines.slice(0, -1)) table = header.exec(earlier)?.[1] ?? table;
  const key = new RegExp(String.raw`^\s*(${dotted})\s*=`).exec(current)?.[1];
  if (key) return `key ${table ? `${table}.` : ""}${key}`;
  return table ? `in table [${table}]` : undefined;
}

/** Rewrites the Python tool's legacy keys into today's layout (in place) and returns the tree. */
export function upgradeLegacyKeys(tree: ConfigTree): ConfigTree {
  const consumer = tree.consumer;
  if (isTable(consumer) && "processor" in consumer) {
    // The Python tool's one plugin: `processor = "cmip6"` means `projects = ["cmip6"]`.
    const processor = consumer.processor;
    if (!("projects" in consumer)) {
      consumer.projects = typeof processor === "string" && processor.trim().toLowerCase() !== "all"
        ? [processor]
        : processor;
    }
    delete consumer.processor;
  }
  if (isTable(consumer)) {
    for (const [oldKey, newKey] of Object.entries(LEGACY_CONSUMER_KEYS)) {
      if (!(oldKey in consumer)) continue;
      const transient = isTable(consumer.transient) ? consumer.transient : {};
      if (!(newKey in transient)) transient[newKey] = consumer[oldKey];
      consumer.transient = transient;
      delete consumer[oldKey];
    }
  }
  const handle = tree.handle;
  if (isTable(handle) && handle.backend === "pyhandle") handle.backend = "rest";
  const handles = isTable(tree.handles) ? tree.handles : {};
  const profiles = isTable(handles.profiles) ? Object.values(handles.profiles) : [];
  for (const profile of [handles.defaults, ...profiles]) {
    if (isTable(profile) && profile.backend === "pyhandle") profile.backend = "rest";
  }
  return tree;
}

/** Merges `over` into `base` (tables recursively, everything else replaced); returns a new tree. */
export function mergeTrees(base: ConfigTree, over: ConfigTree): ConfigTree {
  const out: ConfigTree = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isTable(current) && isTable(value) ? mergeTrees(current, value) : value;
  }
  return out;
}

/** Reads the layers in order and merges them; the secrets from the environment come last. */
export async function loadLayers(options: LoadLayersOptions = {}): Promise<LoadedLayers> {
  const defaults = upgradeLegacyKeys(parseToml(await defaultConfigText(), "packaged defaults"));
  let tree = structuredClone(defaults);
  const sources = ["packaged defaults"];
  const origins: Origins = new Map();
  const notes: LegacyNote[] = [];
  recordOrigins(origins, defaults, "packaged defaults");
  const layer = (text: string, origin: string): ConfigTree => {
    const parsed = parseToml(text, origin);
    notes.push(...upgradePythonLayout(parsed, origin));
    const upgraded = upgradeLegacyKeys(parsed);
    recordOrigins(origins, upgraded, origin);
    return upgraded;
  };
  const systemFile = options.systemFile ?? SYSTEM_CONFIG_FILE;
  const systemText = await readIfPresent(systemFile);
  if (systemText !== undefined) {
    tree = mergeTrees(tree, layer(systemText, systemFile));
    sources.push(systemFile);
  }
  const files = options.configFile === undefined
    ? []
    : Array.isArray(options.configFile)
    ? options.configFile
    : [options.configFile];
  for (const file of files) {
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch (error) {
      const why = error instanceof Deno.errors.NotFound ? "no such file" : describeError(error);
      throw new ConfigFileError(`--config ${file}: ${why}`);
    }
    tree = mergeTrees(tree, layer(text, file));
    sources.push(file);
  }
  const env = options.env ?? Deno.env.toObject();
  for (const { name } of applyEnvironment(tree, env, origins)) sources.push(`$${name}`);
  for (const [name, [section, key]] of Object.entries(SECRET_ENV)) {
    const value = env[name];
    if (value === undefined || value === "") continue;
    const table = isTable(tree[section]) ? tree[section] as ConfigTree : {};
    table[key] = value;
    tree[section] = table;
    sources.push(`$${name}`);
    origins.set(dottedKey([section, key]), `$${name}`);
  }
  applyProfileSecrets(tree, env, { sources, origins });
  return { tree, defaults, sources, origins, notes };
}

/** The environment variable that holds the password of Handle profile `name`. */
export function profilePasswordEnv(name: string): string {
  return `PIDDI_HANDLE_${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_PASSWORD`;
}

/**
 * Sets each `[handles.profiles.NAME]` password from `PIDDI_HANDLE_<NAME>_PASSWORD`; the
 * default profile (`handles.default`) also takes `PIDDI_HANDLE_PASSWORD` unless its own is set.
 */
function applyProfileSecrets(
  tree: ConfigTree,
  env: Record<string, string | undefined>,
  record: { sources: string[]; origins: Origins },
): void {
  const { sources, origins } = record;
  const handles = tree.handles;
  if (!isTable(handles) || !isTable(handles.profiles)) return;
  for (const [name, profile] of Object.entries(handles.profiles)) {
    if (!isTable(profile)) continue;
    const variable = profilePasswordEnv(name);
    let value = env[variable];
    let from = variable;
    if (!value && name === handles.default) {
      [value, from] = [env.PIDDI_HANDLE_PASSWORD, "PIDDI_HANDLE_PASSWORD"];
    }
    if (!value) continue;
    profile.password = value;
    origins.set(dottedKey(["handles", "profiles", name, "password"]), `$${from}`);
    if (env[variable]) sources.push(`$${variable}`);
  }
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new ConfigFileError(`${path}: ${describeError(error)}`);
  }
}
