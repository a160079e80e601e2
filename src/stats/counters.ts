/**
 * Run counters: what the pipeline did, for summaries, the status line and the
 * statistics history.
 *
 * @module
 */

/** The counters kept for a run. */
export const COUNTER_NAMES = [
  "messages",
  "handles",
  "errors",
  "warnings",
  "retries",
  "skipped",
  "patched",
  "retracted",
  "replicas",
  "external_failures",
  "filtered",
] as const;

/** One counter's name. */
export type CounterName = typeof COUNTER_NAMES[number];

/** A point-in-time copy of the counters. */
export interface StatsSnapshot {
  /** Counter values. */
  counts: Record<CounterName, number>;
  /** When the run started (ms since the epoch). */
  startedAt: number;
  /** When the snapshot was taken (ms since the epoch). */
  takenAt: number;
  /** When the last error happened, if any (ms since the epoch). */
  lastErrorAt?: number;
}

/** Counters for one run. */
export class Stats {
  readonly #counts: Record<CounterName, number>;
  readonly #startedAt: number;
  readonly #now: () => number;
  #lastErrorAt?: number;
  #listeners: Array<(name: CounterName, total: number) => void> = [];

  /** Starts the counters at zero. */
  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
    this.#counts = Object.fromEntries(COUNTER_NAMES.map((n) => [n, 0])) as Record<
      CounterName,
      number
    >;
  }

  /** Adds `n` (default 1) to a counter. */
  add(name: CounterName, n = 1): void {
    if (n === 0) return;
    this.#counts[name] += n;
    if (name === "errors" || name === "external_failures") this.#lastErrorAt = this.#now();
    for (const listener of this.#listeners) listener(name, this.#counts[name]);
  }

  /** The current value of a counter. */
  get(name: CounterName): number {
    return this.#counts[name];
  }

  /** Calls `listener` after every change. */
  onChange(listener: (name: CounterName, total: number) => void): void {
    this.#listeners.push(listener);
  }

  /** A copy of the counters. */
  snapshot(): StatsSnapshot {
    return {
      counts: { ...this.#counts },
      startedAt: this.#startedAt,
      takenAt: this.#now(),
      lastErrorAt: this.#lastErrorAt,
    };
  }
}
