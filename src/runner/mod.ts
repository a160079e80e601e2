/**
 * Wires one pipeline from the configuration and the command-line switches shared
 * by `consume`, `map` and `retry`, and runs an input through it.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { Config } from "../config/mod.ts";
import { describeError, TransientError } from "../errors/mod.ts";
import type { KeyedEvent } from "../events/mod.ts";
import { DumpRecorder, FailureRecorder, SkipRecorder } from "../outcome/mod.ts";
import { Pipeline, type RunResult, type VersionLookup } from "../pipeline/mod.ts";
import { createPlugin } from "../plugins/mod.ts";
import {
  HandleRestClient,
  JsonlRegistrar,
  type Registrar,
  RestRegistrar,
} from "../register/mod.ts";
import { StacClient } from "../stac/mod.ts";
import type { Stats } from "../stats/mod.ts";
import type { TransientPolicy } from "../transient/mod.ts";
import { createVersionLookup } from "../lookup/mod.ts";

/** Switches shared by `consume`, `map` and `retry`. */
export interface RunSwitches {
  /** Write records to JSONL instead of the Handle service. */
  dryRun?: boolean;
  /** Dump every raw event. */
  dump?: boolean;
  /** Record transient failures as skipped and go on. */
  force?: boolean;
}

/** A pipeline with everything it holds open. */
export interface Wiring {
  /** The pipeline. */
  pipeline: Pipeline;
  /** The registrar in use. */
  registrar: Registrar;
  /** Where failures go. */
  failures: FailureRecorder;
  /** Where skipped events go. */
  skipped: SkipRecorder;
  /** The STAC client, if a STAC API is configured. */
  stac?: StacClient;
  /** Whether transient failures are skipped (`--force` or `stop_on_skip = false`). */
  force: boolean;
  /** Events in flight now: `consumer.concurrency`, or (0) the Handle request limit, at least 32. */
  eventsInFlight(): number;
  /** Closes registrar and recorders. */
  close(): Promise<void>;
}

/** The transient policy of a configuration. */
export function transientPolicy(config: Config): TransientPolicy {
  const t = config.consumer.transient;
  return { retries: t.retries, backoffInitial: t.backoff_initial, backoffMax: t.backoff_max };
}

/** Builds the pipeline for a configuration and the run's switches. */
export function wirePipeline(
  config: Config,
  options: RunSwitches & {
    stats: Stats;
    signal?: AbortSignal;
    /** Called whenever the adaptive Handle request limit changes. */
    onLimit?: (limit: number) => void;
  },
): Wiring {
  const { stats, signal } = options;
  const outputDir = config.consumer.output_dir;
  const policy = transientPolicy(config);
  const onRetry = (): void => stats.add("retries");
  const plugin = createPlugin(config.consumer.processor, {
    landingPageUrl: config.plugins.cmip6.landing_page_url,
    maxParts: config.plugins.cmip6.max_parts,
    excludedAssetKeys: config.plugins.cmip6.excluded_asset_keys,
    esgfMarker: config.plugins.cmip6.esgf_marker,
    strictMode: config.schema.strict_mode,
  });
  const dryRun = options.dryRun === true || config.handle.backend === "jsonl";
  const registrar: Registrar = dryRun ? new JsonlRegistrar(outputDir) : new RestRegistrar(
    new HandleRestClient({
      maxConcurrency: config.handle.max_concurrency,
      onLimit: options.onLimit,
      serverUrl: config.handle.server_url,
      prefix: config.handle.prefix,
      username: config.handle.username,
      password: config.handle.password,
      timeout: config.handle.timeout,
      concurrency: config.handle.concurrency,
      caFile: config.handle.ca_file || undefined,
      policy,
      onRetry,
      signal,
    }),
  );
  const stac = config.stac.base_url
    ? new StacClient({
      baseUrl: config.stac.base_url,
      timeout: config.stac.timeout,
      policy,
      onRetry,
      signal,
    })
    : undefined;
  let lookup: VersionLookup | undefined;
  if (config.lookup.enabled) {
    lookup = createVersionLookup({
      backend: config.lookup.backend,
      stac,
      collection: config.stac.collection,
      es: {
        url: config.elasticsearch.url,
        index: config.elasticsearch.index,
        username: config.elasticsearch.username || undefined,
        password: config.elasticsearch.password || undefined,
        timeout: config.elasticsearch.timeout,
      },
      policy,
      signal,
      onRetry,
    });
  }
  const failures = new FailureRecorder(outputDir);
  const skipped = new SkipRecorder(outputDir);
  const dump = options.dump ? new DumpRecorder(outputDir) : undefined;
  const force = options.force === true || !config.consumer.transient.stop_on_skip;
  const pipeline = new Pipeline({
    plugin,
    registrar,
    failures,
    skipped,
    dump,
    items: stac,
    lookup,
    prefix: config.handle.prefix,
    force,
    maxErrors: config.consumer.max_errors,
    // Events in flight follow what the Handle side takes: at least one per request.
    concurrency: () => eventsInFlight(config, registrar),
    stats,
  });
  return {
    pipeline,
    registrar,
    eventsInFlight: () => eventsInFlight(config, registrar),
    failures,
    skipped,
    stac,
    force,
    async close(): Promise<void> {
      await Promise.all([registrar.close(), failures.close(), skipped.close(), dump?.close()]);
    },
  };
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
function eventsInFlight(config: Config, registrar: Registrar): number {
  if (config.consumer.concurrency > 0) return config.consumer.concurrency;
  return Math.max(AUTO_EVENTS_IN_FLIGHT, registrar.requestLimit ?? 0);
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
    const reason = `preflight: ${describeError(error)}`;
    if (error instanceof TransientError && wiring.force) {
      log.warn("{reason}; going on (--force)", { reason });
      return undefined;
    }
    return reason;
  }
}

/** Exit codes of a run. */
export const EXIT = {
  ok: 0,
  failed: 1,
  configuration: 2,
  transient: 3,
} as const;

/** The exit code a run's result calls for. */
export function exitCodeOf(result: RunResult): number {
  switch (result.stop?.kind) {
    case undefined:
      return EXIT.ok;
    case "transient":
      return EXIT.transient;
    case "configuration":
      return EXIT.configuration;
    default:
      return EXIT.failed;
  }
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
