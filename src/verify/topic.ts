/**
 * The events of a Kafka topic for `verify`: read-only, under a group of its own that
 * commits nothing, from the beginning or from a time on, up to the end the topic had
 * when the read began.
 *
 * @module
 */

import { Kafka } from "kafkajs";
import {
  checkKafka,
  DEFAULT_CONNECT_TIMEOUT,
  kafkaLogCreator,
  type LibrdkafkaConfig,
  quietKafkajsWarnings,
  toKafkajs,
} from "../kafka/mod.ts";
import type { InputText } from "./expected.ts";

/** Options of {@linkcode readTopic}. */
export interface ReadTopicOptions {
  /** The `[kafka]` table. */
  kafka: LibrdkafkaConfig;
  /** The topic. */
  topic: string;
  /** Only events from this time on (by the broker's timestamps). */
  since?: Date;
  /** Gives up waiting for the end after this long, ms (default 60000). */
  timeoutMs?: number;
}

/**
 * Reads the topic's events from the start offsets to its current end.
 *
 * @throws {ConfigurationError} when a `[kafka]` setting cannot work (TLS, SASL,
 * certificates): one line naming the keys.
 * @throws {TransientError} when no broker answered within `[kafka].connect_timeout`.
 */
export async function readTopic(options: ReadTopicOptions): Promise<InputText[]> {
  quietKafkajsWarnings();
  const translated = toKafkajs(options.kafka);
  const seconds = Number(options.kafka.connect_timeout ?? DEFAULT_CONNECT_TIMEOUT);
  await checkKafka({ client: translated.client, connectTimeoutMs: seconds * 1000 });
  const kafka = new Kafka({ ...translated.client, logCreator: kafkaLogCreator() });
  const admin = kafka.admin();
  await admin.connect();
  let starts: Map<number, bigint>;
  let ends: Map<number, bigint>;
  try {
    const offsets = await admin.fetchTopicOffsets(options.topic);
    ends = new Map(offsets.map((p) => [p.partition, BigInt(p.high)]));
    starts = new Map(offsets.map((p) => [p.partition, BigInt(p.low)]));
    if (options.since !== undefined) {
      const byTime = await admin.fetchTopicOffsetsByTimestamp(
        options.topic,
        options.since.getTime(),
      );
      for (const p of byTime) {
        const offset = BigInt(p.offset);
        starts.set(p.partition, offset < 0n ? ends.get(p.partition)! : offset);
      }
    }
  } finally {
    await admin.disconnect();
  }
  const pending = new Set([...ends].filter(([p, end]) => starts.get(p)! < end).map(([p]) => p));
  const events: InputText[] = [];
  const seen = new Set<string>();
  if (pending.size === 0) return events;
  const groupId = `${translated.consumer.groupId ?? "piddiplatsch"}-verify-${crypto.randomUUID()}`;
  const consumer = kafka.consumer({ groupId });
  let finished!: () => void;
  const done = new Promise<void>((resolve) => finished = resolve);
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [options.topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: ({ partition, message }) => {
        const offset = BigInt(message.offset);
        const where = `${options.topic}/${partition}@${message.offset}`;
        if (offset >= starts.get(partition)! && offset < ends.get(partition)! && !seen.has(where)) {
          seen.add(where);
          events.push({ text: message.value?.toString("utf8") ?? "", where });
        }
        if (offset + 1n >= ends.get(partition)!) pending.delete(partition);
        if (pending.size === 0) finished();
        return Promise.resolve();
      },
    });
    // Seeking only saves reading what comes before the start offsets (which is skipped
    // anyway); it fails while the group is still rebalancing, then the read starts at the
    // beginning.
    for (const [partition, offset] of starts) {
      try {
        consumer.seek({ topic: options.topic, partition, offset: offset.toString() });
      } catch {
        break;
      }
    }
    const timeoutMs = options.timeoutMs ?? 60_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    const outcome = await Promise.race([done, timedOut]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      throw new Error(`the topic ${options.topic} was not read to its end within ${timeoutMs} ms`);
    }
  } finally {
    await consumer.disconnect();
  }
  events.sort((a, b) => a.where.localeCompare(b.where, "en", { numeric: true }));
  return events;
}
