/**
 * What both Kafka inputs keep between their client and the pipeline: the events delivered
 * and not yet taken, the count and bytes of those not yet acknowledged (for the bounds), the
 * idle clock, the group flag, a crash to report, and the one ticker that wakes every wait
 * (no timer per event or wait).
 *
 * @module
 */

import { TransientError } from "../errors/mod.ts";
import type { KeyedEvent } from "../events/mod.ts";

/** The longest wait between two looks at the idle clock, due commits and heartbeats, ms. */
const TICK_MS = 250;

/** A fetch gap longer than this means the broker is lost: the idle clock starts afresh. */
const FETCH_GAP_MS = 15_000;

/**
 * After the last fetch answer, how long before it counts as proof of an idle topic: the
 * batches of that answer are handed out meanwhile (the answer comes before its batches).
 */
const PROOF_GRACE_MS = 500;

/** Default of {@linkcode DeliveryOptions.maxOutstandingBytes}. */
const DEFAULT_MAX_OUTSTANDING_BYTES = 64 * 1024 * 1024;

/** Options of {@linkcode Delivery}. */
export interface DeliveryOptions {
  /** End after this many milliseconds without a new event. */
  idleTimeoutMs?: number;
  /** Events delivered but not yet acknowledged, at most (default 64); a function is asked again. */
  maxOutstanding?: number | (() => number);
  /** Bytes of events delivered but not yet acknowledged, at most (default 64 MiB). */
  maxOutstandingBytes?: number;
  /** Told when the group is joined (true) and when it is left or being rebalanced (false). */
  onGroup?: (joined: boolean) => void;
  /**
   * Whether the member is expected to fetch now (default: always). A member without
   * partitions may not fetch; its idle clock runs all the same.
   */
  fetching?: () => boolean;
  /**
   * With `idleTimeoutMs`: seconds without the group or a fetch answer after which the
   * input fails (exit 3) instead of waiting on; default 60 (`kafka.connect_timeout`).
   */
  connectTimeout?: number;
}

/** The events of one Kafka input on their way to the pipeline. */
export class Delivery {
  readonly #options: DeliveryOptions;
  readonly #queue: KeyedEvent[] = [];
  readonly #max: () => number;
  readonly #maxBytes: number;
  #waiters: Array<() => void> = [];
  #outstanding = 0;
  #outstandingBytes = 0;
  #closing = false;
  #crash?: Error;
  /** Start of the idle clock: the last message, or joining the group (undefined before). */
  #lastMessageAt?: number;
  #lastFetchAt = 0;
  #joined = false;
  /** Since when the group is not joined or no fetch is answered (undefined: connected). */
  #lostSince?: number;
  #ticker?: ReturnType<typeof setInterval>;

  /** The delivery of one input. */
  constructor(options: DeliveryOptions) {
    this.#options = options;
    const limit = options.maxOutstanding ?? 64;
    this.#max = typeof limit === "number" ? (): number => limit : limit;
    this.#maxBytes = options.maxOutstandingBytes ?? DEFAULT_MAX_OUTSTANDING_BYTES;
  }

  /** Whether the input is closing (nothing more is delivered). */
  get closing(): boolean {
    return this.#closing;
  }

  /** Whether the member is in the group now. */
  get joined(): boolean {
    return this.#joined;
  }

  /**
   * Whether the events not yet acknowledged reached a bound (one event is always let
   * through, however large).
   */
  full(): boolean {
    return this.#outstanding > 0 &&
      (this.#outstanding >= this.#max() || this.#outstandingBytes >= this.#maxBytes);
  }

  /** Whether a quarter of the bounds is free again: once full, events go on in bunches. */
  refilled(): boolean {
    return this.#outstanding <= this.#max() * 0.75 &&
      this.#outstandingBytes <= this.#maxBytes * 0.75;
  }

  /** An event of `bytes` taken from the client: outstanding until acknowledged. */
  delivered(bytes: number): void {
    this.#outstanding++;
    this.#outstandingBytes += bytes;
    this.#lastMessageAt = Date.now();
  }

  /** Hands a delivered event out (to the next {@linkcode Delivery.next}). */
  handOut(event: KeyedEvent): void {
    this.#queue.push(event);
    this.wake();
  }

  /**
   * The acknowledgement of a delivered event of `bytes`: only its first call counts; it
   * frees the event's place, calls `then` (the input's own bookkeeping) and wakes every wait.
   */
  acker(bytes: number, then: () => void): () => void {
    let acked = false;
    return () => {
      if (acked) return;
      acked = true;
      this.#outstanding--;
      this.#outstandingBytes -= bytes;
      this.#lastMessageAt = Date.now();
      then();
      this.wake();
    };
  }

  /** The group was joined: the idle clock starts. */
  joinedGroup(): void {
    this.#lastMessageAt = Date.now(); // the idle clock runs only while joined
    this.#lastFetchAt = Date.now();
    this.group(true);
    this.wake();
  }

  /** Tells the group's state on (joined, or left or being rebalanced). */
  group(joined: boolean): void {
    this.#joined = joined;
    this.#options.onGroup?.(joined);
  }

  /** A fetch was answered; after a gap (broker lost and found again) the idle clock starts afresh. */
  fetched(): void {
    const now = Date.now();
    if (now - this.#lastFetchAt > FETCH_GAP_MS) this.#lastMessageAt = now;
    this.#lastFetchAt = now;
  }

  /** The client failed for good: the next {@linkcode Delivery.next} throws `error`. */
  fail(error: Error): void {
    if (this.#closing) return;
    this.group(false);
    this.#crash ??= error;
    this.wake();
  }

  /**
   * The next event; done when closing, or idle for `idleTimeoutMs`: joined, fetching, nothing
   * delivered still being worked on, and no new event for that long (a slow batch holds back
   * the next fetch; that is not idle), and a fetch answered at the end of that time (proof
   * that the topic holds nothing more, not that the broker went away). The clock does not
   * run while the group is not joined or no fetch succeeds; with an idle timeout, that
   * lasting `connectTimeout` fails the input.
   */
  async next(): Promise<IteratorResult<KeyedEvent>> {
    while (true) {
      if (this.#crash) throw this.#crash;
      if (this.#closing) return { done: true, value: undefined };
      const event = this.#queue.shift();
      if (event) return { done: false, value: event };
      const idle = this.#options.idleTimeoutMs;
      const now = Date.now();
      const fetching = this.#options.fetching?.() ?? true;
      const connected = this.#joined && (!fetching || now - this.#lastFetchAt <= FETCH_GAP_MS);
      if (!connected && this.#lastMessageAt !== undefined) this.#lastMessageAt = now;
      if (idle !== undefined) this.#checkLost(connected, now);
      if (idle !== undefined && this.#lastMessageAt !== undefined && this.#outstanding === 0) {
        const proven = !fetching ||
          (this.#lastFetchAt >= this.#lastMessageAt + idle &&
            now - this.#lastFetchAt >= PROOF_GRACE_MS);
        if (this.#lastMessageAt + idle <= now && proven) return { done: true, value: undefined };
      }
      await this.changed();
    }
  }

  /**
   * Fails when the group or the fetches stayed lost for `connectTimeout` with nothing
   * outstanding (events worked on hold the fetches back: that is no loss).
   */
  #checkLost(connected: boolean, now: number): void {
    if (connected || this.#outstanding > 0) {
      this.#lostSince = undefined;
      return;
    }
    this.#lostSince ??= now;
    const limit = (this.#options.connectTimeout ?? 60) * 1000;
    if (now - this.#lostSince > limit) {
      throw new TransientError(
        `Kafka: no group and no fetch answered for ${
          Math.round((now - this.#lostSince) / 1000)
        } s ` +
          `(kafka.connect_timeout = ${this.#options.connectTimeout ?? 60})`,
      );
    }
  }

  /** Starts the one tick: it wakes every wait, then calls `onTick`. */
  startTicker(everyMs: number, onTick: () => void): void {
    const ticker = setInterval(() => {
      this.wake();
      onTick();
    }, Math.min(everyMs, TICK_MS));
    Deno.unrefTimer(ticker);
    this.#ticker = ticker;
  }

  /** Closing: stops the tick, leaves the group's state and wakes every wait. */
  close(): void {
    this.#closing = true;
    if (this.#ticker !== undefined) clearInterval(this.#ticker);
    this.group(false);
    this.wake();
  }

  /** Resolves at the next change: a delivery, an acknowledgement, a group event, a tick. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Wakes every wait. */
  wake(): void {
    if (this.#waiters.length === 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
