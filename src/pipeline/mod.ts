/**
 * The one processing pipeline, fed by any async iterable of keyed events (Kafka,
 * event files, retry files): decode → route to the project's plugin and Handle
 * profile → resolve
 * (PATCH, previous version) → map to records → register → record the outcome →
 * acknowledge. It knows nothing of where events come from.
 *
 * Several events are in flight at once (`concurrency`); events about the same
 * item keep their order. An event is acknowledged only once it is registered or
 * written to a failure or skipped file; an event that must be taken again by the
 * next run is never acknowledged.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { DEFAULT_EVENT_LIMITS, type EventLimits } from "../decode/mod.ts";
import {
  ConfigurationError,
  describeError,
  PermanentError,
  permissionRefusal,
  reasonLine,
  TransientError,
} from "../errors/mod.ts";
import { type KeyedEvent, type Outcome, provenanceText } from "../events/mod.ts";
import type { DumpRecorder, FailureRecorder, SkipRecorder } from "../outcome/mod.ts";
import type { PreparePool } from "../offload/mod.ts";
import {
  type MappedEvent,
  recordFromText,
  registrationOrder,
  type RenderedEvent,
} from "../records/mod.ts";
import type { RegisterContext, Registrar } from "../register/mod.ts";
import { type Prepared, prepareEvent } from "./prepare.ts";
import type { ProjectRoute, Router } from "./routes.ts";
import { type ItemSource, mapEvent } from "./map_event.ts";
import type { Stats } from "../stats/mod.ts";
import { TransientExhaustedError } from "../transient/mod.ts";

export { type ItemSource, mapEvent, type MapEventOptions } from "./map_event.ts";
export {
  OTHER_PROJECT,
  type ProjectRoute,
  type Router,
  routerOf,
  type RouterOptions,
  type VersionLookup,
} from "./routes.ts";

/** Why a run stopped early. */
export type StopKind = "max_errors" | "transient" | "configuration" | "fatal";

/** What stopped a run early. */
export interface StopReason {
  /** The kind of stop. */
  kind: StopKind;
  /** One-line reason. */
  reason: string;
}

/** Options of {@linkcode Pipeline}. */
export interface PipelineOptions {
  /** Routes each event to its project's plugin and registrar. */
  router: Router;
  /** Permanent failures. */
  failures: FailureRecorder;
  /** Transient failures under `--force`. */
  skipped: SkipRecorder;
  /** Raw events (`--dump`). */
  dump?: DumpRecorder;
  /** Items for PATCH events. */
  items?: ItemSource;
  /** Record transient failures in `skipped/` and go on, instead of stopping. */
  force: boolean;
  /** Stop after this many permanent failures (-1 = unlimited). */
  maxErrors: number;
  /** Events in flight at once; a function is asked again before each event. */
  concurrency: number | (() => number);
  /** Counters. */
  stats: Stats;
  /** Size and nesting limits of an event; default {@linkcode DEFAULT_EVENT_LIMITS}. */
  limits?: EventLimits;
  /** The clock (tests). */
  now?: () => Date;
  /**
   * Threads that decode, route and map event texts (events an input gives as text only);
   * without it every step runs here.
   */
  offload?: PreparePool;
}

/** Events prepared ahead of those in flight, at most, when steps run on other threads. */
const PREPARE_AHEAD = 256;

/** Characters of event text prepared ahead, at most (one event over it still goes). */
const PREPARE_AHEAD_CHARS = 64 * 1024 * 1024;

/** The end of a run (the counts are in the run's `Stats`). */
export interface RunResult {
  /** Set when the run stopped before its input ended. */
  stop?: StopReason;
}

/** Runs events through the steps. One instance may run several inputs in turn. */
export class Pipeline {
  readonly #o: PipelineOptions;
  readonly #log = getLogger(["piddiplatsch", "pipeline"]);
  #stop?: StopReason;
  #stopNow?: () => void;

  /** Creates a pipeline. */
  constructor(options: PipelineOptions) {
    this.#o = options;
  }

  /**
   * Takes events until the input ends, the signal aborts, or a stop condition
   * arises; then waits for the events in flight and closes the input's iterator
   * (which commits what was acknowledged).
   */
  async run(
    events: AsyncIterable<KeyedEvent>,
    options: { signal?: AbortSignal } = {},
  ): Promise<RunResult> {
    this.#stop = undefined;
    const iterator = events[Symbol.asyncIterator]();
    let inputError: { error: unknown } | undefined;
    const halt = (): boolean =>
      this.#stop !== undefined || options.signal?.aborted === true || inputError !== undefined;
    const haltWaiters = new Set<() => void>();
    const wakeAll = (): void => {
      for (const wake of haltWaiters) wake();
    };
    this.#stopNow = wakeAll;
    options.signal?.addEventListener("abort", wakeAll, { once: true });
    /** Waits for `promise`, or less when the run is halted (no reaction outlives the wait). */
    const untilHalt = <T>(promise: Promise<T>): Promise<T | "halt"> => {
      if (halt()) return Promise.resolve("halt");
      return new Promise<T | "halt">((resolve, reject) => {
        const stop = (): void => resolve("halt");
        haltWaiters.add(stop);
        promise.then(resolve, reject).finally(() => haltWaiters.delete(stop));
      });
    };
    // Events taken from the input, being prepared (decoded, routed, perhaps mapped on another
    // thread) ahead of the events in flight; handed on in the order they came.
    const ahead: Array<{ event: KeyedEvent; prepared: Prepared | Promise<Prepared> }> = [];
    const window = this.#o.offload ? PREPARE_AHEAD : 1;
    let aheadChars = 0;
    let aheadHere = 0;
    let inputDone = false;
    let aheadChanged: (() => void) | undefined;
    let spaceFreed: (() => void) | undefined;
    const inFlight = new Set<Promise<void>>();
    const chains = new Map<string, Promise<void>>();
    let sequence = 0;
    // Resolved when an event in flight ends (one waiter, no race over every event in flight).
    let slotFreed: (() => void) | undefined;

    /** Puts an event in flight, after the events in flight about the same item. */
    const launch = (event: KeyedEvent, prepared: Prepared): void => {
      const orderKey = prepared.orderKey ?? `#${sequence++}`;
      const previous = chains.get(orderKey);
      const run = (): Promise<void> | undefined =>
        this.#stop === undefined ? this.#process(event, prepared) : undefined;
      const task: Promise<void> = previous === undefined
        ? run() ?? Promise.resolve()
        : previous.then(run);
      chains.set(orderKey, task);
      inFlight.add(task);
      task.finally(() => {
        inFlight.delete(task);
        if (chains.get(orderKey) === task) chains.delete(orderKey);
        slotFreed?.();
      });
    };

    /**
     * Hands a prepared event on: a filtered one is acknowledged at once (it needs no turn in
     * flight), any other is put in flight once a turn is free. True when handed on (at once,
     * without a promise, when nothing had to wait); false when the run halted first.
     */
    const handOnOne = (event: KeyedEvent, prepared: Prepared): true | Promise<boolean> => {
      if (this.#filtered(event, prepared)) return true;
      if (inFlight.size < this.#concurrency() && !halt()) {
        launch(event, prepared);
        return true;
      }
      return (async (): Promise<boolean> => {
        while (inFlight.size >= this.#concurrency() && !halt()) {
          await untilHalt(new Promise<void>((resolve) => slotFreed = resolve));
          slotFreed = undefined;
        }
        if (halt()) return false;
        launch(event, prepared);
        return true;
      })();
    };

    const take = async (): Promise<void> => {
      try {
        while (!halt()) {
          // Prepared here, an event waits for its turn: nothing more is taken ahead of it.
          // Going to another thread, events are taken ahead so that they go there together.
          while (
            (ahead.length >= window || aheadHere > 0 || aheadChars > PREPARE_AHEAD_CHARS) &&
            !halt()
          ) {
            await untilHalt(new Promise<void>((resolve) => spaceFreed = resolve));
            spaceFreed = undefined;
          }
          if (halt()) break;
          const next = await untilHalt(iterator.next());
          if (next === "halt" || next.done) break;
          const event = next.value;
          const prepared = prepareEvent(event, {
            limits: this.#o.limits ?? DEFAULT_EVENT_LIMITS,
            offload: this.#o.offload,
          });
          if (!(prepared instanceof Promise) && ahead.length === 0) {
            // Prepared here with nothing before it: handed on at once.
            const handed = handOnOne(event, prepared);
            if (!(handed === true || await handed)) break;
            continue;
          }
          aheadChars += event.value.length;
          if (!(prepared instanceof Promise)) aheadHere++;
          ahead.push({ event, prepared });
          aheadChanged?.();
        }
      } catch (error) {
        inputError = { error };
        wakeAll();
      } finally {
        inputDone = true;
        aheadChanged?.();
      }
    };

    const handOn = async (): Promise<void> => {
      while (!halt()) {
        if (ahead.length === 0) {
          if (inputDone) break;
          await untilHalt(new Promise<void>((resolve) => aheadChanged = resolve));
          aheadChanged = undefined;
          continue;
        }
        const head = ahead[0];
        const prepared = head.prepared instanceof Promise
          ? await untilHalt(head.prepared)
          : head.prepared;
        if (prepared === "halt") break;
        const handed = handOnOne(head.event, prepared);
        if (!(handed === true || await handed)) break;
        ahead.shift();
        aheadChars -= head.event.value.length;
        if (!(head.prepared instanceof Promise)) aheadHere--;
        spaceFreed?.();
      }
    };

    try {
      await Promise.all([take(), handOn()]);
      if (inputError !== undefined) throw inputError.error;
      await Promise.all(inFlight);
    } finally {
      options.signal?.removeEventListener("abort", wakeAll);
      this.#stopNow = undefined;
      await iterator.return?.();
    }
    return { stop: this.#stop };
  }

  /**
   * An event of a project this run does not serve: counted and acknowledged at once, without
   * a turn in flight (nothing is registered for it, so it waits for nothing).
   */
  #filtered(event: KeyedEvent, prepared: Prepared): boolean {
    const o = this.#o;
    if (o.dump !== undefined || prepared.error !== undefined) return false;
    const project = prepared.decoded?.project ?? prepared.project;
    if (project === undefined) return false;
    const routed = o.router.route(project);
    if (routed.route !== undefined) return false;
    o.stats.add("messages", 1, { project: routed.name });
    this.#ackFiltered(event, routed.name);
    return true;
  }

  /** Counts an event (already counted as a message) as filtered and acknowledges it. */
  #ackFiltered(event: KeyedEvent, project: string): void {
    this.#o.stats.add("filtered", 1, { project });
    this.#log.debug("{where}: filtered, project {project} not selected", () => ({
      where: provenanceText(event.source),
      project,
    }));
    this.#ack(event, "filtered");
  }

  #concurrency(): number {
    const c = this.#o.concurrency;
    return typeof c === "number" ? c : c();
  }

  #halt(kind: StopKind, reason: string): void {
    if (this.#stop !== undefined) return;
    this.#stop = { kind, reason };
    this.#stopNow?.();
  }

  async #process(event: KeyedEvent, prepared: Prepared): Promise<void> {
    const o = this.#o;
    const where = provenanceText(event.source);
    let project: string | undefined;
    try {
      if (o.dump) await o.dump.record(event);
      if (prepared.error) {
        o.stats.add("messages");
        throw prepared.error;
      }
      const routed = o.router.route(prepared.decoded?.project ?? prepared.project!);
      project = routed.name;
      const count = { project };
      o.stats.add("messages", 1, count);
      const route = routed.route;
      if (route === undefined) return this.#ackFiltered(event, project);
      const mapped = await this.#mapped(prepared, route, count);
      for (const warning of mapped.warnings) {
        this.#log.warn("{where}: {item}: {warning}", { where, item: mapped.itemId, warning });
      }
      const context = { project, profile: route.profile, source: event.source };
      const handles = await register(route.registrar, mapped, context);
      o.stats.add("handles", handles, count);
      o.stats.add("warnings", mapped.warnings.length, count);
      if (mapped.retracted) o.stats.add("retracted", 1, count);
      o.stats.add("replicas", mapped.replicas, count);
      this.#log.debug("{where}: {item}: {count} handles", {
        where,
        item: mapped.itemId,
        count: handles,
      });
      this.#ack(event, "registered");
    } catch (error) {
      await this.#settle(event, error, project);
    }
  }

  /** The records of a prepared event: mapped on another thread, or here. */
  #mapped(
    prepared: Prepared,
    route: ProjectRoute,
    count: { project: string },
  ): Promise<MappedEvent | RenderedEvent> {
    const o = this.#o;
    if (prepared.mapError !== undefined) {
      const { reason, internal } = prepared.mapError;
      throw internal ? new Error(reason) : new PermanentError(reason);
    }
    if (prepared.rendered !== undefined) return Promise.resolve(prepared.rendered);
    if (prepared.decoded === undefined) {
      throw new Error(`prepared on another thread without its event (project ${count.project})`);
    }
    return mapEvent(prepared.decoded, route, {
      items: o.items,
      maxItemBytes: o.limits?.maxEventBytes,
      now: o.now?.() ?? new Date(),
      onPatched: () => o.stats.add("patched", 1, count),
    });
  }

  async #settle(event: KeyedEvent, error: unknown, project?: string): Promise<void> {
    const o = this.#o;
    const count = { project };
    const where = provenanceText(event.source);
    try {
      const configuration = error instanceof ConfigurationError ? error : permissionRefusal(error);
      if (configuration) {
        this.#log.error("{where}: {reason}; stopping, the event stays uncommitted", {
          where,
          reason: configuration.message,
        });
        this.#halt("configuration", configuration.message);
        return;
      }
      if (error instanceof TransientError) {
        o.stats.add("external_failures", 1, count);
        const reason = error.message.startsWith("TRANSIENT")
          ? error.message
          : `TRANSIENT ${error.message}`;
        if (o.force) {
          const attempts = error instanceof TransientExhaustedError ? error.attempts : 1;
          await o.skipped.record(event, { reason, attempts, project });
          o.stats.add("skipped", 1, count);
          this.#log.warn("{where}: skipped: {reason}", { where, reason });
          this.#ack(event, "skipped");
        } else {
          this.#log.error(
            "{where}: {reason}; stopping, the event stays uncommitted (--force skips it)",
            {
              where,
              reason,
            },
          );
          this.#halt("transient", reason);
        }
        return;
      }
      const reason = error instanceof PermanentError
        ? error.message
        : reasonLine(`internal error: ${describeError(error)}`);
      if (!(error instanceof PermanentError)) this.#log.error("{where}: {error}", { where, error });
      await o.failures.record(event, reason, { project });
      o.stats.add("errors", 1, count);
      this.#log.error("{where}: failed: {reason}", { where, reason });
      this.#ack(event, "failed");
      if (o.maxErrors >= 0 && o.stats.get("errors") >= o.maxErrors) {
        this.#halt(
          "max_errors",
          `${o.stats.get("errors")} failures reached consumer.max_errors = ${o.maxErrors}`,
        );
      }
    } catch (recordError) {
      // The outcome could not be written (disk full, permissions): keep the event for the next run.
      const refused = permissionRefusal(recordError, "cannot record the outcome");
      if (refused) {
        this.#log.error("{where}: {reason}", { where, reason: refused.message });
        this.#halt("configuration", refused.message);
        return;
      }
      this.#log.error("{where}: cannot record the outcome: {reason}", {
        where,
        reason: describeError(recordError),
      });
      this.#halt("fatal", `cannot record the outcome of ${where}: ${describeError(recordError)}`);
    }
  }

  #ack(event: KeyedEvent, outcome: Outcome): void {
    event.ack(outcome);
  }
}

/**
 * Registers the records of a mapped event, those mapped on another thread as the texts they
 * came as when the registrar takes texts; resolves to the number of records.
 */
async function register(
  registrar: Registrar,
  mapped: MappedEvent | RenderedEvent,
  context: RegisterContext,
): Promise<number> {
  if (!("records" in mapped)) {
    const records = registrationOrder(mapped);
    await registrar.register(records, context);
    return records.length;
  }
  if (registrar.registerTexts !== undefined) await registrar.registerTexts(mapped.records, context);
  else await registrar.register(mapped.records.map(recordFromText), context);
  return mapped.records.length;
}
