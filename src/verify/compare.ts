/**
 * Compares a record `verify` expects with the values the Handle server holds, field by
 * field; `HAS_PARTS` lists are compared entry by entry.
 *
 * @module
 */

import { type HandleRecord, toHandleValues } from "../records/mod.ts";

/** One field that differs; `null` on the side where it is absent. */
export interface FieldDifference {
  /** The value type, e.g. `URL` or `CHECKSUM`. */
  field: string;
  /** The expected text. */
  expected: string | null;
  /** The text on the server. */
  found: string | null;
}

/** The verdict on one handle. */
export interface HandleReport {
  /** The handle. */
  handle: string;
  /** `ok`, `missing` (not on the server) or `different`. */
  status: "ok" | "missing" | "different";
  /** Fields that differ (besides `HAS_PARTS`). */
  differences: FieldDifference[];
  /** `HAS_PARTS` entries on the server that are not expected. */
  extraParts: string[];
  /** Expected `HAS_PARTS` entries the server lacks. */
  missingParts: string[];
}

/** A value as the server answers it (only what the comparison reads). */
export interface ServerValue {
  /** The type. */
  type: string;
  /** The data. */
  data: { format: string; value: unknown };
}

/** Compares the expected record with the server's values (undefined: no such handle). */
export function compareRecord(
  record: HandleRecord,
  actual: ServerValue[] | undefined,
  options: { prefix: string },
): HandleReport {
  const report: HandleReport = {
    handle: record.handle,
    status: "ok",
    differences: [],
    extraParts: [],
    missingParts: [],
  };
  if (actual === undefined) return { ...report, status: "missing" };
  const expected = byType(toHandleValues(record, options));
  const found = byType(actual.filter((value) => value.type !== "HS_SECKEY"));
  for (const field of new Set([...expected.keys(), ...found.keys()])) {
    const want = expected.get(field) ?? null;
    const have = found.get(field) ?? null;
    if (want === have) continue;
    if (field === "HAS_PARTS" && want !== null && have !== null) {
      const wanted = parts(want);
      const held = parts(have);
      if (wanted !== undefined && held !== undefined) {
        // handle names are case-insensitive (a Handle.Net server may answer them in upper case)
        const wantedNames = new Set(wanted.map((part) => part.toLowerCase()));
        const heldNames = new Set(held.map((part) => part.toLowerCase()));
        report.extraParts = held.filter((part) => !wantedNames.has(part.toLowerCase()));
        report.missingParts = wanted.filter((part) => !heldNames.has(part.toLowerCase()));
        if (report.extraParts.length + report.missingParts.length > 0) continue;
        if (want.toLowerCase() === have.toLowerCase()) continue; // the same parts, in upper case
      }
    }
    report.differences.push({ field, expected: want, found: have });
  }
  const differs = report.differences.length + report.extraParts.length +
      report.missingParts.length > 0;
  return differs ? { ...report, status: "different" } : report;
}

function byType(values: ServerValue[]): Map<string, string> {
  const texts = new Map<string, string>();
  for (const value of values) {
    if (texts.has(value.type)) continue;
    const data = value.data.value;
    texts.set(value.type, typeof data === "string" ? data : JSON.stringify(data));
  }
  return texts;
}

function parts(text: string): string[] | undefined {
  try {
    const list = JSON.parse(text);
    return Array.isArray(list) ? list.map(String) : undefined;
  } catch {
    return undefined;
  }
}
