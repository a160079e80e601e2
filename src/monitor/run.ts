/**
 * The monitor of one run: metrics, health, the HTTP endpoint and the Handle probe,
 * joined to the run through observers only.
 *
 * @module
 */

import type { KeyedEvent } from "../events/mod.ts";
import type { RunObservers } from "./observers.ts";
import type { CounterName, Stats } from "../stats/mod.ts";
import { Health, type ProbeTarget, startHandleProbe } from "./health.ts";
import { type PartitionState, RunMetrics } from "./metrics.ts";
import { observeEvents, observeRegistrar } from "./observe.ts";
import { verificationOf } from "../tls/mod.ts";
import { type ListenAddress, type MonitorServer, startMonitorServer } from "./server.ts";

/** The project label of an event that failed before it was routed (e.g. not JSON). */
export const NO_PROJECT = "(none)";

/** The counters the pipeline adds once per event that ends failed, skipped or filtered. */
const OUTCOME_OF_COUNTER: Partial<Record<CounterName, string>> = {
  errors: "failed",
  skipped: "skipped",
  filtered: "filtered",
};

/** Options of {@linkcode startRunMonitor}. */
export interface RunMonitorOptions {
  /** Where the endpoint listens. */
  address: ListenAddress;
  /** Version for the build info. */
  version: string;
  /** The run's counters (retries and per-project outcomes are taken from them). */
  stats: Stats;
  /** The run waits for a consumer group. */
  group: boolean;
  /** The Handle services that must answer; none for a dry run. */
  services: ProbeTarget[];
  /** Period of the probe of a service that is down, ms (default 5000). */
  probeIntervalMs?: number;
}

/** A running monitor. */
export interface RunMonitor {
  /** The health the endpoint reports. */
  health: Health;
  /** The metrics the endpoint serves. */
  metrics: RunMetrics;
  /** Where the endpoint listens. */
  address: ListenAddress;
  /** Observers for {@linkcode wirePipeline}. */
  observers: RunObservers;
  /** The input's events, observed (in-flight and outcomes). */
  observe(events: AsyncIterable<KeyedEvent>): AsyncIterable<KeyedEvent>;
  /** Sets where partition states come from. */
  partitions(source: () => PartitionState[]): void;
  /** Stops the probe and the endpoint. */
  close(): Promise<void>;
}

/** Starts the endpoint of a run (throws when the address cannot be bound). */
export function startRunMonitor(options: RunMonitorOptions): RunMonitor {
  let partitionSource = (): PartitionState[] => [];
  const metrics = new RunMetrics({
    version: options.version,
    partitions: () => partitionSource(),
    tlsVerification: Object.fromEntries(
      options.services.map((s) => [s.name, verificationOf(s.tls ?? {})]),
    ),
  });
  const health = new Health({
    group: options.group,
    services: options.services.map((s) => s.name),
  });
  let retries = options.stats.get("retries");
  options.stats.onChange((name, total, project) => {
    if (name === "retries") {
      metrics.retried(total - retries);
      retries = total;
      return;
    }
    // One count per event that ended so (registered events: see the registrar below).
    const outcome = OUTCOME_OF_COUNTER[name];
    if (outcome) metrics.eventDone(project ?? NO_PROJECT, outcome);
  });
  const server: MonitorServer = startMonitorServer({ address: options.address, health, metrics });
  const probe = options.services.length > 0
    ? startHandleProbe(health, options.services, { intervalMs: options.probeIntervalMs })
    : undefined;
  return {
    health,
    metrics,
    address: server.address,
    observers: {
      request(profile, response): void {
        metrics.request({ profile, ...response });
        if (response.status !== undefined && response.status < 500) health.serviceAnswered(profile);
        else {
          health.serviceFailed(
            profile,
            response.status === undefined ? "no answer" : `HTTP ${response.status}`,
          );
        }
      },
      dependency: {
        dependency(state): void {
          health.waitingFor(state.name, state.up ? undefined : state.since, state.reason);
          metrics.dependencyUp(state.name, state.up);
        },
        success(name, at): void {
          metrics.dependencySucceeded(name, at);
          if (!health.waitsFor(name)) metrics.dependencyUp(name, true);
        },
        held: (events, bytes) => metrics.held(events, bytes),
      },
      registrar: (profile, registrar) =>
        observeRegistrar(registrar, (result, n, context) => {
          metrics.handlesDone(profile, result, n);
          if (result === "registered") metrics.eventDone(context.project, "registered");
        }),
    },
    observe: (events) =>
      observeEvents(events, {
        delivered: () => metrics.inFlight(1),
        acknowledged(): void {
          metrics.inFlight(-1);
        },
      }),
    partitions(source): void {
      partitionSource = source;
    },
    async close(): Promise<void> {
      probe?.stop();
      await server.close();
    },
  };
}
