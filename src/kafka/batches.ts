/**
 * The batches of each partition as the `@platformatic/kafka` input hands them out:
 * the messages of one fetch form a batch, and a batch is held back until every batch
 * before the last one handed out is acknowledged, so that a partition runs at most one
 * batch ahead of its oldest unacknowledged event (as kafkajs' `eachBatch` does for
 * {@linkcode KafkaInput}).
 *
 * @module
 */

import type { PartitionTracker } from "./offsets.ts";

/** One partition's batches: the last one handed out and what is held back behind it. */
interface Lane<T> {
  /** The fetch of the last batch handed out. */
  fetch: number;
  /** The first offset of the last batch handed out. */
  first: bigint;
  /** Taken but not handed out yet: a batch before `first` is not done. */
  held: Array<{ item: T; offset: bigint }>;
}

/** Per partition, which items may be handed out now and which wait. */
export class BatchGate<T> {
  readonly #lanes = new Map<number, Lane<T>>();

  /**
   * Whether `item` (at `offset` of `partition`, taken from fetch number `fetch`) may be
   * handed out now; if not, it is held until {@linkcode release} lets it go.
   */
  admit(
    partition: number,
    item: T,
    at: { offset: bigint; fetch: number; tracker: PartitionTracker },
  ): boolean {
    const lane = this.#lanes.get(partition);
    if (!lane) {
      this.#lanes.set(partition, { fetch: at.fetch, first: at.offset, held: [] });
      return true;
    }
    if (lane.held.length === 0) {
      if (lane.fetch === at.fetch) return true; // the batch handed out last goes on
      if (!at.tracker.pendingBefore(lane.first)) {
        lane.fetch = at.fetch;
        lane.first = at.offset;
        return true;
      }
    }
    lane.held.push({ item, offset: at.offset });
    return false;
  }

  /** The held items of `partition`, once every batch before the last one is acknowledged. */
  release(partition: number, at: { fetch: number; tracker: PartitionTracker }): T[] {
    const lane = this.#lanes.get(partition);
    if (!lane || lane.held.length === 0 || at.tracker.pendingBefore(lane.first)) return [];
    lane.first = lane.held[0].offset;
    lane.fetch = at.fetch;
    const items = lane.held.map((h) => h.item);
    lane.held = [];
    return items;
  }

  /**
   * Lets everything held go at once, in offset order, every partition: while the pipeline
   * holds events for a service that is down, later batches need not wait for them.
   */
  releaseAll(): T[] {
    const items: T[] = [];
    for (const lane of this.#lanes.values()) {
      if (lane.held.length === 0) continue;
      lane.first = lane.held[0].offset;
      items.push(...lane.held.map((h) => h.item));
      lane.held = [];
    }
    return items;
  }

  /** Forgets `partition` (given up); returns what was held and never handed out. */
  drop(partition: number): T[] {
    const held = this.#lanes.get(partition)?.held ?? [];
    this.#lanes.delete(partition);
    return held.map((h) => h.item);
  }
}
