/**
 * Routes kafkajs's own log lines into piddiplatsch's logger (category
 * `piddiplatsch.kafka`): one line each, with a hint at what to check, and the same
 * message at most once a minute (the next one says how often it was held back).
 * kafkajs reports errors it recovers from by itself as errors; they are logged as
 * warnings, and a crash is reported by the input.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import process from "node:process";
import type { logCreator, LogEntry } from "kafkajs";
import { oneLine } from "../errors/mod.ts";

/** kafkajs's `logLevel.WARN` (its levels: 0 nothing, 1 error, 2 warn, 4 info, 5 debug). */
const KAFKAJS_WARN = 2;

/** Hints for kafkajs messages, first match wins. */
const HINTS: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /SASL|authenticat/i,
    'check [kafka] "security.protocol", "sasl.mechanisms", "sasl.username" and "sasl.password"',
  ],
  [
    /TLS|SSL|certificate/i,
    'check [kafka] "security.protocol", "ssl.ca.location", "ssl.certificate.location" and ' +
    '"ssl.key.location"',
  ],
  [
    /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|Connection (error|timeout)|Closed connection|socket/i,
    'is the broker running? check [kafka] "bootstrap.servers"; kafkajs retries by itself',
  ],
  [
    /does not host this topic-partition|UNKNOWN_TOPIC|topic.*not exist/i,
    "does [consumer] topic exist? it is not created automatically",
  ],
  [/rebalanc/i, "the group is rebalancing (a member came or went); this passes by itself"],
  [/coordinator/i, "the broker is moving the group's coordinator; this passes by itself"],
  [/timed out|timeout/i, "the broker answers slowly or not at all"],
];

/** The hint for a kafkajs message, if any. */
export function kafkaHint(text: string): string | undefined {
  return HINTS.find(([pattern]) => pattern.test(text))?.[1];
}

/** Options of {@linkcode kafkaLogCreator}. */
export interface KafkaLogOptions {
  /** The same message is logged at most once in this many ms (default 60 000). */
  repeatMs?: number;
  /** The clock (tests). */
  now?: () => number;
}

/** A kafkajs log creator writing to logtape: one line, deduplicated, with a hint. */
export function kafkaLogCreator(options: KafkaLogOptions = {}): logCreator {
  const logger = getLogger(["piddiplatsch", "kafka"]);
  const repeatMs = options.repeatMs ?? 60_000;
  const now = options.now ?? Date.now;
  const seen = new Map<string, { at: number; held: number }>();
  return function create(): (entry: LogEntry) => void {
    return function log({ level, log }): void {
      const { message, error, broker } = log as {
        message: string;
        error?: unknown;
        broker?: string;
      };
      const text = oneLine(`${message}${error ? `: ${error}` : ""}`);
      if (level > KAFKAJS_WARN) {
        logger.debug("kafkajs: {text}", { text });
        return;
      }
      const key = text.replace(/\d+/g, "#"); // "retrying in 300ms" and "in 600ms" are one message
      const last = seen.get(key);
      const t = now();
      if (last && t - last.at < repeatMs) {
        last.held++;
        return;
      }
      seen.set(key, { at: t, held: 0 });
      const hint = kafkaHint(text);
      const repeated = last && last.held > 0 ? ` (${last.held} more like it held back)` : "";
      logger.warn("kafkajs: {text}{where}{hint}{repeated}", {
        text,
        where: broker ? ` (broker ${broker})` : "",
        hint: hint ? `; ${hint}` : "",
        repeated,
      });
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
