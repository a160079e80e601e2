/**
 * Logging setup (logtape): one-line records on standard error, and a log file
 * (default `pid.log` in the working directory, as in the Python tool; `--log FILE`
 * chooses another). The file is opened before any work (a file that cannot be written
 * is a configuration error: one line, exit 2) and reopened on SIGHUP, so that logrotate
 * can move it away; a write that fails later is said once on standard error, not per
 * record. `--log-format json` writes JSON lines to both, and every other line on
 * standard error too (`stderr.ts`).
 * Statistics summaries go to the file only: with `--verbose` the status line is
 * alone on the terminal.
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
import { ConfigurationError, describeError } from "../errors/mod.ts";
import { type LogFormat, setStderrFormat, writeStderrLine } from "./stderr.ts";

export {
  jsonLine,
  type LineLevel,
  type LogFormat,
  setStderrFormat,
  setStderrSink,
  stderrFormat,
  writeStderrLine,
  writeStderrText,
} from "./stderr.ts";

/** Options of {@linkcode setupLogging}. */
export interface LoggingOptions {
  /** More on the console (info instead of warnings only). */
  verbose?: boolean;
  /** Debug-level records in the log file. */
  debug?: boolean;
  /** The log file (default {@linkcode DEFAULT_LOG_FILE}); `false`: no file. */
  logFile?: string | false;
  /** `text` (default) or `json` (one JSON object a line, for journald and log shippers). */
  format?: LogFormat;
  /** Where console records go (default: standard error). */
  console?: (line: string) => void;
  /**
   * Clear the terminal line before each console record, so that a live status line
   * being redrawn there is not mixed into it (the status line redraws itself after).
   */
  clearLine?: boolean;
  /** Reopen the log file on SIGHUP (default true). */
  reopenOnHangup?: boolean;
}

/** The default log file. */
export const DEFAULT_LOG_FILE = "pid.log";

/** Configured logging; call {@linkcode LoggingHandle.close} at exit. */
export interface LoggingHandle {
  /** The log file in use, if any. */
  logFile?: string;
  /** Closes the log file; the next record opens it again (what SIGHUP does). */
  reopen(): void;
  /** Flushes and closes the sinks. */
  close(): Promise<void>;
}

const encoder = new TextEncoder();

/** Renders values plainly: strings without quotes, everything else inspected. */
function plainValue(value: unknown): string {
  return typeof value === "string" ? value : Deno.inspect(value, { colors: false });
}

const textFormat = getTextFormatter({ timestamp: "date-time-tz", value: plainValue });
const LEVELS: Record<LogLevel, string> = {
  trace: "TRACE",
  debug: "DEBUG",
  info: "INFO",
  warning: "WARN",
  error: "ERROR",
  fatal: "FATAL",
};

/** One JSON object a line: `@timestamp`, `level`, `logger`, `message` (rendered), `properties`. */
function jsonFormat(record: LogRecord): string {
  const message = record.message.map((part, i) => i % 2 === 0 ? part : plainValue(part)).join("");
  return JSON.stringify(
    {
      "@timestamp": new Date(record.timestamp).toISOString(),
      level: LEVELS[record.level],
      logger: record.category.join("."),
      message,
      properties: record.properties,
    },
    (_key, value) =>
      typeof value === "bigint" ? value.toString() : value instanceof Error ? String(value) : value,
  ) + "\n";
}

/** Opens a log file for appending; a file that cannot be opened is a configuration error. */
function openLogFile(path: string): Deno.FsFile {
  try {
    return Deno.openSync(path, { create: true, append: true, write: true });
  } catch (error) {
    throw new ConfigurationError(`log file ${path} cannot be written: ${describeError(error)}`, {
      cause: error,
    });
  }
}

/**
 * A file sink: the file is opened at once (throwing when it cannot be), and again at the
 * first record after {@linkcode reopen}. A write or reopen that fails is said once on
 * standard error; records are then dropped from the file until the next reopen.
 */
function fileSink(path: string, format: (record: LogRecord) => string): {
  sink: Sink;
  reopen(): void;
  close(): void;
} {
  let file: Deno.FsFile | undefined = openLogFile(path);
  let broken = false;
  return {
    sink(record: LogRecord): void {
      if (broken) return;
      try {
        file ??= openLogFile(path);
        file.writeSync(encoder.encode(format(record)));
      } catch (error) {
        broken = true;
        writeStderrLine(
          `log file ${path}: ${describeError(error)}; its records are lost until it is ` +
            "reopened (SIGHUP)",
          "WARN",
        );
      }
    },
    reopen(): void {
      try {
        file?.close();
      } catch {
        // already closed
      }
      file = undefined;
      broken = false;
    },
    close(): void {
      file?.close();
      file = undefined;
    },
  };
}

/** Configures logging for the process; call {@linkcode LoggingHandle.close} at exit. */
export async function setupLogging(options: LoggingOptions = {}): Promise<LoggingHandle> {
  const write = options.console ?? ((line: string) => Deno.stderr.writeSync(encoder.encode(line)));
  if (options.console === undefined) setStderrFormat(options.format ?? "text");
  const format = options.format === "json" ? jsonFormat : textFormat;
  const clear = options.clearLine ? "\r\x1b[2K" : "";
  const consoleLevel: LogLevel = options.verbose || options.debug ? "info" : "warning";
  const logFile = options.logFile === false ? undefined : options.logFile ?? DEFAULT_LOG_FILE;
  const file = logFile ? fileSink(logFile, format) : undefined;
  const sinks: Record<string, Sink> = {
    console: (record: LogRecord) => {
      if (rank(record.level) >= rank(consoleLevel)) write(`${clear}${format(record)}`);
    },
  };
  if (file) sinks.file = file.sink;
  const toFile = file ? ["file"] : [];
  await configure({
    reset: true,
    sinks,
    loggers: [
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["console"] },
      {
        category: ["piddiplatsch"],
        lowestLevel: options.debug ? "debug" : "info",
        sinks: ["console", ...toFile],
      },
      // Summaries: the file only (the status line and the final summary are on the terminal).
      { category: ["piddiplatsch", "stats"], sinks: toFile, parentSinks: "override" },
    ],
  });
  const hangup = (): void => file?.reopen();
  const listen = options.reopenOnHangup !== false && file !== undefined &&
    Deno.build.os !== "windows";
  if (listen) Deno.addSignalListener("SIGHUP", hangup);
  return {
    logFile,
    reopen: hangup,
    async close(): Promise<void> {
      if (listen) Deno.removeSignalListener("SIGHUP", hangup);
      await reset();
      file?.close();
    },
  };
}

function rank(level: LogLevel): number {
  return ["trace", "debug", "info", "warning", "error", "fatal"].indexOf(level);
}
