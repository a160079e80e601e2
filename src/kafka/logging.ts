/**
 * Routes kafkajs's own log lines into piddiplatsch's logger (category
 * `piddiplatsch.kafka`). kafkajs reports errors it recovers from by itself as
 * errors; they are logged as warnings, and a crash is reported by the input.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import process from "node:process";
import { type logCreator, type LogEntry, logLevel } from "kafkajs";

/** A kafkajs log creator writing to logtape. */
export function kafkaLogCreator(): logCreator {
  const logger = getLogger(["piddiplatsch", "kafka"]);
  return function create(): (entry: LogEntry) => void {
    return function log({ level, log }): void {
      const { message, ...extra } = log;
      const text = `${message}${extra.error ? `: ${extra.error}` : ""}`;
      if (level <= logLevel.WARN) logger.warn(text);
      else if (level === logLevel.INFO) logger.debug(text);
      else logger.debug(text);
    };
  };
}

let warningsQuieted = false;

/**
 * Keeps kafkajs's harmless `TimeoutNegativeWarning` (a negative timer in its request
 * queue, reported by Deno's Node layer) off the console; other process warnings go to
 * the log. Safe to call more than once.
 */
export function quietKafkajsWarnings(): void {
  if (warningsQuieted) return;
  warningsQuieted = true;
  const logger = getLogger(["piddiplatsch", "kafka"]);
  process.removeAllListeners("warning");
  process.on("warning", (warning: Error) => {
    if (warning.name !== "TimeoutNegativeWarning") {
      logger.warn("{name}: {message}", { name: warning.name, message: warning.message });
    }
  });
}
