/**
 * Configuration: layers, checks and display. See `config/default.toml` for every key.
 *
 * @module
 */

import { loadLayers, type LoadLayersOptions } from "./load.ts";
import { formatProblem, type Problem, validateConfig } from "./validate.ts";
import type { Config } from "./schema.ts";

export type { Config } from "./schema.ts";
export {
  ConfigFileError,
  type ConfigTree,
  isTable,
  loadLayers,
  type LoadLayersOptions,
  mergeTrees,
  profilePasswordEnv,
  SECRET_ENV,
  SYSTEM_CONFIG_FILE,
} from "./load.ts";
export {
  formatProblem,
  isHostPortList,
  type Problem,
  suggest,
  validateConfig,
  type ValidateOptions,
} from "./validate.ts";
export {
  isSecretKey,
  redact,
  REDACTED,
  showConfig,
  ShowError,
  type ShowOptions,
  showOrigins,
} from "./show.ts";
export { dottedKey, type Origins } from "./origin.ts";
export { applyEnvironment, ENV_PREFIX, ENV_SEPARATOR, envName, type EnvSetting } from "./env.ts";
export type { LegacyNote } from "./legacy.ts";

/** Thrown by {@linkcode loadConfig} when the configuration has errors; one line per problem. */
export class ConfigInvalidError extends Error {
  /** The problems found. */
  readonly problems: Problem[];
  /** Creates the error from the problems found. */
  constructor(problems: Problem[]) {
    super(problems.filter((p) => p.level === "error").map(formatProblem).join("\n"));
    this.name = "ConfigInvalidError";
    this.problems = problems;
  }
}

/** A checked configuration with its warnings. */
export interface LoadedConfig {
  /** The typed configuration. */
  config: Config;
  /** Warnings found (errors throw). */
  warnings: Problem[];
  /** Where the layers came from. */
  sources: string[];
}

/**
 * Loads and checks the configuration for a command that is about to run.
 * Throws {@linkcode ConfigFileError} or {@linkcode ConfigInvalidError}.
 */
export async function loadConfig(options: LoadLayersOptions = {}): Promise<LoadedConfig> {
  const layers = await loadLayers(options);
  const { config, problems } = validateConfig(layers.tree, {
    defaults: layers.defaults,
    notes: layers.notes,
    origins: layers.origins,
  });
  if (!config) throw new ConfigInvalidError(problems);
  return {
    config,
    warnings: problems.filter((p) => p.level === "warning" && !p.audit),
    sources: layers.sources,
  };
}
