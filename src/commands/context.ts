/**
 * What every command needs first: the global options, the configuration and the
 * logger, with one-line errors instead of stack traces.
 *
 * @module
 */

import {
  type Config,
  ConfigFileError,
  ConfigInvalidError,
  formatProblem,
  loadConfig,
} from "../config/mod.ts";
import { EXIT, ExitError } from "../exit/mod.ts";
import {
  type LineLevel,
  type LoggingHandle,
  setStderrFormat,
  setupLogging,
  writeStderrLine,
} from "../log/mod.ts";

import { checkSummaryPath } from "./summary.ts";

export { ExitError } from "../exit/mod.ts";
export { signalController } from "../runner/signals.ts";

/** The global options of the command tree. */
export interface GlobalOptions {
  /** `-c/--config FILE` (repeatable: later files win). */
  config?: string[];
  /** `-v/--verbose`. */
  verbose?: boolean;
  /** `--debug`. */
  debug?: boolean;
  /** `-l/--log FILE`. */
  log?: string;
  /** `--log-format text|json`. */
  logFormat?: "text" | "json";
  /** `--summary-json FILE`: the run's summary as JSON (written by `main.ts`). */
  summaryJson?: string;
}

/** A loaded configuration and configured logging. */
export interface CommandContext {
  /** The checked configuration. */
  config: Config;
  /** The global options. */
  options: GlobalOptions;
  /** Logging (close at the end). */
  logging: LoggingHandle;
}

/** Writes a line to standard error (a JSON record with `--log-format json`). */
export function printError(line: string, level: LineLevel = "ERROR"): void {
  writeStderrLine(line, level);
}

/** Loads the configuration (exit 2 with one line per problem when it is invalid) and sets up logging. */
export async function openContext(options: GlobalOptions): Promise<CommandContext> {
  setStderrFormat(options.logFormat ?? "text");
  let loaded;
  try {
    loaded = await loadConfig({ configFile: options.config });
  } catch (error) {
    if (error instanceof ConfigFileError || error instanceof ConfigInvalidError) {
      throw new ExitError(
        `configuration: ${error.message.split("\n").join("\nconfiguration: ")}`,
        EXIT.configuration,
      );
    }
    throw error;
  }
  const logging = await setupLogging({
    verbose: options.verbose,
    debug: options.debug,
    logFile: options.log,
    format: options.logFormat,
    clearLine: options.verbose === true && Deno.stderr.isTerminal() && options.logFormat !== "json",
  });
  if (options.summaryJson !== undefined) {
    try {
      await checkSummaryPath(options.summaryJson);
    } catch (error) {
      await logging.close();
      throw error;
    }
  }
  for (const warning of loaded.warnings) {
    printError(`configuration: ${formatProblem(warning)}`, "WARN");
  }
  return { config: loaded.config, options, logging };
}
