/**
 * The Kafka producer of `send`: `@platformatic/kafka`'s, idempotent (a batch the client
 * retries after a lost answer is written once). Opening it runs the start-up check of
 * `consume` first, so a setting that cannot work is a {@linkcode ConfigurationError} and a
 * broker that does not answer within `connect_timeout` a {@linkcode TransientError}.
 *
 * @module
 */

import { Producer, stringSerializers } from "@platformatic/kafka";
import { TransientError } from "../errors/mod.ts";
import type { LibrdkafkaConfig } from "./config.ts";
import { toPlatformatic } from "./platformatic_config.ts";
import { describePlatformaticError, platformaticErrorCode } from "./platformatic_errors.ts";
import { checkKafka, DEFAULT_CONNECT_TIMEOUT } from "./startup.ts";

/** One message to produce. */
export interface ProducedMessage {
  /** The key (the item id), if any. */
  key?: string;
  /** The value, as it is. */
  value: string;
}

/** A producer to one topic. */
export interface TopicProducer {
  /** Sends the messages as one batch; rejects when the broker refuses it. */
  send(messages: ProducedMessage[]): Promise<void>;
  /** Closes the connections. */
  close(): Promise<void>;
}

/** Errors of the records themselves: another record of the batch may still go through. */
const RECORD_ERRORS = new Set([
  "MESSAGE_TOO_LARGE",
  "RECORD_LIST_TOO_LARGE",
  "INVALID_RECORD",
  "CORRUPT_MESSAGE",
]);

/** Whether a refused batch failed because of a record in it (not the broker or the topic). */
export function isRecordError(error: unknown): boolean {
  return RECORD_ERRORS.has(platformaticErrorCode(error) ?? "");
}

/** Whether the broker refused a record as larger than the topic allows. */
export function isTooLarge(error: unknown): boolean {
  return platformaticErrorCode(error) === "MESSAGE_TOO_LARGE";
}

/** One line for a refused send. */
export function describeSendError(error: unknown): string {
  return describePlatformaticError(error);
}

/**
 * Reaches the broker of `kafka` and connects a producer to `topic` (created when missing,
 * as the broker allows).
 *
 * @throws {ConfigurationError} when a setting cannot work (TLS, SASL, certificates).
 * @throws {TransientError} when no broker answered within `connect_timeout`, or the
 *   producer could not connect.
 */
export async function openProducer(
  kafka: LibrdkafkaConfig,
  options: { topic: string },
): Promise<TopicProducer> {
  const translated = toPlatformatic(kafka);
  const seconds = Number(kafka.connect_timeout ?? DEFAULT_CONNECT_TIMEOUT);
  await checkKafka({ client: translated.consumer, connectTimeoutMs: seconds * 1000 });
  const { clientId, bootstrapBrokers, tls, sasl } = translated.consumer;
  const producer = new Producer<string, string, string, string>({
    clientId,
    bootstrapBrokers,
    ...(tls ? { tls } : {}),
    ...(sasl ? { sasl } : {}),
    idempotent: true,
    autocreateTopics: true,
    serializers: stringSerializers,
  });
  try {
    // The topic's metadata (created when missing, as the broker allows): the connection.
    await producer.metadata({ topics: [options.topic], autocreateTopics: true });
  } catch (error) {
    await producer.close().catch(() => {});
    throw new TransientError(`cannot connect the producer: ${describePlatformaticError(error)}`);
  }
  return {
    async send(messages: ProducedMessage[]): Promise<void> {
      await producer.send({
        messages: messages.map((m) => ({ topic: options.topic, key: m.key, value: m.value })),
      });
    },
    close: () => producer.close().catch(() => {}),
  };
}
