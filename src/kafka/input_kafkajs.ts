/**
 * Events from a Kafka topic (kafkajs consumer group), as pipeline input.
 *
 * Offsets are committed by this input, never automatically: an offset is committed
 * only when its event and every earlier event of its partition have been
 * acknowledged. A batch is held until the batches before it are acknowledged, so the
 * next fetch overlaps the work on the last batch; a rebalance seen while a batch is
 * held waits for everything delivered to drain. A rebalance met between batches leaves
 * at most one batch per partition unacknowledged, and what is not acknowledged when
 * the input closes stays uncommitted: the next owner reads those events again.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { type Consumer, Kafka, type KafkaMessage } from "kafkajs";
import { decodeUtf8 } from "../decode/utf8.ts";
import { Delivery } from "./delivery.ts";
import { utf8Fault } from "./utf8_fault.ts";
import { PartitionTracker } from "./offsets.ts";
import type { KeyedEvent } from "../events/mod.ts";
import { awaitKafka, DEFAULT_CONNECT_TIMEOUT } from "./startup.ts";
import { kafkaLogCreator, quietKafkajsWarnings } from "./logging.ts";
import { type LibrdkafkaConfig, toKafkajs } from "./config.ts";
import { toPlatformatic } from "./platformatic_config.ts";

/** Options of {@linkcode KafkaInput.open}. */
export interface KafkaInputOptions {
  /** The `[kafka]` table. */
  kafka: LibrdkafkaConfig;
  /** Topic to consume. */
  topic: string;
  /** End the input after this many milliseconds without a new event. */
  idleTimeoutMs?: number;
  /** Events delivered but not yet acknowledged, at most (default 64); a function is asked again. */
  maxOutstanding?: number | (() => number);
  /**
   * Bytes of events delivered but not yet acknowledged, at most (default 64 MiB); one event
   * is always let through, however large.
   */
  maxOutstandingBytes?: number;
  /** How often acknowledged offsets are committed while a batch drains, ms (default 500). */
  commitIntervalMs?: number;
  /**
   * Commit offsets (default true). A dry run reads without committing, so that the
   * group's position, and with it the real run's work, stays as it was.
   */
  commit?: boolean;
  /** Give up reaching a broker at start after this many seconds (default 60). */
  connectTimeout?: number;
  /** Wait for a topic that does not exist yet (default true). */
  waitForTopic?: boolean;
  /** Stops waiting for the broker or the topic at start. */
  signal?: AbortSignal;
  /** Told when the group is joined (true) and when it is left or being rebalanced (false). */
  onGroup?: (joined: boolean) => void;
  /**
   * Whether the pipeline holds events for a service that is down: a batch then need not
   * wait for the batches before it (the held events would stop every partition's fetch);
   * the outstanding bounds still apply.
   */
  holding?: () => boolean;
}

/** Where one partition stands, for monitoring. */
export interface KafkaPartitionState {
  /** Topic. */
  topic: string;
  /** Partition. */
  partition: number;
  /** The committed offset (next to read); before the first commit, where reading began. */
  committed?: bigint;
  /** The high watermark of the last fetch. */
  highWatermark?: bigint;
}

/** A Kafka topic as an async iterator of keyed events. */
export class KafkaInput implements AsyncIterableIterator<KeyedEvent> {
  readonly #options: KafkaInputOptions;
  readonly #consumer: Consumer;
  readonly #log = getLogger(["piddiplatsch", "kafka"]);
  readonly #trackers = new Map<string, PartitionTracker>();
  readonly #delivery: Delivery;
  #closed?: Promise<void>;
  #commitChain: Promise<void> = Promise.resolve();
  #lastCommitAt = 0;
  #assigned?: Set<string>;
  /** How often kafkajs is asked for a heartbeat while a batch is worked on, ms. */
  #heartbeatMs = 1500;

  private constructor(options: KafkaInputOptions, consumer: Consumer) {
    this.#options = options;
    this.#consumer = consumer;
    this.#delivery = new Delivery(options);
  }

  /** Connects, subscribes and starts fetching. */
  static async open(options: KafkaInputOptions): Promise<KafkaInput> {
    quietKafkajsWarnings();
    const translated = toKafkajs(options.kafka);
    const log = getLogger(["piddiplatsch", "kafka"]);
    if (translated.ignored.length > 0) {
      log.warn("[kafka] keys ignored by this client: {keys}", {
        keys: translated.ignored.join(", "),
      });
    }
    await awaitKafka({
      client: toPlatformatic(options.kafka).consumer,
      topic: options.topic,
      connectTimeoutMs: (options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT) * 1000,
      waitForTopic: options.waitForTopic ?? true,
      signal: options.signal,
    });
    const kafka = new Kafka({ ...translated.client, logCreator: kafkaLogCreator() });
    const consumer = kafka.consumer({
      ...translated.consumer,
      retry: { retries: 8 },
      allowAutoTopicCreation: false,
    });
    const input = new KafkaInput(options, consumer);
    // kafkajs sends a heartbeat only when its own interval has passed; asking at half of it
    // keeps the group alive without a call for every message.
    input.#heartbeatMs = (translated.consumer.heartbeatInterval ?? 3000) / 2;
    input.#delivery.startTicker(options.commitIntervalMs ?? 500, () => {
      // Acknowledgements that come after their batch was handed back are committed here.
      if (input.#delivery.joined && !input.#delivery.closing) input.#commitDue().catch(() => {});
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [options.topic], fromBeginning: translated.fromBeginning });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      input.#assigned = new Set(
        Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) =>
          partitions.map((p) => `${topic}/${p}`)
        ),
      );
      input.#delivery.joinedGroup();
    });
    consumer.on(consumer.events.FETCH, () => input.#delivery.fetched());
    consumer.on(consumer.events.REBALANCING, () => input.#delivery.group(false));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) input.#delivery.group(false);
      else input.#delivery.fail(payload.error);
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 8,
      eachBatch: (payload) => input.#eachBatch(payload),
    });
    log.info("consuming {topic} from {brokers} as group {group}", {
      topic: options.topic,
      brokers: translated.client.brokers,
      group: translated.consumer.groupId,
    });
    return input;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<KeyedEvent> {
    return this;
  }

  /** The next event; done when closed or idle for `idleTimeoutMs`. */
  next(): Promise<IteratorResult<KeyedEvent>> {
    return this.#delivery.next();
  }

  /** Where each assigned partition stands (committed offset, high watermark). */
  partitions(): KafkaPartitionState[] {
    const commits = this.#options.commit !== false;
    return [...this.#trackers.entries()]
      .filter(([id]) => this.#assigned?.has(id) ?? true)
      .map(([, t]) => ({
        topic: t.topic,
        partition: t.partition,
        committed: t.position(commits),
        highWatermark: t.highWatermark,
      }));
  }

  /** Stops fetching, commits what was acknowledged, and leaves the group. */
  return(): Promise<IteratorResult<KeyedEvent>> {
    this.#closed ??= this.#close();
    return this.#closed.then(() => ({ done: true, value: undefined }));
  }

  async #close(): Promise<void> {
    this.#delivery.close();
    await this.#commit();
    await this.#consumer.disconnect().catch((error) => {
      this.#log.warn("disconnect: {error}", { error: String(error) });
    });
    await this.#commit();
  }

  async #eachBatch(
    { batch, heartbeat, isRunning, isStale, resolveOffset }: {
      batch: {
        topic: string;
        partition: number;
        highWatermark: string;
        messages: KafkaMessage[];
      };
      heartbeat(): Promise<void>;
      resolveOffset(offset: string): void;
      isRunning(): boolean;
      isStale(): boolean;
    },
  ): Promise<void> {
    const tracker = this.#tracker(batch.topic, batch.partition);
    tracker.highWatermark = BigInt(batch.highWatermark);
    let rebalancing = false;
    let lastBeat = performance.now();
    // A heartbeat only when one is due; a rebalance shows as its error.
    const beatIfDue = async (): Promise<void> => {
      if (performance.now() - lastBeat < this.#heartbeatMs) return;
      lastBeat = performance.now();
      await heartbeat().catch((error) => {
        if (/rebalanc/i.test(`${error?.type} ${error?.message}`)) rebalancing = true;
      });
    };
    /** Waits for an acknowledgement (or the tick), then commits and beats if due. */
    const waitForAcks = async (): Promise<void> => {
      await this.#delivery.changed();
      await this.#commitDue();
      await beatIfDue();
    };
    const topic = batch.topic;
    const partition = batch.partition;
    let delivered = 0;
    let resolved: string | undefined;
    const delivery = this.#delivery;
    for (const message of batch.messages) {
      // Once full, wait until a quarter is acknowledged: events then go on in bunches.
      if (delivery.full()) {
        while (!delivery.refilled() && !delivery.closing && !rebalancing) await waitForAcks();
      }
      // Every so often, even when the pipeline keeps up (no wait above).
      if (++delivered % 256 === 0) await beatIfDue();
      // On a rebalance, deliver no more of this batch: drain what was delivered, commit, and
      // let the group move on; the rest is fetched again by the partition's next owner.
      if (delivery.closing || rebalancing || !isRunning() || isStale()) break;
      const offset = BigInt(message.offset);
      tracker.deliver(offset);
      const key = message.key ? decodeUtf8(message.key) : undefined;
      const bytes = message.value ?? new Uint8Array();
      const value = decodeUtf8(bytes);
      delivery.delivered(bytes.length);
      delivery.handOut({
        key: key ? key.text : null,
        value: value.text,
        fault: utf8Fault(value, "value") ?? utf8Fault(key, "key"),
        source: { topic, partition, offset: message.offset },
        retries: 0,
        ack: delivery.acker(bytes.length, () => tracker.ack(offset)),
      });
      resolved = message.offset;
    }
    // The fetch position moves on (once per batch); the commit waits for the acknowledgements.
    if (resolved !== undefined) resolveOffset(resolved);
    // The next fetch of this partition may start while this batch is worked on (on another
    // thread, or waiting for the Handle service); the batches before it must be done. On a
    // rebalance, everything delivered is drained first.
    const first = batch.messages.length > 0 ? BigInt(batch.messages[0].offset) : 0n;
    while (
      tracker.pendingBefore(first) && !delivery.closing && !this.#options.holding?.()
    ) await waitForAcks();
    if (rebalancing || !isRunning() || isStale()) {
      while (!tracker.drained && !delivery.closing) await waitForAcks();
      if (delivery.closing && !tracker.drained) tracker.abandon(); // the rest stays uncommitted
      await this.#commit(); // before the group moves on
    } else {
      if (delivery.closing && !tracker.drained) tracker.abandon(); // the rest stays uncommitted
      await this.#commitDue();
    }
  }

  #tracker(topic: string, partition: number): PartitionTracker {
    const id = `${topic}/${partition}`;
    let tracker = this.#trackers.get(id);
    if (!tracker) {
      tracker = new PartitionTracker(topic, partition);
      this.#trackers.set(id, tracker);
    }
    return tracker;
  }

  /** Commits at most every `commitIntervalMs` (while batches drain, at their end, and on the tick). */
  #commitDue(): Promise<void> {
    if (Date.now() - this.#lastCommitAt < (this.#options.commitIntervalMs ?? 500)) {
      return Promise.resolve();
    }
    return this.#commit();
  }

  /** Commits every partition whose acknowledged prefix moved; commits never overlap. */
  #commit(): Promise<void> {
    this.#lastCommitAt = Date.now();
    if (this.#options.commit === false) return Promise.resolve();
    const next = this.#commitChain.then(async () => {
      const offsets: Array<
        { topic: string; partition: number; offset: string; tracker: PartitionTracker }
      > = [];
      for (const tracker of this.#trackers.values()) {
        const offset = tracker.take();
        if (offset !== undefined) {
          offsets.push({ topic: tracker.topic, partition: tracker.partition, offset, tracker });
        }
      }
      if (offsets.length === 0) return;
      try {
        await this.#consumer.commitOffsets(
          offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset })),
        );
        for (const { tracker, offset } of offsets) tracker.committed(offset);
      } catch (error) {
        // e.g. a rebalance took the partition: its events are read again by the next owner.
        this.#log.warn("offset commit failed, the events will be read again: {error}", {
          error: String(error),
        });
      }
    });
    this.#commitChain = next.catch(() => {});
    return next;
  }
}
