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
import { DEFAULT_EVENT_LIMITS } from "../decode/mod.ts";
import { PermanentError } from "../errors/mod.ts";
import { type KeyedEvent, type Outcome, provenanceText } from "../events/mod.ts";
import type { MappedEvent, RenderedEvent } from "../records/mod.ts";
import { Flow } from "./flow.ts";
import { settleError, type StopKind } from "./settle.ts";
import { type DependencyState, type Held, Waiting } from "./waiting.ts";
import { dependencyOf, handleDependency, register, STAC_DEPENDENCY } from "./steps.ts";
import { type Prepared, prepareEvent } from "./prepare.ts";
import type { ProjectRoute } from "./routes.ts";
import { mapEvent } from "./map_event.ts";
import type { PipelineOptions, RunResult, StopReason } from "./options.ts";

export { type ItemSource, mapEvent, type MapEventOptions } from "./map_event.ts";
export {
  OTHER_PROJECT,
  type ProjectRoute,
  type Router,
  routerOf,
  type RouterOptions,
  type VersionLookup,
} from "./routes.ts";

export { OUTPUT_DEPENDENCY, outputFault, type StopKind } from "./settle.ts";
export type { DependencyState, Held, WaitingObserver } from "./waiting.ts";
export { handleDependency, type OutageOptions, STAC_DEPENDENCY } from "./steps.ts";
export type { PipelineOptions, RunResult, StopReason } from "./options.ts";

/** Events prepared ahead of those in flight, at most, when steps run on other threads. */
const PREPARE_AHEAD = 256;

/** Characters of event text prepared ahead, at most (one event over it still goes). */
const PREPARE_AHEAD_CHARS = 64 * 1024 * 1024;

/** Runs events through the steps. One instance may run several inputs in turn. */
export class Pipeline {
  readonly #o: PipelineOptions;
  readonly #log = getLogger(["piddiplatsch", "pipeline"]);
  #stop?: StopReason;
  #stopNow?: () => void;
  #waiting?: Waiting;
  #unkeyed = 0;

  /** Creates a pipeline. */
  constructor(options: PipelineOptions) {
    this.#o = options;
  }

  /** Events held now for a service that is down (0 when outages are not waited out). */
  get heldEvents(): number {
    return this.#waiting?.events ?? 0;
  }

  /** The services waited for now, since when and why. */
  waitingFor(): DependencyState[] {
    return this.#waiting?.downNow() ?? [];
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
    const outages = this.#o.outages;
    const waiting = outages && new Waiting({
      ...outages,
      concurrency: () => this.#concurrency(),
      onFree: () => flow.unpause(),
    });
    this.#waiting = waiting;
    const flow: Flow = new Flow(iterator, {
      prepare: (event) =>
        prepareEvent(event, {
          limits: this.#o.limits ?? DEFAULT_EVENT_LIMITS,
          offload: this.#o.offload,
        }),
      filtered: (event, prepared) => this.#filtered(event, prepared),
      process: (event, prepared) => this.#process(event, prepared),
      concurrency: () => this.#concurrency(),
      stopped: () => this.#stop !== undefined,
      paused: () => waiting?.full() ?? false,
    }, {
      window: this.#o.offload ? PREPARE_AHEAD : 1,
      windowChars: PREPARE_AHEAD_CHARS,
      signal: options.signal,
    });
    this.#stopNow = () => {
      flow.wake();
      waiting?.close();
    };
    const abandon = (): void => waiting?.close();
    options.signal?.addEventListener("abort", abandon, { once: true });
    try {
      await flow.run();
      // The input ended: the held events still go on (a stop or a signal leaves them).
      if (options.signal?.aborted) waiting?.close();
      await waiting?.whenEmpty();
    } finally {
      options.signal?.removeEventListener("abort", abandon);
      this.#stopNow = undefined;
      waiting?.close();
      await waiting?.settled();
      this.#waiting = undefined;
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
    const held = await this.#attempt(event, prepared);
    if (held === undefined) return;
    const key = prepared.orderKey ?? `\u0000${this.#unkeyed++}`;
    this.#waiting?.hold(
      key,
      event.value.length,
      held,
      (probe) => this.#attempt(event, prepared, { again: true, probe }),
    );
  }

  /**
   * Takes an event through the steps; resolves to why it is held when a service it needs
   * is down (only when outages are waited out), else undefined (acknowledged, or the run
   * stops). `again`: a held event tried once more (not counted again); `probe`: the
   * dependency this try probes.
   */
  async #attempt(
    event: KeyedEvent,
    prepared: Prepared,
    options: { again?: boolean; probe?: string } = {},
  ): Promise<Held | undefined> {
    const o = this.#o;
    const first = options.again !== true;
    const waiting = this.#waiting;
    const where = provenanceText(event.source);
    const started = Date.now();
    let project: string | undefined;
    let dependency: string | undefined;
    try {
      if (o.dump && first) await o.dump.record(event);
      if (prepared.error) {
        if (first) o.stats.add("messages");
        throw prepared.error;
      }
      const routed = o.router.route(prepared.decoded?.project ?? prepared.project!);
      project = routed.name;
      const count = { project };
      if (first) o.stats.add("messages", 1, count);
      const route = routed.route;
      if (route === undefined) {
        this.#ackFiltered(event, project);
        return undefined;
      }
      const handles = handleDependency(route.profile);
      const patch = prepared.decoded?.method === "PATCH";
      if (waiting !== undefined) {
        const key = prepared.orderKey;
        if (first && key !== undefined && waiting.keyHeld(key)) {
          return { dependency: waiting.dependencyOfKey(key)!, reason: "", behind: true };
        }
        for (const name of patch ? [STAC_DEPENDENCY, handles] : [handles]) {
          if (name !== options.probe && waiting.isDown(name)) {
            return { dependency: name, reason: waiting.reasonOf(name) };
          }
        }
      }
      dependency = route.lookup !== undefined || patch ? STAC_DEPENDENCY : undefined;
      const mapped = await this.#mapped(prepared, route, count);
      if (patch) waiting?.succeeded(STAC_DEPENDENCY, started);
      dependency = handles;
      for (const warning of mapped.warnings) {
        this.#log.warn("{where}: {item}: {warning}", { where, item: mapped.itemId, warning });
      }
      const context = { project, profile: route.profile, source: event.source };
      const written = await register(route.registrar, mapped, context);
      waiting?.succeeded(handles, started);
      o.stats.add("handles", written, count);
      o.stats.add("warnings", mapped.warnings.length, count);
      if (mapped.retracted) o.stats.add("retracted", 1, count);
      o.stats.add("replicas", mapped.replicas, count);
      this.#log.debug("{where}: {item}: {count} handles", {
        where,
        item: mapped.itemId,
        count: written,
      });
      this.#ack(event, "registered");
    } catch (error) {
      return await this.#settle(event, error, {
        project,
        dependency: dependencyOf(error, dependency),
      });
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

  #ack(event: KeyedEvent, outcome: Outcome): void {
    event.ack(outcome);
  }

  #settle(
    event: KeyedEvent,
    error: unknown,
    at: { project?: string; dependency?: string },
  ): Promise<Held | undefined> {
    const o = this.#o;
    const project = at.project;
    return settleError(event, error, {
      failures: o.failures,
      skipped: o.skipped,
      force: o.force,
      maxErrors: o.maxErrors,
      stats: o.stats,
      project,
      halt: (kind, reason) => this.#halt(kind, reason),
      wait: this.#waiting !== undefined,
      dependency: at.dependency,
    });
  }
}
