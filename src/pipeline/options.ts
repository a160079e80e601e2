/**
 * What a {@linkcode Pipeline} is built with, and what a run of it ends with.
 *
 * @module
 */

import type { EventLimits } from "../decode/mod.ts";
import type { DumpRecorder, FailureRecorder, SkipRecorder } from "../outcome/mod.ts";
import type { PreparePool } from "../offload/mod.ts";
import type { Stats } from "../stats/mod.ts";
import type { ItemSource } from "./map_event.ts";
import type { Router } from "./routes.ts";
import type { StopKind } from "./settle.ts";
import type { OutageOptions } from "./steps.ts";

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
  /**
   * Ride out outages (`consume` with `on_outage = "wait"`): an event that needs a service
   * that is down is held, unacknowledged, and tried again once it answers; without it a
   * transient failure stops the run (or, with `force`, is skipped).
   */
  outages?: OutageOptions;
}

/** The end of a run (the counts are in the run's `Stats`). */
export interface RunResult {
  /** Set when the run stopped before its input ended. */
  stop?: StopReason;
}
