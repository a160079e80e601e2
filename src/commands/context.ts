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
import { type LoggingHandle, setupLogging } from "../log/mod.ts";

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
}

/** Raised by commands to end with an exit code and a one-line message. */
export class ExitError extends Error {
  /** The exit code. */
  readonly code: number;
  /** Creates the error. */
  constructor(message: string, code: number) {
    super(message);
    this.name = "ExitError";
    this.code = code;
  }
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

/** Writes a line to standard error. */
export function printError(line: string): void {
  console.error(line);
}

/** Loads the configuration (exit 2 with one line per problem when it is invalid) and sets up logging. */
export async function openContext(options: GlobalOptions): Promise<CommandContext> {
  let loaded;
  try {
    loaded = await loadConfig({ configFile: options.config });
  } catch (error) {
    if (error instanceof ConfigFileError || error instanceof ConfigInvalidError) {
      throw new ExitError(
        `configuration: ${error.message.split("\n").join("\nconfiguration: ")}`,
        2,
      );
    }
    throw error;
  }
  const logging = await setupLogging({
    verbose: options.verbose,
    debug: options.debug,
    logFile: options.log,
    format: options.logFormat,
    clearLine: options.verbose === true && Deno.stderr.isTerminal(),
  });
  for (const warning of loaded.warnings) printError(`configuration: ${formatProblem(warning)}`);
  return { config: loaded.config, options, logging };
}

/** Aborts on SIGINT or SIGTERM; a second signal ends the process at once. */
export function signalController(onStop?: (signal: string) => void): {
  signal: AbortSignal;
  dispose(): void;
} {
  const controller = new AbortController();
  const handlers: Array<[Deno.Signal, () => void]> = [];
  for (const name of ["SIGINT", "SIGTERM"] as Deno.Signal[]) {
    const handler = (): void => {
      if (controller.signal.aborted) Deno.exit(130);
      onStop?.(name);
      controller.abort(name);
    };
    Deno.addSignalListener(name, handler);
    handlers.push([name, handler]);
  }
  return {
    signal: controller.signal,
    dispose(): void {
      for (const [name, handler] of handlers) Deno.removeSignalListener(name, handler);
    },
  };
}
