/**
 * The events of a Kafka topic for `verify`: read-only, under a group of its own that
 * commits nothing, from the beginning or from a time on, up to the end the topic had
 * when the read began. The reader is `@platformatic/kafka`'s consumer, started at the
 * start offsets it asked for (`manual` mode), committing nothing.
 *
 * @module
 */

import { Consumer } from "@platformatic/kafka";
import { checkKafka, DEFAULT_CONNECT_TIMEOUT } from "./startup.ts";
import type { LibrdkafkaConfig } from "./config.ts";
import { toPlatformatic } from "./platformatic_config.ts";

/** One event of the topic: its text and where it came from (`topic/partition@offset`). */
export interface TopicText {
  /** The event's value. */
  text: string;
  /** `topic/partition@offset`. */
  where: string;
}

/** `ListOffsets` timestamps that mean "the first offset" and "the end". */
const EARLIEST = -2n, LATEST = -1n;

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
export async function readTopic(options: ReadTopicOptions): Promise<TopicText[]> {
  const seconds = Number(options.kafka.connect_timeout ?? DEFAULT_CONNECT_TIMEOUT);
  const translated = toPlatformatic(options.kafka).consumer;
  await checkKafka({ client: translated, connectTimeoutMs: seconds * 1000 });
  const topic = options.topic;
  const consumer = new Consumer({
    ...translated,
    groupId: `${translated.groupId}-verify-${crypto.randomUUID()}`,
    autocommit: false,
    autocreateTopics: false,
  });
  try {
    const offsetsAt = async (timestamp: bigint): Promise<bigint[]> =>
      (await consumer.listOffsets({ topics: [topic], timestamp })).get(topic) ?? [];
    const ends = await offsetsAt(LATEST);
    const starts = await offsetsAt(EARLIEST);
    if (options.since !== undefined) {
      const byTime = await offsetsAt(BigInt(options.since.getTime()));
      // No event from that time on: -1, nothing to read there.
      byTime.forEach((offset, p) => starts[p] = offset < 0n ? ends[p] : offset);
    }
    const pending = new Set(ends.map((_, p) => p).filter((p) => starts[p] < ends[p]));
    const events: TopicText[] = [];
    if (pending.size === 0) return events;
    const seen = new Set<string>();
    const stream = await consumer.consume({
      topics: [topic],
      mode: "manual",
      offsets: starts.map((offset, partition) => ({ topic, partition, offset })),
      autocommit: false,
    });
    const decoder = new TextDecoder();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeoutMs = options.timeoutMs ?? 60_000;
    try {
      const done = new Promise<"done" | "timeout">((resolve, reject) => {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
        stream.on("error", reject);
        stream.on("data", (message) => {
          const { partition, offset } = message;
          const where = `${topic}/${partition}@${offset}`;
          if (offset >= starts[partition] && offset < ends[partition] && !seen.has(where)) {
            seen.add(where);
            events.push({ text: message.value ? decoder.decode(message.value) : "", where });
          }
          if (offset + 1n >= ends[partition]) pending.delete(partition);
          if (pending.size === 0) resolve("done");
        });
      });
      if (await done === "timeout") {
        throw new Error(`the topic ${topic} was not read to its end within ${timeoutMs} ms`);
      }
    } finally {
      clearTimeout(timer);
      await stream.close().catch(() => {});
    }
    events.sort((a, b) => a.where.localeCompare(b.where, "en", { numeric: true }));
    return events;
  } finally {
    await consumer.close(true).catch(() => {});
  }
}
