/**
 * Translates the librdkafka-style keys of `[kafka]` (the Python tool's
 * configuration) into kafkajs client and consumer options.
 *
 * @module
 */

import type { ConsumerConfig, KafkaConfig, SASLOptions } from "kafkajs";
import { kafkaSecurity, SECURITY_KEYS } from "./security.ts";

/** The `[kafka]` table: quoted librdkafka keys. */
export type LibrdkafkaConfig = Record<string, string | number | boolean>;

/** kafkajs options derived from `[kafka]`. */
export interface KafkajsOptions {
  /** Client options. */
  client: KafkaConfig;
  /** Consumer options. */
  consumer: ConsumerConfig;
  /** Start from the earliest offset when the group has none. */
  fromBeginning: boolean;
  /** Keys that have no kafkajs counterpart and are ignored. */
  ignored: string[];
}

/** The `[kafka]` keys the kafkajs translation understands (the other client's understands them too). */
export const KAFKAJS_KEYS: ReadonlySet<string> = new Set([
  "bootstrap.servers",
  "group.id",
  "client.id",
  "auto.offset.reset",
  "session.timeout.ms",
  ...SECURITY_KEYS,
  "enable.auto.commit",
  "fetch.min.bytes",
  "fetch.max.bytes",
  "fetch.wait.max.ms",
  "max.partition.fetch.bytes",
  "connect_timeout", // piddiplatsch's own: seconds to keep trying at start
]);

/** Options of {@linkcode toKafkajs}. */
export interface ToKafkajsOptions {
  /** Reads the CA file (default: `Deno.readTextFileSync`). */
  readFile?: (path: string) => string;
}

/**
 * Translates `[kafka]` to kafkajs options. `enable.auto.commit` is ignored: piddiplatsch
 * commits itself.
 *
 * @throws {ConfigurationError} naming the key when a security setting cannot work.
 */
export function toKafkajs(
  config: LibrdkafkaConfig,
  options: ToKafkajsOptions = {},
): KafkajsOptions {
  const text = (key: string): string => String(config[key] ?? "").trim();
  const brokers = text("bootstrap.servers").split(",").map((s) => s.trim()).filter(Boolean);
  const client: KafkaConfig = { brokers, clientId: text("client.id") || "piddiplatsch" };
  const { tls, sasl } = kafkaSecurity(config, options);
  if (tls) client.ssl = Object.keys(tls).length > 0 ? tls : true;
  if (sasl) client.sasl = { ...sasl, mechanism: sasl.mechanism.toLowerCase() } as SASLOptions;
  const sessionTimeout = Number(config["session.timeout.ms"] ?? 45000);
  const consumer: ConsumerConfig = {
    groupId: text("group.id") || "piddiplatsch-001",
    sessionTimeout,
    heartbeatInterval: Math.max(500, Math.min(3000, Math.floor(sessionTimeout / 3))),
  };
  const number = (key: string): number | undefined => {
    const value = Number(config[key]);
    return config[key] === undefined || !Number.isFinite(value) ? undefined : value;
  };
  consumer.minBytes = number("fetch.min.bytes");
  consumer.maxBytes = number("fetch.max.bytes");
  consumer.maxWaitTimeInMs = number("fetch.wait.max.ms");
  consumer.maxBytesPerPartition = number("max.partition.fetch.bytes");
  for (const key of ["minBytes", "maxBytes", "maxWaitTimeInMs", "maxBytesPerPartition"] as const) {
    if (consumer[key] === undefined) delete consumer[key];
  }
  const reset = text("auto.offset.reset").toLowerCase() || "earliest";
  const fromBeginning = ["earliest", "smallest", "beginning"].includes(reset);
  const ignored = Object.keys(config).filter((k) => !KAFKAJS_KEYS.has(k));
  return { client, consumer, fromBeginning, ignored };
}
