/**
 * Standard error, in the process's log format: with `--log-format json` every line a
 * command writes there (messages, errors, the final summary, commander's usage errors)
 * is a JSON object of the same shape as a log record, so that a shipper reading the
 * stream never meets plain text.
 *
 * @module
 */

import process from "node:process";

/** How records and lines are written. */
export type LogFormat = "text" | "json";

/** The level of a line written to standard error. */
export type LineLevel = "INFO" | "WARN" | "ERROR";

const encoder = new TextEncoder();
let current: LogFormat = "text";
let sink: (text: string) => void = (text) => Deno.stderr.writeSync(encoder.encode(text));

/** Sets the format of standard error for the rest of the process. */
export function setStderrFormat(format: LogFormat): void {
  current = format;
  if (format === "json") routeProcessWarnings();
}

let warningsRouted = false;

/**
 * Sends the runtime's process warnings (npm libraries call `process.emitWarning`, which
 * prints `(node:PID) …` lines) through {@linkcode writeStderrLine}, so that they are JSON
 * records too.
 */
function routeProcessWarnings(): void {
  if (warningsRouted) return;
  warningsRouted = true;
  const emit = (warning: string | Error, ...rest: unknown[]): void => {
    const type = typeof rest[0] === "string" ? rest[0] : undefined;
    const text = warning instanceof Error ? `${warning.name}: ${warning.message}` : warning;
    if (current === "json") writeStderrLine(type ? `${type}: ${text}` : text, "WARN");
    else original(warning, ...rest);
  };
  const original = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  (process as { emitWarning: unknown }).emitWarning = emit;
}

/** The format of standard error. */
export function stderrFormat(): LogFormat {
  return current;
}

/** Sends what would go to standard error elsewhere (tests); returns the previous sink. */
export function setStderrSink(write: (text: string) => void): (text: string) => void {
  const previous = sink;
  sink = write;
  return previous;
}

/**
 * One line as a JSON log record: `@timestamp`, `level`, `logger` and `message`, the shape
 * of the log file's JSON records. Ends with a newline.
 */
export function jsonLine(
  message: string,
  options: { level?: LineLevel; logger?: string } = {},
): string {
  return JSON.stringify({
    "@timestamp": new Date().toISOString(),
    level: options.level ?? "ERROR",
    logger: options.logger ?? "piddiplatsch.cli",
    message,
  }) + "\n";
}

/** Writes one line to standard error, as text or as a JSON record. */
export function writeStderrLine(line: string, level: LineLevel = "ERROR"): void {
  sink(current === "json" ? jsonLine(line, { level }) : `${line}\n`);
}

/**
 * Writes text to standard error as it is, or (JSON) each of its lines as a record, with
 * carriage returns and terminal escapes taken out and empty lines left out.
 */
export function writeStderrText(text: string, level: LineLevel = "ERROR"): void {
  if (current !== "json") {
    sink(text);
    return;
  }
  // deno-lint-ignore no-control-regex
  const plain = text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").replace(/\r/g, "\n");
  let out = "";
  for (const line of plain.split("\n")) if (line.trim() !== "") out += jsonLine(line, { level });
  if (out !== "") sink(out);
}
