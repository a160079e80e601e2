/**
 * The outcome of an event that could not be registered: a failure record, a skipped
 * record under `--force`, or a stop of the run that leaves the event uncommitted.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import {
  ConfigurationError,
  describeError,
  PermanentError,
  permissionRefusal,
  reasonLine,
  TransientError,
} from "../errors/mod.ts";
import { type KeyedEvent, provenanceText } from "../events/mod.ts";
import type { FailureRecorder, SkipRecorder } from "../outcome/mod.ts";
import type { Stats } from "../stats/mod.ts";
import { retryAfterOf, TransientExhaustedError } from "../transient/mod.ts";
import type { Held } from "./waiting.ts";

/** The dependency of records that cannot be written (disk full, permission, read-only). */
export const OUTPUT_DEPENDENCY = "output folder";

/** Why a run stopped early. */
export type StopKind = "max_errors" | "transient" | "configuration" | "fatal";

/** What {@linkcode settleError} records to, and how it stops the run. */
export interface SettleOptions {
  /** Permanent failures. */
  failures: FailureRecorder;
  /** Transient failures under `--force`. */
  skipped: SkipRecorder;
  /** Record transient failures in `skipped/` and go on, instead of stopping. */
  force: boolean;
  /** Stop after this many permanent failures (-1 = unlimited). */
  maxErrors: number;
  /** Counters. */
  stats: Stats;
  /** The project of the event, when known. */
  project?: string;
  /** Stops the run (the event is then not acknowledged). */
  halt(kind: StopKind, reason: string): void;
  /**
   * Wait out outages (`on_outage = "wait"`): a transient failure of `dependency`, or an
   * outcome that cannot be written, holds the event instead of stopping the run.
   */
  wait?: boolean;
  /** The service the failed step needed (e.g. `Handle service cmip7`). */
  dependency?: string;
}

/**
 * Why writing failed when the fault is the disk's or the folder's (full, no permission,
 * read-only, a file where a folder must be) — something an operator fixes while the run waits; undefined otherwise.
 */
export function outputFault(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    if (e instanceof Deno.errors.NotCapable) return undefined; // Deno's own permission: exit 2
    if (
      e instanceof Deno.errors.PermissionDenied ||
      /os error (13|20|28|30|122)\b|No space left|Read-only file system|Disk quota/i.test(e.message)
    ) {
      return describeError(error);
    }
    e = e.cause;
  }
  return undefined;
}

const log = getLogger(["piddiplatsch", "pipeline"]);

/**
 * Settles an event whose registration threw `error`: a configuration error or a refused
 * permission stops the run; a transient error is a skipped record under `force`, else a
 * stop; anything else is a failure record (and a stop at `maxErrors`). An outcome that
 * cannot be written stops the run too. The event is acknowledged only once its record is
 * written. With `wait`, resolves to why the event is held instead (nothing recorded).
 */
export async function settleError(
  event: KeyedEvent,
  error: unknown,
  o: SettleOptions,
): Promise<Held | undefined> {
  const project = o.project;
  const count = { project };
  const where = provenanceText(event.source);
  try {
    const unwritable = o.wait ? outputFault(error) : undefined;
    if (unwritable !== undefined) {
      return { dependency: OUTPUT_DEPENDENCY, reason: unwritable };
    }
    const configuration = error instanceof ConfigurationError ? error : permissionRefusal(error);
    if (configuration) {
      log.error("{where}: {reason}; stopping, the event stays uncommitted", {
        where,
        reason: configuration.message,
      });
      o.halt("configuration", configuration.message);
      return;
    }
    if (error instanceof TransientError) {
      o.stats.add("external_failures", 1, count);
      const reason = error.message.startsWith("TRANSIENT")
        ? error.message
        : `TRANSIENT ${error.message}`;
      if (!o.force && o.wait && o.dependency !== undefined) {
        log.debug("{where}: held: {reason}", { where, reason });
        return { dependency: o.dependency, reason, retryAfterMs: retryAfterOf(error) };
      }
      if (o.force) {
        const attempts = error instanceof TransientExhaustedError ? error.attempts : 1;
        await o.skipped.record(event, { reason, attempts, project });
        o.stats.add("skipped", 1, count);
        log.warn("{where}: skipped: {reason}", { where, reason });
        event.ack("skipped");
      } else {
        log.error(
          "{where}: {reason}; stopping, the event stays uncommitted (--force skips it)",
          {
            where,
            reason,
          },
        );
        o.halt("transient", reason);
      }
      return;
    }
    const reason = error instanceof PermanentError
      ? error.message
      : reasonLine(`internal error: ${describeError(error)}`);
    if (!(error instanceof PermanentError)) log.error("{where}: {error}", { where, error });
    await o.failures.record(event, reason, { project });
    o.stats.add("errors", 1, count);
    log.error("{where}: failed: {reason}", { where, reason });
    event.ack("failed");
    if (o.maxErrors >= 0 && o.stats.get("errors") >= o.maxErrors) {
      o.halt(
        "max_errors",
        `${o.stats.get("errors")} failures reached consumer.max_errors = ${o.maxErrors}`,
      );
    }
  } catch (recordError) {
    // The outcome could not be written (disk full, permissions): keep the event for the next run.
    const unwritable = o.wait ? outputFault(recordError) : undefined;
    if (unwritable !== undefined) return { dependency: OUTPUT_DEPENDENCY, reason: unwritable };
    const refused = permissionRefusal(recordError, "cannot record the outcome");
    if (refused) {
      log.error("{where}: {reason}", { where, reason: refused.message });
      o.halt("configuration", refused.message);
      return;
    }
    log.error("{where}: cannot record the outcome: {reason}", {
      where,
      reason: describeError(recordError),
    });
    o.halt("fatal", `cannot record the outcome of ${where}: ${describeError(recordError)}`);
  }
}
