/**
 * Events held while a service they need is down (`on_outage = "wait"`): per service
 * ("dependency") a state, up or down since when and why; the events held for it, in the
 * order they came per item; one probe at a time with capped exponential backoff and
 * jitter (the probe is the first held event tried again, so that a server that answers
 * reads but fails writes is not taken for up); and, once the service answers again, the
 * held events released, those about one item one after another. Nothing here is
 * acknowledged: an event held stays uncommitted until it is done.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { type OutagePolicy, probeDelay } from "../transient/mod.ts";

/** Why an event waits: the service it needs, and what that service did. */
export interface Held {
  /** The dependency, e.g. `Handle service cmip7`, `STAC API`, `output folder`. */
  dependency: string;
  /** One-line reason. */
  reason: string;
  /** What the service asked for with `Retry-After`, ms. */
  retryAfterMs?: number;
  /** Held only behind an earlier event about the same item (says nothing of the service). */
  behind?: boolean;
}

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

/** Observers of the waiting (the monitor's health and metrics). */
export interface WaitingObserver {
  /** A dependency went down or came back. */
  dependency?(state: DependencyState): void;
  /** A dependency did its work (an event registered, a record written). */
  success?(name: string, at: Date): void;
  /** The events held, and their bytes, changed. */
  held?(events: number, bytes: number): void;
}

/** Options of {@linkcode Waiting}. */
export interface WaitingOptions {
  /** Probe delays. */
  policy: Pick<OutagePolicy, "probeInitial" | "probeMax">;
  /** Events held at most before intake pauses. */
  maxEvents: number;
  /** Bytes of held events at most before intake pauses. */
  maxBytes: number;
  /** Held events tried again at once, at most. */
  concurrency: () => number;
  /** Observers. */
  observer?: WaitingObserver;
  /** Called when held events are done, so that a paused intake may go on. */
  onFree?: () => void;
  /** Period of the "waiting for …" log line, ms (default 60 000). */
  logEveryMs?: number;
  /** Jitter source (tests). */
  random?: () => number;
}

/**
 * Tries a held event again: undefined when it is done, else why it waits again. `probe`
 * names the dependency this try probes (down, and to be tried all the same).
 */
export type Retry = (probe?: string) => Promise<Held | undefined>;

interface Entry {
  key: string;
  bytes: number;
  dependency: string;
  retry: Retry;
  running: boolean;
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

/** The held events of one run and the state of the dependencies they wait for. */
export class Waiting {
  readonly #o: WaitingOptions;
  readonly #down = new Map<string, Down>();
  readonly #byKey = new Map<string, Entry[]>();
  #events = 0;
  #bytes = 0;
  #running = 0;
  #emptyWaiters: Array<() => void> = [];
  #logTimer?: ReturnType<typeof setInterval>;
  #closed = false;
  readonly #tries = new Set<Promise<Held | undefined>>();

  /** No dependency down, nothing held. */
  constructor(options: WaitingOptions) {
    this.#o = options;
  }

  /** Events held now. */
  get events(): number {
    return this.#events;
  }

  /** Bytes of the events held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Whether `name` is down. */
  isDown(name: string): boolean {
    return this.#down.has(name);
  }

  /** Why `name` is down ("" when it is up). */
  reasonOf(name: string): string {
    return this.#down.get(name)?.reason ?? "";
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

  /** Whether an earlier event about the same item is held (a later one must wait behind it). */
  keyHeld(key: string): boolean {
    return this.#byKey.has(key);
  }

  /** The dependency the held events of `key` wait for. */
  dependencyOfKey(key: string): string | undefined {
    return this.#byKey.get(key)?.[0].dependency;
  }

  /** Whether the bound is reached: intake pauses. */
  full(): boolean {
    return this.#events > 0 &&
      (this.#events >= this.#o.maxEvents || this.#bytes >= this.#o.maxBytes);
  }

  /** Holds an event until `held.dependency` answers again; `retry` tries it then. */
  hold(key: string, bytes: number, held: Held, retry: Retry): void {
    const entry: Entry = { key, bytes, dependency: held.dependency, retry, running: false };
    const list = this.#byKey.get(key);
    if (list) list.push(entry);
    else this.#byKey.set(key, [entry]);
    this.#events++;
    this.#bytes += bytes;
    this.#o.observer?.held?.(this.#events, this.#bytes);
    if (!held.behind) this.down(held.dependency, held.reason, { retryAfterMs: held.retryAfterMs });
  }

  /**
   * `name` failed: marks it down (logging once) and plans its first probe; from a probe
   * that failed, plans the next one, later.
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
      this.#o.observer?.dependency?.({ name, up: false, since, reason });
      this.#startLog();
      this.#plan(name, fresh, options.retryAfterMs);
      return;
    }
    d.reason = reason;
    if (options.probe || (d.timer === undefined && !d.probing)) {
      this.#plan(name, d, options.retryAfterMs);
    }
  }

  /**
   * `name` did its work for something started at `startedAt` (ms): when that began after
   * the outage did, `name` is up again and its held events go on.
   */
  succeeded(name: string, startedAt: number): void {
    const now = new Date();
    this.#o.observer?.success?.(name, now);
    const d = this.#down.get(name);
    if (d === undefined || startedAt < d.since.getTime()) return;
    this.#up(name, d, now);
  }

  /** Resolves once nothing is held, or at once after {@linkcode Waiting.close}. */
  whenEmpty(): Promise<void> {
    if (this.#events === 0 || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#emptyWaiters.push(resolve));
  }

  /** Resolves once the held events being tried now are settled (after a close). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#tries]);
  }

  /** Stops probing and releasing; what is held stays unacknowledged. */
  close(): void {
    this.#closed = true;
    for (const d of this.#down.values()) clearTimeout(d.timer);
    if (this.#logTimer !== undefined) clearInterval(this.#logTimer);
    this.#logTimer = undefined;
    const waiters = this.#emptyWaiters;
    this.#emptyWaiters = [];
    for (const wake of waiters) wake();
  }

  #up(name: string, d: Down, now: Date): void {
    clearTimeout(d.timer);
    this.#down.delete(name);
    log.info("{dependency} answers again after {seconds} s; {held} event(s) held go on", {
      dependency: name,
      seconds: Math.round((now.getTime() - d.since.getTime()) / 1000),
      held: this.#events,
    });
    this.#o.observer?.dependency?.({ name, up: true, since: now });
    if (this.#down.size === 0 && this.#logTimer !== undefined) {
      clearInterval(this.#logTimer);
      this.#logTimer = undefined;
    }
    this.#pump();
  }

  #plan(name: string, d: Down, retryAfterMs?: number): void {
    clearTimeout(d.timer);
    d.attempt++;
    const delay = probeDelay(this.#o.policy, d.attempt, { retryAfterMs, random: this.#o.random });
    d.timer = setTimeout(() => {
      d.timer = undefined;
      this.#probe(name, d);
    }, delay);
  }

  /** Tries the first held event of `name` once more; with none held, `name` counts as up. */
  #probe(name: string, d: Down): void {
    if (this.#closed || this.#down.get(name) !== d) return;
    let waiting = false;
    for (const list of this.#byKey.values()) {
      const first = list[0];
      if (first.dependency !== name) continue;
      waiting = true;
      if (first.running) continue;
      d.probing = true;
      this.#run(first, name).finally(() => d.probing = false);
      return;
    }
    // Nothing held can prove it: a held event in flight will tell, or the next one does.
    if (waiting) this.#plan(name, d);
    else this.#up(name, d, new Date());
  }

  /** Starts the first held event of every item whose dependency answers, up to the limit. */
  #pump(): void {
    if (this.#closed) return;
    const limit = Math.max(1, this.#o.concurrency());
    for (const list of this.#byKey.values()) {
      if (this.#running >= limit) return;
      const first = list[0];
      if (first.running || this.#down.has(first.dependency)) continue;
      this.#run(first);
    }
  }

  async #run(entry: Entry, probe?: string): Promise<void> {
    entry.running = true;
    this.#running++;
    let again: Held | undefined;
    try {
      const running = entry.retry(probe);
      this.#tries.add(running);
      again = await running.finally(() => this.#tries.delete(running));
    } catch (error) {
      // The pipeline settles every error itself; this is a bug: keep the event held.
      again = { dependency: entry.dependency, reason: String(error) };
    } finally {
      entry.running = false;
      this.#running--;
    }
    if (this.#closed) return;
    if (again === undefined) {
      this.#remove(entry);
      const d = probe === undefined ? undefined : this.#down.get(probe);
      if (d !== undefined) this.#up(probe!, d, new Date());
    } else {
      entry.dependency = again.dependency;
      this.down(again.dependency, again.reason, {
        retryAfterMs: again.retryAfterMs,
        probe: again.dependency === probe,
      });
      // A probe that met another dependency proved nothing about its own: probe again later.
      const d = probe === undefined ? undefined : this.#down.get(probe);
      if (d !== undefined && d.timer === undefined) this.#plan(probe!, d);
    }
    this.#pump();
  }

  #remove(entry: Entry): void {
    const list = this.#byKey.get(entry.key)!;
    list.shift();
    if (list.length === 0) this.#byKey.delete(entry.key);
    const wasFull = this.full();
    this.#events--;
    this.#bytes -= entry.bytes;
    this.#o.observer?.held?.(this.#events, this.#bytes);
    if (wasFull && !this.full()) this.#o.onFree?.();
    if (this.#events === 0) {
      const waiters = this.#emptyWaiters;
      this.#emptyWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  /** Says once a minute which dependencies are waited for, since when. */
  #startLog(): void {
    if (this.#logTimer !== undefined) return;
    this.#logTimer = setInterval(() => {
      for (const [name, d] of this.#down) {
        log.warn("waiting for {dependency} since {since} ({held} event(s) held): {reason}", {
          dependency: name,
          since: d.since.toISOString(),
          held: this.#events,
          reason: d.reason,
        });
      }
    }, this.#o.logEveryMs ?? 60_000);
    Deno.unrefTimer(this.#logTimer);
  }
}
