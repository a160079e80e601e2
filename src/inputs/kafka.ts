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
import { decodeUtf8, type Utf8Text } from "../decode/utf8.ts";
import { PartitionTracker } from "./kafka_offsets.ts";
import type { KeyedEvent } from "../events/mod.ts";
import {
  awaitKafka,
  DEFAULT_CONNECT_TIMEOUT,
  kafkaLogCreator,
  type LibrdkafkaConfig,
  quietKafkajsWarnings,
  toKafkajs,
} from "../kafka/mod.ts";

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

/** Default of {@linkcode KafkaInputOptions.maxOutstandingBytes}. */
export const DEFAULT_MAX_OUTSTANDING_BYTES = 64 * 1024 * 1024;

/** The longest wait between two looks at the idle clock, due commits and heartbeats, ms. */
export const TICK_MS = 250;

/** A fetch gap longer than this means the broker is lost: the idle clock starts afresh. */
export const FETCH_GAP_MS = 15_000;

/** A Kafka topic as an async iterator of keyed events. */
export class KafkaInput implements AsyncIterableIterator<KeyedEvent> {
  readonly #options: KafkaInputOptions;
  readonly #consumer: Consumer;
  readonly #log = getLogger(["piddiplatsch", "kafka"]);
  readonly #queue: KeyedEvent[] = [];
  readonly #trackers = new Map<string, PartitionTracker>();
  #waiters: Array<() => void> = [];
  #outstanding = 0;
  #outstandingBytes = 0;
  #closing = false;
  #closed?: Promise<void>;
  #crash?: Error;
  /** Start of the idle clock: the last message, or joining the group (undefined before). */
  #lastMessageAt?: number;
  #commitChain: Promise<void> = Promise.resolve();
  #lastCommitAt = 0;
  #joined = false;
  #lastFetchAt = 0;
  #assigned?: Set<string>;
  /** The one timer of the input: wakes every waiter each tick (no timer per event or wait). */
  #ticker?: ReturnType<typeof setInterval>;
  /** How often kafkajs is asked for a heartbeat while a batch is worked on, ms. */
  #heartbeatMs = 1500;

  private constructor(options: KafkaInputOptions, consumer: Consumer) {
    this.#options = options;
    this.#consumer = consumer;
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
      client: translated.client,
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
    input.#startTicker();
    await consumer.connect();
    await consumer.subscribe({ topics: [options.topic], fromBeginning: translated.fromBeginning });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      input.#lastMessageAt = Date.now(); // the idle clock runs only while joined
      input.#lastFetchAt = Date.now();
      input.#assigned = new Set(
        Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) =>
          partitions.map((p) => `${topic}/${p}`)
        ),
      );
      input.#group(true);
      input.#wake();
    });
    consumer.on(consumer.events.FETCH, () => {
      const now = Date.now();
      // After a gap (broker lost and found again) the idle clock starts afresh.
      if (now - input.#lastFetchAt > FETCH_GAP_MS) input.#lastMessageAt = now;
      input.#lastFetchAt = now;
    });
    consumer.on(consumer.events.REBALANCING, () => input.#group(false));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      input.#group(false);
      if (!payload.restart) {
        input.#crash = payload.error;
        input.#wake();
      }
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
  async next(): Promise<IteratorResult<KeyedEvent>> {
    while (true) {
      if (this.#crash) throw this.#crash;
      if (this.#closing) return { done: true, value: undefined };
      const event = this.#queue.shift();
      if (event) return { done: false, value: event };
      const idle = this.#options.idleTimeoutMs;
      // Idle means: joined, nothing delivered that is still being worked on, and no new
      // event for `idleTimeoutMs` (a slow batch holds back the next fetch; that is not idle).
      // The clock does not run while the group is not joined or no fetch succeeds.
      const connected = this.#joined && Date.now() - this.#lastFetchAt <= FETCH_GAP_MS;
      if (!connected && this.#lastMessageAt !== undefined) this.#lastMessageAt = Date.now();
      if (idle !== undefined && this.#lastMessageAt !== undefined && this.#outstanding === 0) {
        if (this.#lastMessageAt + idle <= Date.now()) return { done: true, value: undefined };
      }
      await this.#changed();
    }
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

  #group(joined: boolean): void {
    this.#joined = joined;
    this.#options.onGroup?.(joined);
  }

  /** Stops fetching, commits what was acknowledged, and leaves the group. */
  return(): Promise<IteratorResult<KeyedEvent>> {
    this.#closed ??= this.#close();
    return this.#closed.then(() => ({ done: true, value: undefined }));
  }

  async #close(): Promise<void> {
    this.#closing = true;
    if (this.#ticker !== undefined) clearInterval(this.#ticker);
    this.#group(false);
    this.#wake();
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
    const limit = this.#options.maxOutstanding ?? 64;
    const max = typeof limit === "number" ? (): number => limit : limit;
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
      await this.#changed();
      await this.#commitDue();
      await beatIfDue();
    };
    const topic = batch.topic;
    const partition = batch.partition;
    let delivered = 0;
    let resolved: string | undefined;
    const maxBytes = this.#options.maxOutstandingBytes ?? DEFAULT_MAX_OUTSTANDING_BYTES;
    const full = (): boolean =>
      this.#outstanding > 0 && (this.#outstanding >= max() || this.#outstandingBytes >= maxBytes);
    // Once full, wait until a quarter is acknowledged: events then go on in bunches.
    const refilled = (): boolean =>
      this.#outstanding <= max() * 0.75 && this.#outstandingBytes <= maxBytes * 0.75;
    for (const message of batch.messages) {
      if (full()) {
        while (!refilled() && !this.#closing && !rebalancing) await waitForAcks();
      }
      // Every so often, even when the pipeline keeps up (no wait above).
      if (++delivered % 256 === 0) await beatIfDue();
      // On a rebalance, deliver no more of this batch: drain what was delivered, commit, and
      // let the group move on; the rest is fetched again by the partition's next owner.
      if (this.#closing || rebalancing || !isRunning() || isStale()) break;
      const offset = BigInt(message.offset);
      tracker.deliver(offset);
      this.#outstanding++;
      this.#lastMessageAt = Date.now();
      const key = message.key ? decodeUtf8(message.key) : undefined;
      const bytes = message.value ?? new Uint8Array();
      const value = decodeUtf8(bytes);
      this.#outstandingBytes += bytes.length;
      this.#queue.push({
        key: key ? key.text : null,
        value: value.text,
        fault: utf8Fault(value, "value") ?? utf8Fault(key, "key"),
        source: { topic, partition, offset: message.offset },
        retries: 0,
        ack: this.#acker(tracker, offset, bytes.length),
      });
      resolved = message.offset;
      this.#wake();
    }
    // The fetch position moves on (once per batch); the commit waits for the acknowledgements.
    if (resolved !== undefined) resolveOffset(resolved);
    // The next fetch of this partition may start while this batch is worked on (on another
    // thread, or waiting for the Handle service); the batches before it must be done. On a
    // rebalance, everything delivered is drained first.
    const first = batch.messages.length > 0 ? BigInt(batch.messages[0].offset) : 0n;
    while (tracker.pendingBefore(first) && !this.#closing) await waitForAcks();
    if (rebalancing || !isRunning() || isStale()) {
      while (!tracker.drained && !this.#closing) await waitForAcks();
      if (this.#closing && !tracker.drained) tracker.abandon(); // the rest stays uncommitted
      await this.#commit(); // before the group moves on
    } else {
      if (this.#closing && !tracker.drained) tracker.abandon(); // the rest stays uncommitted
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

  /** The acknowledgement of one delivered event (only its first call counts). */
  #acker(tracker: PartitionTracker, offset: bigint, size: number): () => void {
    let acked = false;
    return () => {
      if (acked) return;
      acked = true;
      this.#outstanding--;
      this.#outstandingBytes -= size;
      this.#lastMessageAt = Date.now();
      tracker.ack(offset);
      this.#wake();
    };
  }

  /** Starts the tick that wakes waiters (idle checks, heartbeats) and commits what is due. */
  #startTicker(): void {
    const every = Math.min(this.#options.commitIntervalMs ?? 500, TICK_MS);
    const ticker = setInterval(() => {
      this.#wake();
      // Acknowledgements that come after their batch was handed back are committed here.
      if (this.#joined && !this.#closing) this.#commitDue().catch(() => {});
    }, every);
    Deno.unrefTimer(ticker);
    this.#ticker = ticker;
  }

  /** Resolves at the next change: a delivery, an acknowledgement, a group event, a tick. */
  #changed(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #wake(): void {
    if (this.#waiters.length === 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

/** "value not UTF-8 at byte N" when decoded bytes were not valid UTF-8. */
export function utf8Fault(decoded: Utf8Text | undefined, what: string): string | undefined {
  return decoded?.invalidAt === undefined
    ? undefined
    : `${what} not UTF-8 at byte ${decoded.invalidAt}`;
}
