/**
 * Translates the librdkafka-style keys of `[kafka]` into `@platformatic/kafka` consumer
 * options, the way {@linkcode toKafkajs} does for kafkajs.
 *
 * @module
 */

import type { SASLOptions } from "@platformatic/kafka";
import { KAFKAJS_KEYS, type LibrdkafkaConfig } from "./config.ts";
import { kafkaSecurity, type TlsOptions } from "./security.ts";

/** `@platformatic/kafka` consumer options derived from `[kafka]`. */
export interface PlatformaticOptions {
  /** Constructor options of the consumer (connection, group, fetch sizes). */
  consumer: {
    clientId: string;
    bootstrapBrokers: string[];
    groupId: string;
    sessionTimeout: number;
    heartbeatInterval: number;
    rebalanceTimeout: number;
    tls?: TlsOptions;
    sasl?: SASLOptions;
    minBytes?: number;
    maxBytes?: number;
    maxBytesPerPartition?: number;
    maxWaitTime?: number;
  };
  /** Start from the earliest offset when the group has none. */
  fromBeginning: boolean;
  /** Keys that have no `@platformatic/kafka` counterpart and are ignored. */
  ignored: string[];
}

/** Keys this translation understands: kafkajs's, and the heartbeat interval. */
const KNOWN: ReadonlySet<string> = new Set([...KAFKAJS_KEYS, "heartbeat.interval.ms"]);

/** Options of {@linkcode toPlatformatic}. */
export interface ToPlatformaticOptions {
  /** Reads the CA file (default: `Deno.readTextFileSync`). */
  readFile?: (path: string) => string;
}

/**
 * Translates `[kafka]` to `@platformatic/kafka` options. `enable.auto.commit` is ignored:
 * piddiplatsch commits itself.
 */
export function toPlatformatic(
  config: LibrdkafkaConfig,
  options: ToPlatformaticOptions = {},
): PlatformaticOptions {
  const text = (key: string): string => String(config[key] ?? "").trim();
  const number = (key: string): number | undefined => {
    const value = Number(config[key]);
    return config[key] === undefined || !Number.isFinite(value) ? undefined : value;
  };
  const brokers = text("bootstrap.servers").split(",").map((s) => s.trim()).filter(Boolean);
  const sessionTimeout = number("session.timeout.ms") ?? 45000;
  const heartbeatInterval = Math.min(
    number("heartbeat.interval.ms") ??
      Math.max(500, Math.min(3000, Math.floor(sessionTimeout / 3))),
    sessionTimeout,
  );
  const consumer: PlatformaticOptions["consumer"] = {
    clientId: text("client.id") || "piddiplatsch",
    bootstrapBrokers: brokers,
    groupId: text("group.id") || "piddiplatsch-001",
    sessionTimeout,
    heartbeatInterval,
    // kafkajs' default; the broker waits this long for the members to rejoin.
    rebalanceTimeout: Math.max(sessionTimeout, 60_000),
  };
  const { tls, sasl } = kafkaSecurity(config, options);
  if (tls) consumer.tls = tls;
  if (sasl) consumer.sasl = sasl as SASLOptions;
  // Not set: kafkajs' defaults, so that both clients fetch alike (the client's own are 50 MiB
  // per fetch and per partition, which more than doubled the resident memory of a drain).
  consumer.minBytes = number("fetch.min.bytes") ?? 1;
  consumer.maxBytes = number("fetch.max.bytes") ?? 10 * 1024 * 1024;
  consumer.maxWaitTime = number("fetch.wait.max.ms") ?? 5000;
  consumer.maxBytesPerPartition = number("max.partition.fetch.bytes") ?? 1024 * 1024;
  const reset = text("auto.offset.reset").toLowerCase() || "earliest";
  const fromBeginning = ["earliest", "smallest", "beginning"].includes(reset);
  const ignored = Object.keys(config).filter((k) => !KNOWN.has(k));
  return { consumer, fromBeginning, ignored };
}
