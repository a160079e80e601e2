/**
 * Opens the Kafka input with the client `consumer.kafka_client` names, so that callers
 * need not branch: kafkajs ({@linkcode KafkaInput}) or `@platformatic/kafka`
 * ({@linkcode PlatformaticKafkaInput}), both with the same surface and guarantees.
 *
 * @module
 */

import type { KeyedEvent } from "../events/mod.ts";
import { KafkaInput, type KafkaInputOptions, type KafkaPartitionState } from "./kafka.ts";
import { PlatformaticKafkaInput } from "./kafka_platformatic.ts";

/** The Kafka client libraries an input can be built on (`consumer.kafka_client`). */
export const KAFKA_CLIENTS = ["kafkajs", "platformatic"] as const;

/** One of {@linkcode KAFKA_CLIENTS}. */
export type KafkaClientName = typeof KAFKA_CLIENTS[number];

/** What both Kafka inputs offer. */
export interface KafkaEventInput extends AsyncIterableIterator<KeyedEvent> {
  /** Where each assigned partition stands (committed offset, high watermark). */
  partitions(): KafkaPartitionState[];
  /** Stops fetching, commits what was acknowledged, and leaves the group. */
  return(): Promise<IteratorResult<KeyedEvent>>;
}

/** Connects the Kafka input of `client` (default kafkajs), subscribes and starts fetching. */
export function openKafkaInput(
  options: KafkaInputOptions,
  client: KafkaClientName = "kafkajs",
): Promise<KafkaEventInput> {
  return client === "platformatic"
    ? PlatformaticKafkaInput.open(options)
    : KafkaInput.open(options);
}
