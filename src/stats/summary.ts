/**
 * One-line summaries of the run counters, with message and handle rates.
 *
 * @module
 */

import { COUNTER_NAMES, type StatsSnapshot } from "./counters.ts";

/** Throughput derived from a snapshot. */
export interface Rates {
  /** Seconds between the start of the run and the snapshot. */
  elapsedSeconds: number;
  /** Messages per second over the whole run. */
  messageRate: number;
  /** Handles per second over the whole run. */
  handleRate: number;
}

/** The elapsed time and the message and handle rates of a snapshot. */
export function rates(snapshot: StatsSnapshot): Rates {
  const elapsedSeconds = Math.max(0, (snapshot.takenAt - snapshot.startedAt) / 1000);
  const per = (count: number): number => elapsedSeconds > 0 ? count / elapsedSeconds : 0;
  return {
    elapsedSeconds,
    messageRate: per(snapshot.counts.messages),
    handleRate: per(snapshot.counts.handles),
  };
}

/** A rate with one decimal, e.g. `40.0/s`. */
export function formatRate(perSecond: number): string {
  return `${perSecond.toFixed(1)}/s`;
}

/**
 * The summary line of a snapshot, e.g.
 * `messages=120 (40.0/s) handles=960 (320.0/s) errors=1 ... elapsed=3s`.
 */
export function formatSummary(snapshot: StatsSnapshot): string {
  const c = snapshot.counts;
  const r = rates(snapshot);
  return [
    `messages=${c.messages} (${formatRate(r.messageRate)})`,
    `handles=${c.handles} (${formatRate(r.handleRate)})`,
    `errors=${c.errors}`,
    `warnings=${c.warnings}`,
    `retries=${c.retries}`,
    `skipped=${c.skipped}`,
    `patched=${c.patched}`,
    `retracted=${c.retracted}`,
    `replicas=${c.replicas}`,
    `external_failures=${c.external_failures}`,
    `filtered=${c.filtered}`,
    `elapsed=${Math.floor(r.elapsedSeconds)}s`,
  ].join(" ");
}

/**
 * One line per project with counts, e.g.
 * `cmip7: messages=3 handles=9 errors=0 ... filtered=0`, sorted by project.
 */
export function formatProjectSummaries(snapshot: StatsSnapshot): string[] {
  return Object.entries(snapshot.projects ?? {}).map(([project, counts]) =>
    `${project}: ${COUNTER_NAMES.map((name) => `${name}=${counts[name]}`).join(" ")}`
  );
}
