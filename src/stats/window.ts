/**
 * Rates over a recent window (the last minute by default) instead of the whole run,
 * so that a rate falls to zero while idle and rises again with new work.
 *
 * @module
 */

import type { StatsSnapshot } from "./counters.ts";

/** Messages and handles per second over the window. */
export interface RecentRates {
  /** Messages per second. */
  messageRate: number;
  /** Handles per second. */
  handleRate: number;
}

interface Sample {
  at: number;
  messages: number;
  handles: number;
}

/**
 * Samples of the counters over the last `windowMs`, plus the newest sample before it
 * as the base; the rates are taken between the base and the newest sample.
 */
export class RateWindow {
  readonly #windowMs: number;
  #samples: Sample[] = [];

  /** A window of `windowMs` (default 60 000). */
  constructor(options: { windowMs?: number } = {}) {
    this.#windowMs = options.windowMs ?? 60_000;
  }

  /** Adds a snapshot (at its `takenAt`) and returns the rates over the window. */
  sample(snapshot: StatsSnapshot): RecentRates {
    const at = snapshot.takenAt;
    if (this.#samples.length === 0) {
      this.#samples.push({ at: snapshot.startedAt, messages: 0, handles: 0 });
    }
    this.#samples.push({
      at,
      messages: snapshot.counts.messages,
      handles: snapshot.counts.handles,
    });
    // Keep one sample at or before the window's start as its base.
    while (this.#samples.length > 2 && this.#samples[1].at <= at - this.#windowMs) {
      this.#samples.shift();
    }
    const base = this.#samples[0];
    const seconds = (at - base.at) / 1000;
    if (seconds <= 0) return { messageRate: 0, handleRate: 0 };
    return {
      messageRate: (snapshot.counts.messages - base.messages) / seconds,
      handleRate: (snapshot.counts.handles - base.handles) / seconds,
    };
  }
}
