/**
 * The layout of a failure or skipped line, written by the recorders and read back by
 * `retry`. The event is kept whole under one reserved key, next to the record's own
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
 * recorded twice (it was read again after a stop) has the same id, so that the
 * recorder can leave out the second line and `retry` replays it once.
 *
 * @module
 */

import { createHash } from "node:crypto";
import type { Provenance } from "../events/mod.ts";

/** The `format` of lines written by this version. */
export const RECORD_FORMAT = 2;

/** The id of an event at its source: 32 hex digits of SHA-256 over source, key and text. */
export function recordId(source: Provenance | null, key: string | null, value: string): string {
  return createHash("sha256").update(JSON.stringify([source, key, value])).digest("hex")
    .slice(0, 32);
}

/** The event part of a line: `{__event__: object}` for a JSON object, else `{__raw__: text}`. */
export function eventBody(value: string): { __event__: unknown } | { __raw__: string } {
  // A number beyond the range of a double would come back as null: keep such text as it is.
  if (/[:,[]\s*-?[0-9]+(\.[0-9]+)?[eE]\+?[0-9]{3,}|[:,[]\s*-?[0-9]{300,}/.test(value)) {
    return { __raw__: value };
  }
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

/** An event read back from a failure or skipped line. */
export interface RecordedEvent {
  /** The event text to process again. */
  value: string;
  /** Its key (from `__infos__`, else the fallback given). */
  key: string | null;
  /** How often it had been retried when it was recorded (0 when unknown). */
  retries: number;
  /**
   * The same for every line that records the same event at the same source; a line
   * that is not a record at all gets `undefined` (it is never taken for a duplicate).
   */
  identity?: string;
}

/**
 * Reads one line of a failure or skipped file, in this layout, the earlier one or the
 * Python tool's. A line that is not a JSON object comes back as its own text.
 */
export function readRecordLine(text: string, fallbackKey: string | null): RecordedEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { value: text, key: fallbackKey, retries: 0 };
  }
  if (!isObject(parsed)) return { value: text, key: fallbackKey, retries: 0 };
  const { __infos__: rawInfos, ...rest } = parsed;
  const infos = isObject(rawInfos) ? rawInfos : {};
  const retries = Number.isInteger(infos.retries) && (infos.retries as number) >= 0
    ? infos.retries as number
    : 0;
  const key = typeof infos.key === "string" ? infos.key : fallbackKey;
  let value: string | undefined;
  if (infos.format === RECORD_FORMAT) {
    if ("__event__" in rest) value = JSON.stringify(rest.__event__);
    else if (typeof rest.__raw__ === "string") value = rest.__raw__;
    // a line of this layout without either is not a record: replayed as its own text
    if (value === undefined) return { value: text, key: fallbackKey, retries: 0 };
  } else {
    // Earlier layout / Python tool: the event's fields beside __infos__; a text that was
    // not an object is `__raw__` and then the only other key.
    const keys = Object.keys(rest);
    value = keys.length === 1 && keys[0] === "__raw__" && typeof rest.__raw__ === "string"
      ? rest.__raw__
      : JSON.stringify(rest);
  }
  const source = isObject(infos.source) ? infos.source as Provenance : null;
  return { value, key, retries, identity: recordId(source, key, value) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
