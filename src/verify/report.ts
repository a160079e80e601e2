/**
 * What `verify` prints: a line per difference, the summary counts and the summary line.
 *
 * @module
 */

import type { HandleReport } from "./compare.ts";

/** The counts of a verify run. */
export interface VerifySummary {
  /** Inputs read (events or record lines). */
  inputs: number;
  /** Handles checked. */
  handles: number;
  /** Handles found as expected. */
  ok: number;
  /** Handles not on the server. */
  missing: number;
  /** Handles that differ. */
  different: number;
  /** Inputs that could not be verified. */
  unverifiable: number;
}

/** The counts of a run's result. */
export function summarize(
  result: { events: number; handles: HandleReport[]; unverifiable: string[] },
): VerifySummary {
  const count = (status: HandleReport["status"]): number =>
    result.handles.filter((h) => h.status === status).length;
  return {
    inputs: result.events,
    handles: result.handles.length,
    ok: count("ok"),
    missing: count("missing"),
    different: count("different"),
    unverifiable: result.unverifiable.length,
  };
}

/** Whether nothing was found missing, different or unverifiable. */
export function isClean(summary: VerifySummary): boolean {
  return summary.missing + summary.different + summary.unverifiable === 0;
}

/** The summary line of the text report. */
export function summaryLine(summary: VerifySummary): string {
  return `verify: ${summary.handles} handle(s) from ${summary.inputs} input(s): ${summary.ok} ok, ` +
    `${summary.missing} missing, ${summary.different} different, ` +
    `${summary.unverifiable} input(s) not verifiable`;
}

/** The lines of one handle's report (none for a handle that is as expected). */
export function reportLines(report: HandleReport): string[] {
  if (report.status === "missing") return [`missing ${report.handle}`];
  const lines = report.differences.map((d) =>
    `different ${report.handle}: ${d.field}: expected ${quote(d.expected)}, found ${quote(d.found)}`
  );
  if (report.extraParts.length > 0) {
    lines.push(`different ${report.handle}: HAS_PARTS: extra ${report.extraParts.join(", ")}`);
  }
  if (report.missingParts.length > 0) {
    lines.push(`different ${report.handle}: HAS_PARTS: missing ${report.missingParts.join(", ")}`);
  }
  return lines;
}

function quote(text: string | null): string {
  if (text === null) return "(absent)";
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
}
