/**
 * The state of each service ("dependency") a `consume` waits for: down since when and
 * why, the timer of its next probe (capped exponential backoff with jitter, `Retry-After`
 * honoured), and the log: one line when it goes down, the same once a minute while it
 * stays down, one when it answers again. Which event a probe tries is the caller's.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { type OutagePolicy, probeDelay } from "../transient/mod.ts";

/** A dependency's state as the observers see it. */
export interface DependencyState {
  /** The dependency. */
  name: string;
  /** Whether it answers. */
  up: boolean;
  /** Since when it is in this state. */
  since: Date;
  /** Why it is down. */
  reason?: string;
}

/** Options of {@linkcode Dependencies}. */
export interface DependenciesOptions {
  /** Probe delays. */
  policy: Pick<OutagePolicy, "probeInitial" | "probeMax">;
  /** A dependency went down or came back. */
  onChange?: (state: DependencyState) => void;
  /** Time to probe `name` (the caller tries something, then calls back). */
  onProbe: (name: string) => void;
  /** Events held now, for the log lines. */
  held: () => number;
  /** Period of the "waiting for …" log line, ms (default 60 000). */
  logEveryMs?: number;
  /** Jitter source (tests). */
  random?: () => number;
}

interface Down {
  since: Date;
  reason: string;
  attempt: number;
  timer?: ReturnType<typeof setTimeout>;
  /** A probe is being tried now. */
  probing?: boolean;
}

const log = getLogger(["piddiplatsch", "pipeline"]);

/** The dependencies that are down, and their probes. */
export class Dependencies {
  readonly #o: DependenciesOptions;
  readonly #down = new Map<string, Down>();
  #logTimer?: ReturnType<typeof setInterval>;
  #closed = false;

  /** Every dependency up. */
  constructor(options: DependenciesOptions) {
    this.#o = options;
  }

  /** Whether `name` is down. */
  isDown(name: string): boolean {
    return this.#down.has(name);
  }

  /** Why `name` is down ("" when it is up). */
  reasonOf(name: string): string {
    return this.#down.get(name)?.reason ?? "";
  }

  /** Since when `name` is down (ms), if it is. */
  downSince(name: string): number | undefined {
    return this.#down.get(name)?.since.getTime();
  }

  /** The dependencies down now, with since when and why. */
  downNow(): DependencyState[] {
    return [...this.#down].map(([name, d]) => ({
      name,
      up: false,
      since: d.since,
      reason: d.reason,
    }));
  }

  /**
   * `name` failed: marks it down (logging once) and plans its first probe; after a probe
   * that failed (`probe`), plans the next one, later. Nothing is planned while a probe runs.
   */
  down(
    name: string,
    reason: string,
    options: { retryAfterMs?: number; probe?: boolean } = {},
  ): void {
    if (this.#closed) return;
    const d = this.#down.get(name);
    if (d === undefined) {
      const since = new Date();
      const fresh: Down = { since, reason, attempt: 0 };
      this.#down.set(name, fresh);
      log.warn("waiting for {dependency} since {since}: {reason}", {
        dependency: name,
        since: since.toISOString(),
        reason,
      });
      this.#o.onChange?.({ name, up: false, since, reason });
      this.#startLog();
      this.plan(name, options.retryAfterMs);
      return;
    }
    d.reason = reason;
    if (options.probe || (d.timer === undefined && !d.probing)) {
      this.plan(name, options.retryAfterMs);
    }
  }

  /** `name` answers again: its probe stops; true when it was down. */
  up(name: string): boolean {
    const d = this.#down.get(name);
    if (d === undefined) return false;
    clearTimeout(d.timer);
    this.#down.delete(name);
    const now = new Date();
    log.info("{dependency} answers again after {seconds} s; {held} event(s) held go on", {
      dependency: name,
      seconds: Math.round((now.getTime() - d.since.getTime()) / 1000),
      held: this.#o.held(),
    });
    this.#o.onChange?.({ name, up: true, since: now });
    if (this.#down.size === 0 && this.#logTimer !== undefined) {
      clearInterval(this.#logTimer);
      this.#logTimer = undefined;
    }
    return true;
  }

  /** Plans the next probe of `name` (a longer delay each time), if it is down. */
  plan(name: string, retryAfterMs?: number): void {
    const d = this.#down.get(name);
    if (d === undefined || this.#closed) return;
    clearTimeout(d.timer);
    d.attempt++;
    const delay = probeDelay(this.#o.policy, d.attempt, { retryAfterMs, random: this.#o.random });
    d.timer = setTimeout(() => {
      d.timer = undefined;
      if (!this.#closed && this.#down.get(name) === d) this.#o.onProbe(name);
    }, delay);
  }

  /** A probe of `name` runs (true) or ended (false). */
  probing(name: string, running: boolean): void {
    const d = this.#down.get(name);
    if (d !== undefined) d.probing = running;
  }

  /** Whether a probe of `name` is planned (a timer runs). */
  planned(name: string): boolean {
    return this.#down.get(name)?.timer !== undefined;
  }

  /** Stops every timer. */
  close(): void {
    this.#closed = true;
    for (const d of this.#down.values()) clearTimeout(d.timer);
    if (this.#logTimer !== undefined) clearInterval(this.#logTimer);
    this.#logTimer = undefined;
  }

  /** Says once a minute which dependencies are waited for, since when. */
  #startLog(): void {
    if (this.#logTimer !== undefined) return;
    this.#logTimer = setInterval(() => {
      for (const [name, d] of this.#down) {
        log.warn("waiting for {dependency} since {since} ({held} event(s) held): {reason}", {
          dependency: name,
          since: d.since.toISOString(),
          held: this.#o.held(),
          reason: d.reason,
        });
      }
    }, this.#o.logEveryMs ?? 60_000);
    Deno.unrefTimer(this.#logTimer);
  }
}
