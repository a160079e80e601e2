/**
 * Events from a Kafka topic through `@platformatic/kafka` (a consumer group and its
 * message stream), as pipeline input: the same surface and guarantees as
 * {@linkcode KafkaInput}, on the other client.
 *
 * Offsets are committed by this input, never automatically: an offset is committed
 * only when its event and every earlier event of its partition have been
 * acknowledged. The stream is paused while `maxOutstanding` events (or
 * `maxOutstandingBytes`) wait for their acknowledgement and resumed when a quarter of
 * them is done. The client heartbeats on its own timer.
 *
 * On a rebalance (`@platformatic/kafka` rejoins the group at once, eager protocol) a
 * partition that stays with this member keeps its offsets: what the stream reads again
 * from the committed offset and was delivered already is not delivered twice. A
 * partition that moves away is given up: nothing more of it is committed here, and
 * what was not committed is read again by its next owner.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { Consumer, type Message, type MessagesStream } from "@platformatic/kafka";
import { decodeUtf8 } from "../decode/utf8.ts";
import type { KeyedEvent } from "../events/mod.ts";
import { awaitKafka, DEFAULT_CONNECT_TIMEOUT, toKafkajs, toPlatformatic } from "../kafka/mod.ts";
import {
  DEFAULT_MAX_OUTSTANDING_BYTES,
  FETCH_GAP_MS,
  type KafkaInputOptions,
  type KafkaPartitionState,
  TICK_MS,
  utf8Fault,
} from "./kafka.ts";
import { PartitionTracker } from "./kafka_offsets.ts";

type Stream = MessagesStream<Uint8Array, Uint8Array, Uint8Array, Uint8Array>;
type PlatformaticMessage = Message<Uint8Array, Uint8Array, Uint8Array, Uint8Array>;

/** One partition's batches: the last one handed out and the one held back behind it. */
interface Lane {
  /** The fetch of the last batch handed out. */
  fetch: number;
  /** The first offset of the last batch handed out. */
  first: bigint;
  /** Events taken but not handed out yet: a batch before `first` is not done. */
  held: Array<{ event: KeyedEvent; offset: bigint }>;
}

/** How old the high watermarks may be before `partitions()` asks for them again, ms. */
const WATERMARK_AGE_MS = 2000;

/** A Kafka topic, read with `@platformatic/kafka`, as an async iterator of keyed events. */
export class PlatformaticKafkaInput implements AsyncIterableIterator<KeyedEvent> {
  readonly #options: KafkaInputOptions;
  readonly #consumer: Consumer<Uint8Array, Uint8Array, Uint8Array, Uint8Array>;
  readonly #log = getLogger(["piddiplatsch", "kafka"]);
  readonly #queue: KeyedEvent[] = [];
  /** The trackers of the partitions assigned now, by partition. */
  readonly #trackers = new Map<number, PartitionTracker>();
  /** The next offset to deliver per assigned partition (the stream may read some again). */
  readonly #next = new Map<number, bigint>();
  /** Per assigned partition: the batch delivered last and the batch held back. */
  readonly #lanes = new Map<number, Lane>();
  /** Fetches answered so far: the messages of one fetch are one batch. */
  #fetches = 0;
  #stream?: Stream;
  #waiters: Array<() => void> = [];
  #outstanding = 0;
  #outstandingBytes = 0;
  #paused = false;
  #closing = false;
  #closed?: Promise<void>;
  #crash?: Error;
  #lastMessageAt?: number;
  #lastFetchAt = 0;
  #commitChain: Promise<void> = Promise.resolve();
  #lastCommitAt = 0;
  #joined = false;
  #assigned = new Set<number>();
  #ticker?: ReturnType<typeof setInterval>;
  #watermarksAt = 0;
  readonly #max: () => number;
  readonly #maxBytes: number;

  private constructor(
    options: KafkaInputOptions,
    consumer: Consumer<Uint8Array, Uint8Array, Uint8Array, Uint8Array>,
  ) {
    this.#options = options;
    this.#consumer = consumer;
    const limit = options.maxOutstanding ?? 64;
    this.#max = typeof limit === "number" ? (): number => limit : limit;
    this.#maxBytes = options.maxOutstandingBytes ?? DEFAULT_MAX_OUTSTANDING_BYTES;
  }

  /** Connects, joins the group and starts fetching. */
  static async open(options: KafkaInputOptions): Promise<PlatformaticKafkaInput> {
    const translated = toPlatformatic(options.kafka);
    const log = getLogger(["piddiplatsch", "kafka"]);
    if (translated.ignored.length > 0) {
      log.warn("[kafka] keys ignored by this client: {keys}", {
        keys: translated.ignored.join(", "),
      });
    }
    // The start-up checks (broker reachable, TLS/SASL handshake, topic exists) are the
    // kafkajs input's, with a short-lived admin client.
    await awaitKafka({
      client: toKafkajs(options.kafka).client,
      topic: options.topic,
      connectTimeoutMs: (options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT) * 1000,
      waitForTopic: options.waitForTopic ?? true,
      signal: options.signal,
    });
    const consumer = new Consumer<Uint8Array, Uint8Array, Uint8Array, Uint8Array>({
      ...translated.consumer,
      autocommit: false,
      retries: 8,
      autocreateTopics: false,
    });
    const input = new PlatformaticKafkaInput(options, consumer);
    consumer.on("consumer:group:join", ({ assignments }) => input.#onJoin(assignments ?? []));
    consumer.on("consumer:group:rebalance", () => input.#group(false));
    consumer.on("consumer:group:leave", () => input.#group(false));
    // A rejoin that failed after its retries: the member is out of the group for good.
    consumer.on("error", (error: Error) => input.#fail(error));
    input.#startTicker();
    try {
      input.#stream = await consumer.consume({
        topics: [options.topic],
        mode: "committed",
        fallbackMode: translated.fromBeginning ? "earliest" : "latest",
        autocommit: false,
      });
    } catch (error) {
      if (input.#ticker !== undefined) clearInterval(input.#ticker);
      await consumer.close(true).catch(() => {});
      throw error;
    }
    const stream = input.#stream;
    stream.on("data", (message) => input.#deliver(message));
    stream.on("fetch", () => input.#fetched());
    stream.on("error", (error) => input.#fail(error));
    log.info("consuming {topic} from {brokers} as group {group}", {
      topic: options.topic,
      brokers: translated.consumer.bootstrapBrokers,
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
      // As KafkaInput: the idle clock runs while joined and fetching (a member without
      // partitions does not fetch), with nothing delivered still being worked on.
      const now = Date.now();
      const connected = this.#joined &&
        (this.#assigned.size === 0 || now - this.#lastFetchAt <= FETCH_GAP_MS);
      if (!connected && this.#lastMessageAt !== undefined) this.#lastMessageAt = now;
      if (idle !== undefined && this.#lastMessageAt !== undefined && this.#outstanding === 0) {
        if (this.#lastMessageAt + idle <= now) return { done: true, value: undefined };
      }
      await this.#changed();
    }
  }

  /** Where each assigned partition stands (committed offset, high watermark). */
  partitions(): KafkaPartitionState[] {
    this.#refreshWatermarks();
    const commits = this.#options.commit !== false;
    return [...this.#trackers.values()].map((t) => ({
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
    this.#closing = true;
    if (this.#ticker !== undefined) clearInterval(this.#ticker);
    this.#group(false);
    this.#wake();
    await this.#commit();
    const warn = (error: unknown): void => {
      this.#log.warn("disconnect: {error}", { error: String(error) });
    };
    await this.#stream?.close().catch(warn);
    await this.#commit(); // what was acknowledged while the stream closed
    await this.#consumer.close(true).catch(warn);
  }

  #group(joined: boolean): void {
    this.#joined = joined;
    this.#options.onGroup?.(joined);
  }

  #onJoin(assignments: Array<{ topic: string; partitions: number[] }>): void {
    const assigned = new Set(
      assignments.filter((a) => a.topic === this.#options.topic).flatMap((a) => a.partitions),
    );
    // A partition that moved away is given up: its acknowledgements commit nothing more.
    for (const partition of this.#trackers.keys()) {
      if (!assigned.has(partition)) {
        this.#trackers.delete(partition);
        this.#next.delete(partition);
        this.#dropHeld(partition);
      }
    }
    this.#assigned = assigned;
    this.#lastMessageAt = Date.now(); // the idle clock runs only while joined
    this.#lastFetchAt = Date.now();
    this.#group(true);
    this.#wake();
  }

  /** Forgets the events of `partition` that were taken but not handed out. */
  #dropHeld(partition: number): void {
    for (const { event } of this.#lanes.get(partition)?.held ?? []) {
      // Frees its place in the outstanding counts; nothing of a partition given up is committed.
      event.ack("registered");
    }
    this.#lanes.delete(partition);
  }

  #fetched(): void {
    this.#fetches++;
    const now = Date.now();
    // After a gap (broker lost and found again) the idle clock starts afresh.
    if (now - this.#lastFetchAt > FETCH_GAP_MS) this.#lastMessageAt = now;
    this.#lastFetchAt = now;
  }

  #fail(error: Error): void {
    if (this.#closing) return;
    this.#group(false);
    this.#crash ??= error;
    this.#wake();
  }

  /**
   * One message from the stream, taken once, as long as its partition is ours. As with
   * KafkaInput, the messages of one fetch form a batch, and a batch is held back until
   * every batch before the last one delivered is acknowledged: a partition runs at most
   * one batch ahead of its oldest unacknowledged event.
   */
  #deliver(message: PlatformaticMessage): void {
    const partition = message.partition;
    if (this.#closing || !this.#assigned.has(partition)) return;
    const offset = message.offset;
    const next = this.#next.get(partition);
    if (next !== undefined && offset < next) return; // read again after a rejoin
    this.#next.set(partition, offset + 1n);
    const tracker = this.#tracker(partition);
    tracker.deliver(offset);
    this.#outstanding++;
    this.#lastMessageAt = Date.now();
    const key = message.key ? decodeUtf8(message.key) : undefined;
    const bytes = message.value ?? new Uint8Array();
    const value = decodeUtf8(bytes);
    this.#outstandingBytes += bytes.length;
    const event: KeyedEvent = {
      key: key ? key.text : null,
      value: value.text,
      fault: utf8Fault(value, "value") ?? utf8Fault(key, "key"),
      source: { topic: message.topic, partition, offset: offset.toString() },
      retries: 0,
      ack: this.#acker(partition, offset, bytes.length),
    };
    let lane = this.#lanes.get(partition);
    if (!lane) {
      lane = { fetch: this.#fetches, first: offset, held: [] };
      this.#lanes.set(partition, lane);
    }
    if (lane.held.length > 0) {
      lane.held.push({ event, offset });
    } else if (lane.fetch === this.#fetches) {
      this.#queue.push(event);
    } else if (tracker.pendingBefore(lane.first)) {
      lane.held.push({ event, offset }); // a batch before the last one is not done yet
    } else {
      lane.fetch = this.#fetches;
      lane.first = offset;
      this.#queue.push(event);
    }
    if (!this.#paused && this.#full()) {
      this.#paused = true;
      this.#stream?.pause();
    }
    this.#wake();
  }

  /** Hands out the held batch of `partition` once the batches before the last one are done. */
  #release(partition: number, tracker: PartitionTracker): void {
    const lane = this.#lanes.get(partition);
    if (!lane || lane.held.length === 0 || tracker.pendingBefore(lane.first)) return;
    lane.first = lane.held[0].offset;
    lane.fetch = this.#fetches;
    for (const { event } of lane.held) this.#queue.push(event);
    lane.held = [];
  }

  #full(): boolean {
    return this.#outstanding > 0 &&
      (this.#outstanding >= this.#max() || this.#outstandingBytes >= this.#maxBytes);
  }

  /** Once full, the stream waits until a quarter is acknowledged: events go on in bunches. */
  #refilled(): boolean {
    return this.#outstanding <= this.#max() * 0.75 &&
      this.#outstandingBytes <= this.#maxBytes * 0.75;
  }

  #tracker(partition: number): PartitionTracker {
    let tracker = this.#trackers.get(partition);
    if (!tracker) {
      tracker = new PartitionTracker(this.#options.topic, partition);
      this.#trackers.set(partition, tracker);
    }
    return tracker;
  }

  /** The acknowledgement of one delivered event (only its first call counts). */
  #acker(partition: number, offset: bigint, size: number): () => void {
    const tracker = this.#trackers.get(partition)!;
    let acked = false;
    return () => {
      if (acked) return;
      acked = true;
      this.#outstanding--;
      this.#outstandingBytes -= size;
      this.#lastMessageAt = Date.now();
      tracker.ack(offset);
      if (this.#trackers.get(partition) === tracker) this.#release(partition, tracker);
      if (this.#paused && this.#refilled() && !this.#closing) {
        this.#paused = false;
        this.#stream?.resume();
      }
      this.#wake();
    };
  }

  /** Commits at most every `commitIntervalMs`. */
  #commitDue(): Promise<void> {
    if (Date.now() - this.#lastCommitAt < (this.#options.commitIntervalMs ?? 500)) {
      return Promise.resolve();
    }
    return this.#commit();
  }

  /** Commits every assigned partition whose acknowledged prefix moved; commits never overlap. */
  #commit(): Promise<void> {
    this.#lastCommitAt = Date.now();
    if (this.#options.commit === false) return Promise.resolve();
    const next = this.#commitChain.then(async () => {
      const offsets: Array<{ tracker: PartitionTracker; offset: string }> = [];
      for (const tracker of this.#trackers.values()) {
        const offset = tracker.take();
        if (offset !== undefined) offsets.push({ tracker, offset });
      }
      if (offsets.length === 0) return;
      try {
        await this.#consumer.commit({
          offsets: offsets.map(({ tracker, offset }) => ({
            topic: tracker.topic,
            partition: tracker.partition,
            offset: BigInt(offset),
            leaderEpoch: -1,
          })),
        });
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

  /** Asks for the partitions' end offsets when the last answer is old (for `partitions()`). */
  #refreshWatermarks(): void {
    if (this.#closing || Date.now() - this.#watermarksAt < WATERMARK_AGE_MS) return;
    this.#watermarksAt = Date.now();
    this.#consumer.listOffsets({ topics: [this.#options.topic] }).then((offsets) => {
      const ends = offsets.get(this.#options.topic) ?? [];
      for (const [partition, tracker] of this.#trackers) {
        if (ends[partition] !== undefined) tracker.highWatermark = ends[partition];
      }
    }).catch(() => {}); // monitoring only: the next call asks again
  }

  /** Starts the tick that wakes waiters (idle checks) and commits what is due. */
  #startTicker(): void {
    const every = Math.min(this.#options.commitIntervalMs ?? 500, TICK_MS);
    const ticker = setInterval(() => {
      this.#wake();
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
