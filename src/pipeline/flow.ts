/**
 * How events move through a run: taken from the input, prepared (here, or ahead on other
 * threads), handed on in the order they came, and put in flight, several at once, with the
 * events about the same item one after another. What each step does is the pipeline's
 * ({@linkcode FlowSteps}); this module only schedules.
 *
 * @module
 */

import type { KeyedEvent } from "../events/mod.ts";
import type { Prepared } from "./prepare.ts";

/** What the flow asks of the pipeline, per event. */
export interface FlowSteps {
  /** Decodes and routes an event here, or starts that on another thread. */
  prepare(event: KeyedEvent): Prepared | Promise<Prepared>;
  /** Acknowledges an event at once if nothing is to be done for it; true when it did. */
  filtered(event: KeyedEvent, prepared: Prepared): boolean;
  /** Registers an event and records its outcome. */
  process(event: KeyedEvent, prepared: Prepared): Promise<void>;
  /** Events in flight at once, at most (asked again before each event). */
  concurrency(): number;
  /** Whether the run was stopped (no more events are taken or started). */
  stopped(): boolean;
  /** Whether intake pauses now (events held for a service reached their bound). */
  paused?(): boolean;
}

/** Options of {@linkcode Flow}. */
export interface FlowOptions {
  /** Events prepared on other threads ahead of those in flight, at most (1: none ahead). */
  window: number;
  /** Characters of event text prepared ahead, at most (one event over it still goes). */
  windowChars: number;
  /** Stops taking events. */
  signal?: AbortSignal;
}

interface Ahead {
  event: KeyedEvent;
  prepared: Prepared | Promise<Prepared>;
}

/** One run's scheduling of the events of one input. */
export class Flow {
  readonly #iterator: AsyncIterator<KeyedEvent>;
  readonly #steps: FlowSteps;
  readonly #options: FlowOptions;
  #inputError?: { error: unknown };
  readonly #haltWaiters = new Set<() => void>();
  /** Events taken and being prepared ahead; handed on in the order they came. */
  readonly #ahead: Ahead[] = [];
  #aheadChars = 0;
  /** Events ahead prepared here (an event prepared here waits for its turn, nothing more is taken). */
  #aheadHere = 0;
  #inputDone = false;
  #aheadChanged?: () => void;
  #spaceFreed?: () => void;
  readonly #inFlight = new Set<Promise<void>>();
  /** The last event in flight per item: the next one about it waits for it. */
  readonly #chains = new Map<string, Promise<void>>();
  #sequence = 0;
  /** Resolved when an event in flight ends (one waiter, no race over every event in flight). */
  #slotFreed?: () => void;
  /** Resolved when intake may go on after a pause. */
  #unpaused?: () => void;

  /** A flow of the events of `iterator` through `steps`. */
  constructor(iterator: AsyncIterator<KeyedEvent>, steps: FlowSteps, options: FlowOptions) {
    this.#iterator = iterator;
    this.#steps = steps;
    this.#options = options;
  }

  /** Wakes every wait of the flow, to look at the stop condition again. */
  wake(): void {
    for (const wake of this.#haltWaiters) wake();
  }

  /** Intake may go on (it looks at {@linkcode FlowSteps.paused} again). */
  unpause(): void {
    this.#unpaused?.();
  }

  /**
   * Takes events until the input ends, the signal aborts or the steps stop; then waits for
   * the events in flight. Throws what the input threw. Does not close the input.
   */
  async run(): Promise<void> {
    const wake = (): void => this.wake();
    this.#options.signal?.addEventListener("abort", wake, { once: true });
    try {
      await Promise.all([this.#take(), this.#handOn()]);
      if (this.#inputError !== undefined) throw this.#inputError.error;
      await Promise.all(this.#inFlight);
    } finally {
      this.#options.signal?.removeEventListener("abort", wake);
    }
  }

  #halted(): boolean {
    return this.#steps.stopped() || this.#options.signal?.aborted === true ||
      this.#inputError !== undefined;
  }

  /** Waits for `promise`, or less when the run is halted (no reaction outlives the wait). */
  #untilHalt<T>(promise: Promise<T>): Promise<T | "halt"> {
    if (this.#halted()) return Promise.resolve("halt");
    return new Promise<T | "halt">((resolve, reject) => {
      const stop = (): void => resolve("halt");
      this.#haltWaiters.add(stop);
      promise.then(resolve, reject).finally(() => this.#haltWaiters.delete(stop));
    });
  }

  async #take(): Promise<void> {
    const o = this.#options;
    try {
      while (!this.#halted()) {
        // Prepared here, an event waits for its turn: nothing more is taken ahead of it.
        // Going to another thread, events are taken ahead so that they go there together.
        while (
          (this.#ahead.length >= o.window || this.#aheadHere > 0 ||
            this.#aheadChars > o.windowChars) && !this.#halted()
        ) {
          await this.#untilHalt(new Promise<void>((resolve) => this.#spaceFreed = resolve));
          this.#spaceFreed = undefined;
        }
        // Events held for a service that is down reached their bound: take nothing new.
        while (this.#steps.paused?.() && !this.#halted()) {
          await this.#untilHalt(new Promise<void>((resolve) => this.#unpaused = resolve));
          this.#unpaused = undefined;
        }
        if (this.#halted()) break;
        const next = await this.#untilHalt(this.#iterator.next());
        if (next === "halt" || next.done) break;
        const event = next.value;
        const prepared = this.#steps.prepare(event);
        if (!(prepared instanceof Promise) && this.#ahead.length === 0) {
          // Prepared here with nothing before it: handed on at once.
          const handed = this.#handOnOne(event, prepared);
          if (!(handed === true || await handed)) break;
          continue;
        }
        this.#aheadChars += event.value.length;
        if (!(prepared instanceof Promise)) this.#aheadHere++;
        this.#ahead.push({ event, prepared });
        this.#aheadChanged?.();
      }
    } catch (error) {
      this.#inputError = { error };
      this.wake();
    } finally {
      this.#inputDone = true;
      this.#aheadChanged?.();
    }
  }

  async #handOn(): Promise<void> {
    const ahead = this.#ahead;
    while (!this.#halted()) {
      if (ahead.length === 0) {
        if (this.#inputDone) break;
        await this.#untilHalt(new Promise<void>((resolve) => this.#aheadChanged = resolve));
        this.#aheadChanged = undefined;
        continue;
      }
      const head = ahead[0];
      const prepared = head.prepared instanceof Promise
        ? await this.#untilHalt(head.prepared)
        : head.prepared;
      if (prepared === "halt") break;
      const handed = this.#handOnOne(head.event, prepared);
      if (!(handed === true || await handed)) break;
      ahead.shift();
      this.#aheadChars -= head.event.value.length;
      if (!(head.prepared instanceof Promise)) this.#aheadHere--;
      this.#spaceFreed?.();
    }
  }

  /**
   * Hands a prepared event on: a filtered one is acknowledged at once (it needs no turn in
   * flight), any other is put in flight once a turn is free. True when handed on (at once,
   * without a promise, when nothing had to wait); false when the run halted first.
   */
  #handOnOne(event: KeyedEvent, prepared: Prepared): true | Promise<boolean> {
    if (this.#steps.filtered(event, prepared)) return true;
    if (this.#inFlight.size < this.#steps.concurrency() && !this.#halted()) {
      this.#launch(event, prepared);
      return true;
    }
    return (async (): Promise<boolean> => {
      while (this.#inFlight.size >= this.#steps.concurrency() && !this.#halted()) {
        await this.#untilHalt(new Promise<void>((resolve) => this.#slotFreed = resolve));
        this.#slotFreed = undefined;
      }
      if (this.#halted()) return false;
      this.#launch(event, prepared);
      return true;
    })();
  }

  /** Puts an event in flight, after the events in flight about the same item. */
  #launch(event: KeyedEvent, prepared: Prepared): void {
    const orderKey = prepared.orderKey ?? `#${this.#sequence++}`;
    const previous = this.#chains.get(orderKey);
    const run = (): Promise<void> | undefined =>
      this.#steps.stopped() ? undefined : this.#steps.process(event, prepared);
    const task: Promise<void> = previous === undefined
      ? run() ?? Promise.resolve()
      : previous.then(run);
    this.#chains.set(orderKey, task);
    this.#inFlight.add(task);
    task.finally(() => {
      this.#inFlight.delete(task);
      if (this.#chains.get(orderKey) === task) this.#chains.delete(orderKey);
      this.#slotFreed?.();
    });
  }
}
