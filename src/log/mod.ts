/**
 * Logging setup (logtape): one-line records on standard error, and with `--debug`
 * or `--log FILE` a log file (default `pid.log`, as in the Python tool).
 *
 * @module
 */

import {
  configure,
  getTextFormatter,
  type LogLevel,
  type LogRecord,
  reset,
  type Sink,
} from "@logtape/logtape";

/** Options of {@linkcode setupLogging}. */
export interface LoggingOptions {
  /** More on the console (info instead of warnings only). */
  verbose?: boolean;
  /** Debug-level records in the log file. */
  debug?: boolean;
  /** The log file; with `debug` and no file, `pid.log`. */
  logFile?: string;
  /** Where console records go (default: standard error). */
  console?: (line: string) => void;
  /**
   * Clear the terminal line before each console record, so that a live status line
   * being redrawn there is not mixed into it (the status line redraws itself after).
   */
  clearLine?: boolean;
}

/** The default log file of `--debug`. */
export const DEFAULT_LOG_FILE = "pid.log";

/** An open log file that flushes on {@linkcode LoggingHandle.close}. */
export interface LoggingHandle {
  /** The log file in use, if any. */
  logFile?: string;
  /** Flushes and closes the sinks. */
  close(): Promise<void>;
}

const encoder = new TextEncoder();

/** Renders values plainly: strings without quotes, everything else inspected. */
function plainValue(value: unknown): string {
  return typeof value === "string" ? value : Deno.inspect(value, { colors: false });
}

const format = getTextFormatter({ timestamp: "date-time-tz", value: plainValue });

function fileSink(path: string): { sink: Sink; close(): void } {
  const file = Deno.openSync(path, { create: true, append: true, write: true });
  return {
    sink(record: LogRecord): void {
      file.writeSync(encoder.encode(format(record)));
    },
    close(): void {
      file.close();
    },
  };
}

/** Configures logging for the process; call {@linkcode LoggingHandle.close} at exit. */
export async function setupLogging(options: LoggingOptions = {}): Promise<LoggingHandle> {
  const write = options.console ?? ((line: string) => Deno.stderr.writeSync(encoder.encode(line)));
  const clear = options.clearLine ? "\r\x1b[2K" : "";
  const consoleLevel: LogLevel = options.verbose || options.debug ? "info" : "warning";
  const logFile = options.logFile ?? (options.debug ? DEFAULT_LOG_FILE : undefined);
  const file = logFile ? fileSink(logFile) : undefined;
  const sinks: Record<string, Sink> = {
    console: (record: LogRecord) => {
      if (rank(record.level) >= rank(consoleLevel)) write(`${clear}${format(record)}`);
    },
  };
  if (file) sinks.file = file.sink;
  await configure({
    reset: true,
    sinks,
    loggers: [
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["console"] },
      {
        category: ["piddiplatsch"],
        lowestLevel: options.debug ? "debug" : "info",
        sinks: file ? ["console", "file"] : ["console"],
      },
    ],
  });
  return {
    logFile,
    async close(): Promise<void> {
      await reset();
      file?.close();
    },
  };
}

function rank(level: LogLevel): number {
  return ["trace", "debug", "info", "warning", "error", "fatal"].indexOf(level);
}
