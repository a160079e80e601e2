/**
 * The Prometheus metrics of a run (prom-client): events by project and outcome,
 * handles by profile and result, Handle request latency, retries, events in flight,
 * per-partition committed offset and lag, the time of the last registration, the
 * process's own metrics and build information. Fed by observers; it knows nothing
 * of the pipeline.
 *
 * @module
 */

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** Where an input's partitions stand (the Kafka input reports these). */
export interface PartitionState {
  /** Topic. */
  topic: string;
  /** Partition. */
  partition: number;
  /** The committed offset (the next offset to read), if any was committed or known. */
  committed?: bigint;
  /** The partition's high watermark as last fetched, if known. */
  highWatermark?: bigint;
}

/** One Handle request as the registrar saw it. */
export interface RequestTiming {
  /** The Handle profile (service) the request went to. */
  profile: string;
  /** HTTP method. */
  method: string;
  /** HTTP status; undefined when no response came (timeout, refused). */
  status?: number;
  /** Duration, seconds. */
  seconds: number;
}

/** Options of {@linkcode RunMetrics}. */
export interface RunMetricsOptions {
  /** Version for `piddiplatsch_build_info`. */
  version: string;
  /** The partitions of the input, read at every scrape. */
  partitions?: () => PartitionState[];
  /** Collect the process's own metrics (default true). */
  processMetrics?: boolean;
  /** How each Handle profile verifies its server's certificate (`off`: not at all). */
  tlsVerification?: Record<string, string>;
}

/** prom-client metrics read from `/proc/self`, which Deno opens only with --allow-all. */
const PROC_METRICS = [
  "process_resident_memory_bytes",
  "process_virtual_memory_bytes",
  "process_heap_bytes",
  "process_open_fds",
  "process_max_fds",
];

/** The latency buckets of Handle requests, seconds. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The metrics of one process. */
export class RunMetrics {
  /** The registry served at `/metrics`. */
  readonly registry: Registry = new Registry();
  readonly #events: Counter<"project" | "outcome">;
  readonly #handles: Counter<"profile" | "result">;
  readonly #latency: Histogram<"profile" | "method" | "code">;
  readonly #retries: Counter<string>;
  readonly #inFlight: Gauge<string>;
  readonly #lastRegistration: Gauge<string>;
  readonly #dependencyUp: Gauge<"dependency">;
  readonly #lastSuccess: Gauge<"dependency">;
  readonly #held: Gauge<string>;
  readonly #heldBytes: Gauge<string>;

  /** Registers every metric. */
  constructor(options: RunMetricsOptions) {
    const registers = [this.registry];
    if (options.processMetrics !== false) this.#processMetrics();
    this.#events = new Counter({
      name: "piddiplatsch_events_total",
      help: "Events done, by project and outcome (registered, failed, skipped, filtered).",
      labelNames: ["project", "outcome"] as const,
      registers,
    });
    this.#handles = new Counter({
      name: "piddiplatsch_handles_total",
      help: "Handles of finished registrations, by Handle profile and result.",
      labelNames: ["profile", "result"] as const,
      registers,
    });
    this.#latency = new Histogram({
      name: "piddiplatsch_handle_request_duration_seconds",
      help: "Duration of Handle REST requests, by profile, method and HTTP status " +
        '("error" when no response came).',
      labelNames: ["profile", "method", "code"] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#retries = new Counter({
      name: "piddiplatsch_retries_total",
      help: "Retries of transient failures (STAC API, Handle service, lookup).",
      registers,
    });
    this.#inFlight = new Gauge({
      name: "piddiplatsch_events_in_flight",
      help: "Events delivered by the input and not yet acknowledged.",
      registers,
    });
    this.#lastRegistration = new Gauge({
      name: "piddiplatsch_last_registration_timestamp_seconds",
      help: "When the last event was registered (seconds since the epoch); 0 before the first.",
      registers,
    });
    this.#dependencyUp = new Gauge({
      name: "piddiplatsch_dependency_up",
      help: "Whether a service the run needs answers (1) or is waited for (0), by dependency " +
        '(e.g. "Handle service cmip7", "STAC API", "output folder").',
      labelNames: ["dependency"] as const,
      registers,
    });
    this.#lastSuccess = new Gauge({
      name: "piddiplatsch_dependency_last_success_timestamp_seconds",
      help: "When a service last did its work (a registration, a patched item), by dependency.",
      labelNames: ["dependency"] as const,
      registers,
    });
    this.#held = new Gauge({
      name: "piddiplatsch_events_held",
      help:
        "Events held, unacknowledged, for a service that is down (at most consumer.max_waiting).",
      registers,
    });
    this.#heldBytes = new Gauge({
      name: "piddiplatsch_events_held_bytes",
      help: "Bytes of the events held for a service that is down.",
      registers,
    });
    const partitions = options.partitions ?? ((): PartitionState[] => []);
    const gauge = (name: string, help: string, value: (p: PartitionState) => bigint | undefined) =>
      new Gauge({
        name,
        help,
        labelNames: ["topic", "partition"] as const,
        registers,
        collect(): void {
          this.reset();
          for (const p of partitions()) {
            const v = value(p);
            if (v !== undefined) this.set({ topic: p.topic, partition: p.partition }, Number(v));
          }
        },
      });
    gauge(
      "piddiplatsch_kafka_committed_offset",
      "Committed offset (next offset to read) per partition.",
      (p) => p.committed,
    );
    gauge(
      "piddiplatsch_kafka_lag",
      "High watermark minus committed offset per partition.",
      (p) =>
        p.highWatermark === undefined || p.committed === undefined
          ? undefined
          : p.highWatermark > p.committed
          ? p.highWatermark - p.committed
          : 0n,
    );
    const tls = new Gauge({
      name: "piddiplatsch_handle_tls_unverified",
      help: "1 when a Handle profile does not verify its server's certificate " +
        "(verify_https = false), else 0.",
      labelNames: ["profile"] as const,
      registers,
    });
    for (const [profile, mode] of Object.entries(options.tlsVerification ?? {})) {
      tls.set({ profile }, mode === "off" ? 1 : 0);
    }
    new Gauge({
      name: "piddiplatsch_build_info",
      help: "Build information; the value is 1.",
      labelNames: ["version", "deno", "typescript"] as const,
      registers,
    }).set({
      version: options.version,
      deno: Deno.version.deno,
      typescript: Deno.version.typescript,
    }, 1);
  }

  /**
   * prom-client's process and Node.js metrics; those it reads from `/proc/self` (which
   * Deno opens only with --allow-all, else they read 0) are taken from Deno instead.
   */
  #processMetrics(): void {
    collectDefaultMetrics({ register: this.registry });
    for (const name of PROC_METRICS) this.registry.removeSingleMetric(name);
    const registers = [this.registry];
    new Gauge({
      name: "process_resident_memory_bytes",
      help: "Resident memory size in bytes.",
      registers,
      collect(): void {
        this.set(Deno.memoryUsage().rss);
      },
    });
    new Gauge({
      name: "process_heap_bytes",
      help: "Process heap size (V8 heap total) in bytes.",
      registers,
      collect(): void {
        this.set(Deno.memoryUsage().heapTotal);
      },
    });
  }

  /** An event was acknowledged with `outcome`. */
  eventDone(project: string, outcome: string): void {
    this.#events.inc({ project, outcome });
  }

  /** `n` handles of one event ended with `result` at `profile`. */
  handlesDone(profile: string, result: string, n: number): void {
    if (n > 0) this.#handles.inc({ profile, result }, n);
    if (result === "registered") this.#lastRegistration.set(Date.now() / 1000);
  }

  /** One Handle request finished. */
  request(timing: RequestTiming): void {
    this.#latency.observe(
      {
        profile: timing.profile,
        method: timing.method,
        code: timing.status === undefined ? "error" : String(timing.status),
      },
      timing.seconds,
    );
  }

  /** A service went down (false) or answers again (true). */
  dependencyUp(name: string, up: boolean): void {
    this.#dependencyUp.set({ dependency: name }, up ? 1 : 0);
  }

  /** A service did its work at `at`. */
  dependencySucceeded(name: string, at: Date): void {
    this.#lastSuccess.set({ dependency: name }, at.getTime() / 1000);
  }

  /** The events (and bytes) held for services that are down now. */
  held(events: number, bytes: number): void {
    this.#held.set(events);
    this.#heldBytes.set(bytes);
  }

  /** `n` retries happened. */
  retried(n = 1): void {
    this.#retries.inc(n);
  }

  /** The number of events in flight changed by `delta`. */
  inFlight(delta: number): void {
    this.#inFlight.inc(delta);
  }

  /** The exposition text. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** The content type of {@linkcode RunMetrics.text}. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
