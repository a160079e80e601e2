/**
 * Opens the Kafka input with the client `consumer.kafka_client` names, so that callers
 * need not branch: `@platformatic/kafka` (`PlatformaticKafkaInput`, the default) or kafkajs
 * (`KafkaInput`), both with the same surface and guarantees. Each is loaded only when
 * chosen: loading a client's modules costs some 30 MB of resident memory.
 *
 * @module
 */

import type { KeyedEvent } from "../events/mod.ts";
import type { KafkaInputOptions, KafkaPartitionState } from "./input_kafkajs.ts";

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

/**
 * Connects the Kafka input of `client` (default `@platformatic/kafka`), subscribes and
 * starts fetching.
 */
export async function openKafkaInput(
  options: KafkaInputOptions,
  client: KafkaClientName = "platformatic",
): Promise<KafkaEventInput> {
  if (client !== "platformatic") {
    const { KafkaInput } = await import("./input_kafkajs.ts");
    return await KafkaInput.open(options);
  }
  const { PlatformaticKafkaInput } = await import("./input_platformatic.ts");
  return await PlatformaticKafkaInput.open(options);
}
