/**
 * The layout of a failure or skipped line: the one module that writes it (the
 * recorders) and reads it (`retry`, `verify`, the recorders' own duplicate check).
 * The event is kept whole under one reserved key, next to the record's own
 * bookkeeping, so that no field of an event can pass for bookkeeping:
 *
 * ```text
 * {"__infos__": {"id": …, "format": 2, …, "key", "source"}, "__event__": {the event object}}
 * {"__infos__": {"id": …, "format": 2, …}, "__raw__": "the text as received"}
 * ```
 *
 * `__event__` holds an event that is a JSON object, `__raw__` the text of anything
 * else (not JSON, not an object, or a number JSON cannot carry). Lines of the earlier
 * layout and of the Python tool (the event's fields plus `__infos__`, or `__raw__` and
 * `__infos__` alone) are read too. Their `__infos__` was always written by the recorder
 * (an event's own `__infos__` was dropped), so `format: 2` in it cannot be forged by an
 * event.
 *
 * `id` identifies the event at its source (source, key and text): the same event
 * recorded twice (it was read again after a stop, or `retry` met it again) has the
 * same id, so that the recorder can leave out the second line and `retry` replays it
 * once. An event replayed by `retry` keeps the id of the line it came from.
 *
 * @module
 */

import { createHash } from "node:crypto";
import type { Provenance } from "../events/mod.ts";

/** The `format` of lines written by this version. */
export const RECORD_FORMAT = 2;

/** Metadata attached to a failure or skipped line. */
export interface RecordInfos {
  /** When it failed (failures) or was skipped (skipped). */
  failure_timestamp?: string;
  /** When it was skipped. */
  skip_timestamp?: string;
  /** How often the event had been retried. */
  retries: number;
  /** One-line reason. */
  reason: string;
  /** Attempts made at the failing service before giving up (skipped lines). */
  attempts?: number;
  /** The project the event was routed to, when known. */
  project?: string;
  /** The record key. */
  key: string | null;
  /** Where the event came from. */
  source: Provenance;
}

/** What a line says of an event kept as text that was cut or could not be kept as JSON. */
export interface RawAbout {
  /** Its length in UTF-8 bytes. */
  raw_bytes: number;
  /** SHA-256 of those bytes, in hex. */
  raw_sha256: string;
  /** Whether `__raw__` is only its start. */
  raw_cut: boolean;
}

/** A failure or skipped line: `__infos__` (id and format first), then the event whole. */
export interface RecordLine {
  /** The bookkeeping. */
  __infos__: RecordInfos & { id: string; format: number } & Partial<RawAbout>;
  /** The event, when it is a JSON object. */
  __event__?: unknown;
  /** The event's text, when it is not. */
  __raw__?: string;
}

/** The event part of a line: the JSON object, or the text (and what it was, if cut). */
export type RecordBody = { object: Record<string, unknown> } | { text: string; about?: RawAbout };

/** The id of an event at its source: 32 hex digits of SHA-256 over source, key and text. */
export function recordId(source: Provenance | null, key: string | null, value: string): string {
  return createHash("sha256").update(JSON.stringify([source, key, value])).digest("hex")
    .slice(0, 32);
}

/** Whether a JSON text holds a number beyond the range of a double (it would come back as null). */
export function numbersBeyondDouble(value: string): boolean {
  return /[:,[]\s*-?[0-9]+(\.[0-9]+)?[eE]\+?[0-9]{3,}|[:,[]\s*-?[0-9]{300,}/.test(value);
}

/** The event part of a line: `{__event__: object}` for a JSON object, else `{__raw__: text}`. */
export function eventBody(value: string): { __event__: unknown } | { __raw__: string } {
  // A number beyond the range of a double would come back as null: keep such text as it is.
  if (numbersBeyondDouble(value)) return { __raw__: value };
  try {
    const parsed = JSON.parse(value);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
      return { __event__: parsed };
    }
  } catch {
    // not JSON: kept as text
  }
  return { __raw__: value };
}

/** Builds a line of this layout from its id, its bookkeeping and the event's body. */
export function buildRecordLine(id: string, infos: RecordInfos, body: RecordBody): RecordLine {
  if ("object" in body) {
    return { __infos__: { id, format: RECORD_FORMAT, ...infos }, __event__: body.object };
  }
  return { __infos__: { id, format: RECORD_FORMAT, ...infos, ...body.about }, __raw__: body.text };
}

/** An event read back from a failure or skipped line. */
export interface RecordedEvent {
  /** The event text to process again. */
  value: string;
  /** Its key (from `__infos__`, else the fallback given). */
  key: string | null;
  /** How often it had been retried when it was recorded (0 when unknown). */
  retries: number;
  /**
   * The same for every line that records the same event at the same source (the line's
   * `id` when it has one); a line that is not a record at all gets `undefined` (it is
   * never taken for a duplicate).
   */
  identity?: string;
  /** The project the line names (`__infos__.project`), when it names one. */
  project?: string;
  /** The line's reason, when it has one. */
  reason?: string;
}

/**
 * Reads one line of a failure or skipped file, in this layout, the earlier one or the
 * Python tool's; undefined when it is none of them (not a JSON object with an
 * `__infos__` object beside the event, or a line of this layout without its event).
 */
export function parseRecordLine(text: string): RecordedEvent | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(parsed) || !isObject(parsed.__infos__)) return undefined;
  const { __infos__: infos, ...rest } = parsed as Record<string, unknown> & {
    __infos__: Record<string, unknown>;
  };
  const retries = Number.isInteger(infos.retries) && (infos.retries as number) >= 0
    ? infos.retries as number
    : 0;
  const key = typeof infos.key === "string" ? infos.key : null;
  let value: string;
  if (infos.format === RECORD_FORMAT) {
    if ("__event__" in rest) value = JSON.stringify(rest.__event__);
    else if (typeof rest.__raw__ === "string") value = rest.__raw__;
    else return undefined;
  } else {
    // Earlier layout / Python tool: the event's fields beside __infos__; a text that was
    // not an object is `__raw__` and then the only other key.
    const keys = Object.keys(rest);
    value = keys.length === 1 && keys[0] === "__raw__" && typeof rest.__raw__ === "string"
      ? rest.__raw__
      : JSON.stringify(rest);
  }
  const source = isObject(infos.source) ? infos.source as Provenance : null;
  const id = infos.format === RECORD_FORMAT && typeof infos.id === "string" &&
      /^[0-9a-f]{32}$/.test(infos.id)
    ? infos.id
    : recordId(source, key, value);
  return {
    value,
    key,
    retries,
    identity: id,
    ...(typeof infos.project === "string" ? { project: infos.project } : {}),
    ...(typeof infos.reason === "string" ? { reason: infos.reason } : {}),
  };
}

/**
 * Reads one line of a failure or skipped file for `retry`: as {@linkcode parseRecordLine},
 * with the fallback key when the line names none; any other line comes back as its own
 * text (replayed, it fails again visibly). A plain event object (no `__infos__`) is
 * replayed as it is.
 */
export function readRecordLine(text: string, fallbackKey: string | null): RecordedEvent {
  const recorded = parseRecordLine(text);
  if (recorded === undefined) return { value: text, key: fallbackKey, retries: 0 };
  return recorded.key === null ? { ...recorded, key: fallbackKey } : recorded;
}

const ID_PREFIX = '{"__infos__":{"id":"';

/**
 * The `id` of a whole line this version wrote, read cheaply (lines of other layouts and
 * torn lines give undefined).
 */
export function recordedIdOf(line: string): string | undefined {
  if (!line.startsWith(ID_PREFIX)) return undefined;
  try {
    const id = JSON.parse(line).__infos__.id;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined; // a torn line: not a record
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
