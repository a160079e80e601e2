/**
 * Routes kafkajs's own log lines into piddiplatsch's logger (category
 * `piddiplatsch.kafka`). kafkajs reports errors it recovers from by itself as
 * errors; they are logged as warnings, and a crash is reported by the input.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
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
