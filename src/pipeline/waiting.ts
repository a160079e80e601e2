/**
 * Events held while a service they need is down (`on_outage = "wait"`): the events held
 * for each service ("dependency", its state in `dependencies.ts`), in the order they came
 * per item; the probe, which tries the first held event again (so that a server that
 * answers reads but fails writes is not taken for up); and, once the service answers
 * again, the held events released, those about one item one after another. Nothing here
 * is acknowledged: an event held stays uncommitted until it is done.
 *
 * @module
 */

import type { OutagePolicy } from "../transient/mod.ts";
import { Dependencies, type DependencyState } from "./dependencies.ts";

export type { DependencyState } from "./dependencies.ts";

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

/** The held events of one run and the state of the dependencies they wait for. */
export class Waiting {
  readonly #o: WaitingOptions;
  readonly #deps: Dependencies;
  readonly #byKey = new Map<string, Entry[]>();
  #events = 0;
  #bytes = 0;
  #running = 0;
  #emptyWaiters: Array<() => void> = [];
  #closed = false;
  readonly #tries = new Set<Promise<Held | undefined>>();

  /** No dependency down, nothing held. */
  constructor(options: WaitingOptions) {
    this.#o = options;
    this.#deps = new Dependencies({
      policy: options.policy,
      random: options.random,
      logEveryMs: options.logEveryMs,
      onChange: (state) => options.observer?.dependency?.(state),
      onProbe: (name) => this.#probe(name),
      held: () => this.#events,
    });
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
    return this.#deps.isDown(name);
  }

  /** Why `name` is down ("" when it is up). */
  reasonOf(name: string): string {
    return this.#deps.reasonOf(name);
  }

  /** The dependencies down now, with since when and why. */
  downNow(): DependencyState[] {
    return this.#deps.downNow();
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

  /** `name` failed: marks it down and plans its probes (see `Dependencies.down`). */
  down(
    name: string,
    reason: string,
    options: { retryAfterMs?: number; probe?: boolean } = {},
  ): void {
    if (!this.#closed) this.#deps.down(name, reason, options);
  }

  /**
   * `name` did its work for something started at `startedAt` (ms): when that began after
   * the outage did, `name` is up again and its held events go on.
   */
  succeeded(name: string, startedAt: number): void {
    const now = new Date();
    this.#o.observer?.success?.(name, now);
    const since = this.#deps.downSince(name);
    if (since === undefined || startedAt < since) return;
    this.#up(name);
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
    this.#deps.close();
    const waiters = this.#emptyWaiters;
    this.#emptyWaiters = [];
    for (const wake of waiters) wake();
  }

  #up(name: string): void {
    if (this.#deps.up(name)) this.#pump();
  }

  /** Tries the first held event of `name` once more; with none held, `name` counts as up. */
  #probe(name: string): void {
    if (this.#closed) return;
    let waiting = false;
    for (const list of this.#byKey.values()) {
      const first = list[0];
      if (first.dependency !== name) continue;
      waiting = true;
      if (first.running) continue;
      this.#deps.probing(name, true);
      this.#run(first, name).finally(() => this.#deps.probing(name, false));
      return;
    }
    // Nothing held can prove it: a held event in flight will tell, or the next one does.
    if (waiting) this.#deps.plan(name);
    else this.#up(name);
  }

  /** Starts the first held event of every item whose dependency answers, up to the limit. */
  #pump(): void {
    if (this.#closed) return;
    const limit = Math.max(1, this.#o.concurrency());
    for (const list of this.#byKey.values()) {
      if (this.#running >= limit) return;
      const first = list[0];
      if (first.running || this.#deps.isDown(first.dependency)) continue;
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
      if (probe !== undefined) this.#up(probe);
    } else {
      entry.dependency = again.dependency;
      this.down(again.dependency, again.reason, {
        retryAfterMs: again.retryAfterMs,
        probe: again.dependency === probe,
      });
      // A probe that met another dependency proved nothing about its own: probe again later.
      if (probe !== undefined && !this.#deps.planned(probe)) this.#deps.plan(probe);
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
}
