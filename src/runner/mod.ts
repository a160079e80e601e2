/**
 * Wires one pipeline from the configuration and the command-line switches shared
 * by `consume`, `map` and `retry` (the selected projects, each routed to its Handle
 * profile), and runs an input through it.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { Config } from "../config/mod.ts";
import { DEFAULT_EVENT_LIMITS } from "../decode/mod.ts";
import { ConfigurationError, describeError, TransientError } from "../errors/mod.ts";
import type { KeyedEvent } from "../events/mod.ts";
import { exitCodeOfStop } from "../exit/mod.ts";
import { DumpRecorder, FailureRecorder, SkipRecorder } from "../outcome/mod.ts";
import { PreparePool } from "../offload/mod.ts";
import {
  type DependencyState,
  type OutageOptions,
  Pipeline,
  routerOf,
  type RunResult,
} from "../pipeline/mod.ts";
import { findProject } from "../projects/mod.ts";
import type { Registrar } from "../register/mod.ts";
import { StacClient } from "../stac/mod.ts";
import type { Stats } from "../stats/mod.ts";
import type { TransientPolicy } from "../transient/mod.ts";
import { buildRoutes, type ProjectSwitches, type RunObservers } from "./routes.ts";

export {
  buildRoutes,
  isDryRun,
  profileClient,
  profileTls,
  type ProjectSwitches,
  type RunObservers,
  runSelection,
  type SelectedProject,
  selectedProjects,
} from "./routes.ts";

/** Switches shared by `consume`, `map` and `retry`. */
export interface RunSwitches extends ProjectSwitches {
  /** Dump every raw event. */
  dump?: boolean;
  /** Record transient failures as skipped and go on. */
  force?: boolean;
}

/** A pipeline with everything it holds open. */
export interface Wiring {
  /** The pipeline. */
  pipeline: Pipeline;
  /** The registrars in use (one per Handle profile, one for JSONL). */
  registrars: Registrar[];
  /** Where failures go. */
  failures: FailureRecorder;
  /** Where skipped events go. */
  skipped: SkipRecorder;
  /** The STAC client, if a STAC API is configured. */
  stac?: StacClient;
  /** Whether transient failures are skipped (`--force` or `stop_on_skip = false`). */
  force: boolean;
  /**
   * Events in flight now: `consumer.concurrency`, or (0) the Handle request limits of the
   * registrars added up, at least 32.
   */
  eventsInFlight(): number;
  /** The Handle request limits added up (undefined without a Handle client), for the status line. */
  requestLimit(): number | undefined;
  /** Whether an event's text goes to a worker thread (an input need not parse it then). */
  offloads(text: string): boolean;
  /** Events held now for a service that is down (`on_outage = "wait"`; 0 otherwise). */
  eventsHeld(): number;
  /** The services waited for now, since when and why. */
  waitingFor(): DependencyState[];
  /** Closes registrar and recorders. */
  close(): Promise<void>;
}

/** The transient policy of a configuration. */
export function transientPolicy(config: Config): TransientPolicy {
  const t = config.consumer.transient;
  return { retries: t.retries, backoffInitial: t.backoff_initial, backoffMax: t.backoff_max };
}

/**
 * How a service run (`consume`) rides out outages: with `on_outage = "wait"` (the default)
 * it holds what needs a service that is down, up to `max_waiting`; undefined for "stop".
 */
export function outageOptions(
  config: Config,
  observer?: OutageOptions["observer"],
): OutageOptions | undefined {
  const t = config.consumer.transient;
  if (t.on_outage !== "wait") return undefined;
  return {
    policy: { probeInitial: t.probe_initial, probeMax: t.probe_max },
    maxEvents: config.consumer.max_waiting,
    maxBytes: config.consumer.max_waiting_bytes,
    observer,
  };
}

/** Builds the pipeline for a configuration and the run's switches. */
export function wirePipeline(
  config: Config,
  options: RunSwitches & {
    stats: Stats;
    signal?: AbortSignal;
    observers?: RunObservers;
    /** Called whenever the adaptive request limit of a Handle client changes. */
    onLimit?: (limit: number) => void;
    /**
     * A service run (`consume`): outages are waited out as `on_outage` says. Batch runs
     * (`map`, `retry`) stop with exit 3 after the retries.
     */
    service?: boolean;
  },
): Wiring {
  const { stats, signal, observers } = options;
  const outputDir = config.consumer.output_dir;
  const policy = transientPolicy(config);
  const onRetry = (): void => stats.add("retries");
  const stac = config.stac.base_url
    ? new StacClient({
      baseUrl: config.stac.base_url,
      timeout: config.stac.timeout,
      policy,
      onRetry,
      signal,
    })
    : undefined;
  const { routes, registrars, requestLimit, offload: offloadProjects } = buildRoutes(config, {
    outputDir,
    policy,
    onRetry,
    signal,
    stac,
    switches: options,
    observers,
    onLimit: options.onLimit,
  });
  const maxEventBytes = config.consumer.max_event_bytes;
  const failures = new FailureRecorder(outputDir, { maxEventBytes });
  const skipped = new SkipRecorder(outputDir, { maxEventBytes });
  const inFlight = (): number => eventsInFlight(config, requestLimit());
  const dump = options.dump ? new DumpRecorder(outputDir) : undefined;
  const force = options.force === true || !config.consumer.transient.stop_on_skip;
  const limits = { ...DEFAULT_EVENT_LIMITS, maxEventBytes };
  const workers = workerCount(config.consumer.workers);
  const offload = workers > 0
    ? new PreparePool({ limits, projects: offloadProjects }, { workers })
    : undefined;
  const pipeline = new Pipeline({
    router: routerOf(routes, { knownName: (project) => findProject(project)?.name }),
    failures,
    skipped,
    dump,
    items: stac,
    force,
    maxErrors: config.consumer.max_errors,
    // Events in flight follow what the Handle side takes: at least one per request.
    concurrency: inFlight,
    stats,
    limits,
    offload,
    outages: options.service ? outageOptions(config, observers?.dependency) : undefined,
  });
  return {
    pipeline,
    registrars,
    failures,
    skipped,
    stac,
    force,
    eventsInFlight: inFlight,
    requestLimit,
    offloads: (text) => offload?.takes(text) ?? false,
    eventsHeld: () => pipeline.heldEvents,
    waitingFor: () => pipeline.waitingFor(),
    async close(): Promise<void> {
      offload?.close();
      await Promise.all([
        ...registrars.map((r) => r.close()),
        failures.close(),
        skipped.close(),
        dump?.close(),
      ]);
    },
  };
}

/**
 * Threads that prepare large events: `consumer.workers`, or with "auto" one per core, at most
 * 4 (the main thread mostly waits while large events are mapped).
 */
export function workerCount(setting: number | "auto"): number {
  if (setting !== "auto") return setting;
  return Math.max(1, Math.min(4, navigator.hardwareConcurrency));
}

/**
 * Events in flight when `consumer.concurrency = 0` and no Handle request limit is higher
 * (a dry run: more events in flight, larger JSONL batches).
 */
const AUTO_EVENTS_IN_FLIGHT = 32;

/**
 * Events in flight: `consumer.concurrency`, or with 0 (the default) the Handle side's
 * current request limit (at least 32): one event in flight per request it takes.
 */
function eventsInFlight(config: Config, requestLimit: number | undefined): number {
  if (config.consumer.concurrency > 0) return config.consumer.concurrency;
  return Math.max(AUTO_EVENTS_IN_FLIGHT, requestLimit ?? 0);
}

/**
 * Probes the STAC API when `preflight_stac` is set. Returns a one-line reason when
 * the run must not start (down and no `--force`), else undefined.
 */
export async function preflight(config: Config, wiring: Wiring): Promise<string | undefined> {
  if (!config.consumer.transient.preflight_stac || !wiring.stac) return undefined;
  const log = getLogger(["piddiplatsch", "run"]);
  try {
    await wiring.stac.probe();
    return undefined;
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    const reason = `preflight: ${describeError(error)}`;
    if (error instanceof TransientError && wiring.force) {
      log.warn("{reason}; going on (--force)", { reason });
      return undefined;
    }
    return reason;
  }
}

export { EXIT } from "../exit/mod.ts";

/** The exit code a run's result calls for (decided in `../exit/mod.ts`). */
export function exitCodeOf(result: RunResult): number {
  return exitCodeOfStop(result.stop);
}

/** Runs an input through a wired pipeline and closes the wiring. */
export async function runInput(
  wiring: Wiring,
  events: AsyncIterable<KeyedEvent>,
  options: { signal?: AbortSignal } = {},
): Promise<RunResult> {
  try {
    return await wiring.pipeline.run(events, options);
  } finally {
    await wiring.close();
  }
}
