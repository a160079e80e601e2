/**
 * The partitions of the `@platformatic/kafka` input with the broker: one tracker per
 * assigned partition, the commits of their acknowledged prefixes (never overlapping, at
 * most every `commitIntervalMs`), and the end offsets for monitoring.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { Consumer } from "@platformatic/kafka";
import type { KafkaPartitionState } from "./input_kafkajs.ts";
import { bounded } from "./bounded.ts";
import { PartitionTracker } from "./offsets.ts";

/** How old the high watermarks may be before {@linkcode PlatformaticOffsets.states} asks again, ms. */
const WATERMARK_AGE_MS = 2000;

/** Options of {@linkcode PlatformaticOffsets}. */
export interface PlatformaticOffsetsOptions {
  /** The topic. */
  topic: string;
  /** Commit (false: a dry run, nothing is committed). */
  commit: boolean;
  /** Commits at most this often, ms. */
  commitIntervalMs: number;
}

/** The assigned partitions' trackers and their commits. */
export class PlatformaticOffsets {
  readonly #consumer: Consumer<Uint8Array, Uint8Array, Uint8Array, Uint8Array>;
  readonly #options: PlatformaticOffsetsOptions;
  readonly #log = getLogger(["piddiplatsch", "kafka"]);
  /** The trackers of the partitions assigned now, by partition. */
  readonly #trackers = new Map<number, PartitionTracker>();
  #chain: Promise<void> = Promise.resolve();
  #lastCommitAt = 0;
  /** Whether the last commit failed (the next failure goes to the debug log). */
  #failing = false;
  #watermarksAt = 0;

  /** Offsets of `consumer`'s partitions of `options.topic`. */
  constructor(
    consumer: Consumer<Uint8Array, Uint8Array, Uint8Array, Uint8Array>,
    options: PlatformaticOffsetsOptions,
  ) {
    this.#consumer = consumer;
    this.#options = options;
  }

  /** The tracker of `partition`, created when it is new. */
  tracker(partition: number): PartitionTracker {
    let tracker = this.#trackers.get(partition);
    if (!tracker) {
      tracker = new PartitionTracker(this.#options.topic, partition);
      this.#trackers.set(partition, tracker);
    }
    return tracker;
  }

  /** Whether `tracker` is the current one of its partition (not given up since). */
  current(tracker: PartitionTracker): boolean {
    return this.#trackers.get(tracker.partition) === tracker;
  }

  /** The partitions tracked now that `assigned` does not hold: given up, never committed again. */
  keepOnly(assigned: Set<number>): number[] {
    const gone = [...this.#trackers.keys()].filter((p) => !assigned.has(p));
    for (const partition of gone) this.#trackers.delete(partition);
    return gone;
  }

  /** Where each tracked partition stands; asks for the end offsets when the last are old. */
  states(): KafkaPartitionState[] {
    this.#refreshWatermarks();
    return [...this.#trackers.values()].map((t) => ({
      topic: t.topic,
      partition: t.partition,
      committed: t.position(this.#options.commit),
      highWatermark: t.highWatermark,
    }));
  }

  /** Commits at most every `commitIntervalMs`. */
  commitDue(): Promise<void> {
    if (Date.now() - this.#lastCommitAt < this.#options.commitIntervalMs) return Promise.resolve();
    return this.commit();
  }

  /** Commits every tracked partition whose acknowledged prefix moved; commits never overlap. */
  commit(): Promise<void> {
    this.#lastCommitAt = Date.now();
    if (!this.#options.commit) return Promise.resolve();
    const next = this.#chain.then(async () => {
      const offsets: Array<{ tracker: PartitionTracker; offset: string }> = [];
      for (const tracker of this.#trackers.values()) {
        const offset = tracker.take();
        if (offset !== undefined) offsets.push({ tracker, offset });
      }
      if (offsets.length === 0) return;
      try {
        // bounded: against a broker gone for good the client retries for ever, and the
        // commits behind this one (the last one at close) would wait on it
        await bounded(
          this.#consumer.commit({
            offsets: offsets.map(({ tracker, offset }) => ({
              topic: tracker.topic,
              partition: tracker.partition,
              offset: BigInt(offset),
              leaderEpoch: -1,
            })),
          }),
          { what: "offset commit" },
        );
        for (const { tracker, offset } of offsets) tracker.committed(offset);
        if (this.#failing) this.#log.info("offset commits go through again");
        this.#failing = false;
      } catch (error) {
        // e.g. a rebalance took the partition: its events are read again by the next owner;
        // a broker away fails every commit until it is back: said once, then in the debug log
        const message = "offset commit failed, the events will be read again: {error}";
        if (this.#failing) this.#log.debug(message, { error: String(error) });
        else this.#log.warn(message, { error: String(error) });
        this.#failing = true;
      }
    });
    this.#chain = next.catch(() => {});
    return next;
  }

  /** Asks for the partitions' end offsets (monitoring only: a failure is asked again later). */
  #refreshWatermarks(): void {
    if (Date.now() - this.#watermarksAt < WATERMARK_AGE_MS) return;
    this.#watermarksAt = Date.now();
    this.#consumer.listOffsets({ topics: [this.#options.topic] }).then((offsets) => {
      const ends = offsets.get(this.#options.topic) ?? [];
      for (const [partition, tracker] of this.#trackers) {
        if (ends[partition] !== undefined) tracker.highWatermark = ends[partition];
      }
    }).catch(() => {});
  }
}
