/**
 * The layout of a dry-run handle line (`outputs/handles/handles_<date>.jsonl`): the one
 * module that writes it (the dry-run registrar) and reads it (`publish`, `verify`).
 *
 * ```text
 * {"handle": "<prefix>/<suffix>", "URL": "…", "data": {…}, [per-record marks],
 *  "timestamp": "…", "project": "…", ["profile": "…"], topic/partition/offset | file/line}
 * ```
 *
 * `handle`, `URL` and `data` are the record; a per-record mark (such as
 * `"retraction": "amend-if-exists"`, see {@linkcode RECORD_MARKS}) belongs to that record
 * alone; every other field is the event's (time, project, profile, provenance), the same
 * on each line of one event: lines with equal event fields are one event's records.
 * Lines of earlier versions (without `profile`) and any object with `handle`, `URL` and
 * `data` are read too.
 *
 * @module
 */

import { provenanceFields } from "../events/mod.ts";
import type { HandleRecord } from "../records/mod.ts";
import type { RegisterContext } from "./types.ts";

/** Fields of a line that belong to its record alone (not to the event). */
export const RECORD_MARKS: readonly string[] = ["retraction"];

const RECORD_FIELDS = new Set(["handle", "URL", "data", ...RECORD_MARKS]);

/** One dry-run line as an object, in the order written. */
export function jsonlLine(
  record: HandleRecord,
  options: { context: RegisterContext; timestamp: string; marks?: Record<string, string> },
): Record<string, unknown> {
  return {
    handle: record.handle,
    URL: record.URL,
    data: record.data,
    ...options.marks,
    ...eventFields(options.context, options.timestamp),
  };
}

/** The fields of a line that are the event's, as {@linkcode jsonlLine} orders them. */
export function eventFields(
  context: RegisterContext,
  timestamp: string,
): Record<string, unknown> {
  return {
    timestamp,
    project: context.project,
    ...(context.profile === undefined ? {} : { profile: context.profile }),
    ...provenanceFields(context.source),
  };
}

/** A dry-run line read back. */
export interface DryRunEntry {
  /** The record. */
  record: HandleRecord;
  /** The Handle profile the line names, if it names one. */
  profile?: string;
  /** The line's per-record marks (e.g. `retraction`), as written. */
  marks: Record<string, unknown>;
  /** Equal for the lines of one event (its event fields as JSON). */
  eventKey: string;
}

/**
 * Reads one dry-run line; a string says why the line is none (not JSON, not an object
 * with `handle`, `URL` and `data`).
 */
export function parseDryRunLine(text: string): DryRunEntry | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return "not a dry-run line (an object with handle, URL and data)";
  }
  const fields = value as Record<string, unknown>;
  const { handle, URL, data, profile } = fields;
  if (typeof handle !== "string" || !handle.includes("/") || typeof URL !== "string") {
    return "not a dry-run line (an object with handle, URL and data)";
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return `${handle}: data is not an object`;
  }
  const marks: Record<string, unknown> = {};
  for (const name of RECORD_MARKS) if (name in fields) marks[name] = fields[name];
  const event = Object.entries(fields).filter(([name]) => !RECORD_FIELDS.has(name));
  return {
    record: { handle, URL, data: data as Record<string, unknown> },
    ...(typeof profile === "string" ? { profile } : {}),
    marks,
    eventKey: JSON.stringify(event),
  };
}
