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
import { awaitKafka, DEFAULT_CONNECT_TIMEOUT } from "./startup.ts";
import { toPlatformatic } from "./platformatic_config.ts";
import type { KafkaInputOptions, KafkaPartitionState } from "./input_kafkajs.ts";
import { utf8Fault } from "./utf8_fault.ts";
import { Delivery } from "./delivery.ts";
import { BatchGate } from "./batches.ts";
import { bounded, BROKER_CALL_TIMEOUT_MS } from "./bounded.ts";
import type { PartitionTracker } from "./offsets.ts";
import { PlatformaticOffsets } from "./platformatic_offsets.ts";

type Stream = MessagesStream<Uint8Array, Uint8Array, Uint8Array, Uint8Array>;
type PlatformaticMessage = Message<Uint8Array, Uint8Array, Uint8Array, Uint8Array>;

/** A Kafka topic, read with `@platformatic/kafka`, as an async iterator of keyed events. */
export class PlatformaticKafkaInput implements AsyncIterableIterator<KeyedEvent> {
  readonly #options: KafkaInputOptions;
  readonly #consumer: Consumer<Uint8Array, Uint8Array, Uint8Array, Uint8Array>;
  readonly #log = getLogger(["piddiplatsch", "kafka"]);
  readonly #delivery: Delivery;
  readonly #offsets: PlatformaticOffsets;
  /** The next offset to deliver per assigned partition (the stream may read some again). */
  readonly #next = new Map<number, bigint>();
  /** Per assigned partition: the batch handed out last and the batch held back. */
  readonly #gate = new BatchGate<KeyedEvent>();
  /** Fetches answered so far: the messages of one fetch are one batch. */
  #fetches = 0;
  #stream?: Stream;
  #paused = false;
  #closed?: Promise<void>;
  /** The partitions assigned now, each with the group generation that assigned it. */
  #assigned = new Map<number, number>();

  private constructor(
    options: KafkaInputOptions,
    consumer: Consumer<Uint8Array, Uint8Array, Uint8Array, Uint8Array>,
  ) {
    this.#options = options;
    this.#consumer = consumer;
    // A member without partitions does not fetch; its idle clock runs all the same.
    this.#delivery = new Delivery({ ...options, fetching: () => this.#assigned.size > 0 });
    this.#offsets = new PlatformaticOffsets(consumer, {
      topic: options.topic,
      commit: options.commit !== false,
      commitIntervalMs: options.commitIntervalMs ?? 500,
    });
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
    // The start-up checks (broker reachable, TLS/SASL handshake, topic exists), with a
    // short-lived admin client.
    await awaitKafka({
      client: translated.consumer,
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
    consumer.on("consumer:group:rebalance", () => input.#delivery.group(false));
    consumer.on("consumer:group:leave", () => input.#delivery.group(false));
    // A rejoin that failed after its retries: the member is out of the group for good.
    consumer.on("error", (error: Error) => input.#delivery.fail(error));
    input.#delivery.startTicker(options.commitIntervalMs ?? 500, () => {
      if (input.#delivery.joined && !input.#delivery.closing) {
        input.#offsets.commitDue().catch(() => {});
      }
      input.#releaseIfHolding();
    });
    try {
      input.#stream = await consumer.consume({
        topics: [options.topic],
        mode: "committed",
        fallbackMode: translated.fromBeginning ? "earliest" : "latest",
        autocommit: false,
      });
    } catch (error) {
      input.#delivery.close();
      await consumer.close(true).catch(() => {});
      throw error;
    }
    const stream = input.#stream;
    stream.on("data", (message) => input.#deliver(message));
    stream.on("fetch", () => input.#fetched());
    stream.on("error", (error) => input.#delivery.fail(error));
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
  next(): Promise<IteratorResult<KeyedEvent>> {
    return this.#delivery.next();
  }

  /** Where each assigned partition stands (committed offset, high watermark). */
  partitions(): KafkaPartitionState[] {
    return this.#offsets.states();
  }

  /** Stops fetching, commits what was acknowledged, and leaves the group. */
  return(): Promise<IteratorResult<KeyedEvent>> {
    this.#closed ??= this.#close();
    return this.#closed.then(() => ({ done: true, value: undefined }));
  }

  async #close(): Promise<void> {
    this.#delivery.close();
    const warn = (error: unknown): void => {
      this.#log.warn("disconnect: {error}", { error: String(error) });
    };
    // One bound for the whole close: a broker gone for good (the run failed for it, or
    // ends idle or stopped meanwhile) is waited on at most this long, then the run ends;
    // what was not committed is read again.
    const deadline = Date.now() + BROKER_CALL_TIMEOUT_MS;
    const skipped: string[] = [];
    const within = async (call: () => Promise<unknown>, what: string): Promise<void> => {
      const ms = deadline - Date.now();
      if (ms > 0) return void await bounded(call(), { what, ms }).catch(warn);
      skipped.push(what);
      call().catch(() => {}); // started all the same, not waited for
    };
    await within(() => this.#offsets.commit(), "the last offset commit");
    const stream = this.#stream;
    if (stream) await within(() => stream.close(), "closing the stream");
    // what was acknowledged while the stream closed
    await within(() => this.#offsets.commit(), "the last offset commit");
    await within(() => this.#consumer.close(true), "leaving the group");
    if (skipped.length > 0) {
      warn(
        `${skipped.join(", ")} not waited for: the broker did not answer within ` +
          `${BROKER_CALL_TIMEOUT_MS / 1000} s`,
      );
    }
  }

  #onJoin(assignments: Array<{ topic: string; partitions: number[] }>): void {
    const assigned = new Set(
      assignments.filter((a) => a.topic === this.#options.topic).flatMap((a) => a.partitions),
    );
    // A partition that moved away is given up: its acknowledgements commit nothing more.
    for (const partition of this.#offsets.keepOnly(assigned)) {
      this.#next.delete(partition);
      this.#dropHeld(partition);
    }
    const generation = this.#consumer.generationId;
    this.#assigned = new Map(
      [...assigned].map((p) => [p, this.#assigned.get(p) ?? generation]),
    );
    this.#delivery.joinedGroup();
  }

  /** Forgets the events of `partition` that were taken but not handed out. */
  #dropHeld(partition: number): void {
    // Frees their places in the outstanding counts; nothing of a partition given up is committed.
    for (const event of this.#gate.drop(partition)) event.ack("registered");
  }

  #fetched(): void {
    this.#fetches++;
    this.#delivery.fetched();
  }

  /**
   * One message from the stream, taken once, as long as its partition is ours. As with
   * KafkaInput, the messages of one fetch form a batch, and a batch is held back until
   * every batch before the last one delivered is acknowledged: a partition runs at most
   * one batch ahead of its oldest unacknowledged event.
   */
  #deliver(message: PlatformaticMessage): void {
    const partition = message.partition;
    const since = this.#assigned.get(partition);
    if (this.#delivery.closing || since === undefined) return;
    // A message fetched before its partition came (back) to this member is not ours to hand out.
    const fetchedIn = (message.metadata.consumer as { generationId?: number } | undefined)
      ?.generationId;
    if (fetchedIn !== undefined && fetchedIn < since) return;
    const offset = message.offset;
    const next = this.#next.get(partition);
    if (next !== undefined && offset < next) return; // read again after a rejoin
    this.#next.set(partition, offset + 1n);
    const tracker = this.#offsets.tracker(partition);
    tracker.deliver(offset);
    const key = message.key ? decodeUtf8(message.key) : undefined;
    const bytes = message.value ?? new Uint8Array();
    const value = decodeUtf8(bytes);
    this.#delivery.delivered(bytes.length);
    const event: KeyedEvent = {
      key: key ? key.text : null,
      value: value.text,
      fault: utf8Fault(value, "value") ?? utf8Fault(key, "key"),
      source: { topic: message.topic, partition, offset: offset.toString() },
      retries: 0,
      ack: this.#delivery.acker(bytes.length, () => this.#acked(tracker, offset)),
    };
    const fetch = this.#fetches;
    if (this.#gate.admit(partition, event, { offset, fetch, tracker })) {
      this.#delivery.handOut(event);
    }
    this.#releaseIfHolding();
    if (!this.#paused && this.#delivery.full()) {
      this.#paused = true;
      this.#stream?.pause();
    }
  }

  /**
   * While the pipeline holds events for a service that is down, a batch does not wait for
   * the batches before it (as on kafkajs): the held events would stop their partitions.
   */
  #releaseIfHolding(): void {
    if (!this.#options.holding?.()) return;
    for (const event of this.#gate.releaseAll()) this.#delivery.handOut(event);
  }

  /** What an acknowledgement does here besides freeing the event's place. */
  #acked(tracker: PartitionTracker, offset: bigint): void {
    tracker.ack(offset);
    if (this.#offsets.current(tracker)) {
      const fetch = this.#fetches;
      for (const event of this.#gate.release(tracker.partition, { fetch, tracker })) {
        this.#delivery.handOut(event);
      }
    }
    if (this.#paused && this.#delivery.refilled() && !this.#delivery.closing) {
      this.#paused = false;
      this.#stream?.resume();
    }
  }
}
