/**
 * Handle records: what a project plugin makes of an event and what a registrar
 * writes. The shape follows `docs/records.md`.
 *
 * @module
 */

/** Whether a record describes a dataset or one of its files. */
export type AggregationLevel = "DATASET" | "FILE";

/**
 * The marker of a retracted dataset's record: where its handle exists, the record there is
 * amended (it keeps every value and gains `RETRACTED_ON`) instead of being replaced by this
 * one; where it does not, this record is registered.
 */
export const AMEND_IF_EXISTS = "amend-if-exists";

/** One Handle record before it is sent anywhere. */
export interface HandleRecord {
  /** `<prefix>/<suffix>`, without the `hdl:` scheme. */
  handle: string;
  /** The landing page, value at index 1. */
  URL: string;
  /**
   * The other fields in the spec's table order (insertion order is kept);
   * empty values are already left out.
   */
  data: Record<string, unknown>;
  /** Set on the record of a retracted dataset: see {@linkcode AMEND_IF_EXISTS}. */
  retraction?: typeof AMEND_IF_EXISTS;
}

/** What one event maps to. */
export interface MappedEvent {
  /** The item id (dataset id with version). */
  itemId: string;
  /** The dataset record. */
  dataset: HandleRecord;
  /** The file records, in item order; they are registered before the dataset. */
  files: HandleRecord[];
  /** Warnings (skipped files in non-strict mode, `max_parts` reached, ...). */
  warnings: string[];
  /** Whether the dataset is retracted. */
  retracted: boolean;
  /** How many replica nodes the dataset lists. */
  replicas: number;
}

/** The records of a mapped event in registration order: files first, then the dataset. */
export function registrationOrder(mapped: MappedEvent): HandleRecord[] {
  return [...mapped.files, mapped.dataset];
}

/**
 * A record as one JSON text, `{"handle":…,"URL":…,"data":…}` (and `"retraction":…` when it
 * is marked): how a record travels between threads and how a dry-run line begins.
 */
export function recordText(record: HandleRecord): string {
  const { handle, URL, data, retraction } = record;
  return JSON.stringify(retraction ? { handle, URL, data, retraction } : { handle, URL, data });
}

/** The record of a {@linkcode recordText}. */
export function recordFromText(text: string): HandleRecord {
  return JSON.parse(text) as HandleRecord;
}

/** Whether a record is marked to amend an existing record (a retracted dataset's). */
export function amendsIfExists(record: HandleRecord): boolean {
  return record.retraction === AMEND_IF_EXISTS;
}

/**
 * The values of an existing record amended by a retraction: every value kept as it is
 * (indexes, `HS_ADMIN` and all), and `RETRACTED_ON` added at the first free index after the
 * record's last one below {@linkcode ADMIN_INDEX}. `undefined` when the record already holds
 * a `RETRACTED_ON`: the first retraction time stands.
 */
export function amendedValues(
  values: readonly HandleValue[],
  retractedOn: string,
): HandleValue[] | undefined {
  if (values.some((value) => value.type === "RETRACTED_ON")) return undefined;
  const used = new Set(values.map((value) => value.index));
  let index = 1 + Math.max(1, ...values.map((v) => v.index).filter((i) => i < ADMIN_INDEX));
  while (used.has(index)) index++;
  return [
    ...values,
    { index, type: "RETRACTED_ON", data: { format: "string", value: retractedOn } },
  ];
}

/**
 * A record amended by a retraction as {@linkcode amendedValues} amends its values: the same
 * fields, with `RETRACTED_ON` added after the others unless it holds one.
 */
export function amendedRecord(record: HandleRecord, retractedOn: string): HandleRecord {
  if (Object.hasOwn(record.data, "RETRACTED_ON")) return record;
  return {
    handle: record.handle,
    URL: record.URL,
    data: { ...record.data, RETRACTED_ON: retractedOn },
  };
}

/**
 * An event mapped on another thread: its records already as {@linkcode recordText}s, in
 * registration order (files first, then the dataset), so that a registrar writing JSON
 * takes them as they are.
 */
export interface RenderedEvent extends Omit<MappedEvent, "dataset" | "files"> {
  /** The records in registration order, each as its {@linkcode recordText}. */
  records: string[];
}

/** Whether a value counts as empty (null, undefined, "", [], {}) and is left out. */
export function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value as object).length === 0;
  return false;
}

/** Handle value as the REST API takes it. */
export interface HandleValue {
  /** Position of the value in the record. */
  index: number;
  /** Field name. */
  type: string;
  /** Typed data. */
  data: { format: string; value: unknown };
}

/** Index of the `HS_ADMIN` value. */
export const ADMIN_INDEX = 100;

/** Encodes a field value as Handle data text: strings as is, numbers as decimal text, lists and objects as compact JSON. */
export function encodeValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  return JSON.stringify(value);
}

/**
 * The Handle values of a record: `URL` at index 1, the other fields at 2, 3, ... in
 * their order, and `HS_ADMIN` at index 100 for the given prefix.
 */
export function toHandleValues(record: HandleRecord, options: { prefix: string }): HandleValue[] {
  const values: HandleValue[] = [
    { index: 1, type: "URL", data: { format: "string", value: record.URL } },
  ];
  let index = 2;
  for (const [type, value] of Object.entries(record.data)) {
    if (isEmptyValue(value)) continue;
    values.push({ index, type, data: { format: "string", value: encodeValue(value) } });
    index++;
  }
  values.push({
    index: ADMIN_INDEX,
    type: "HS_ADMIN",
    data: {
      format: "admin",
      value: { handle: `0.NA/${options.prefix}`, index: 200, permissions: "011111110011" },
    },
  });
  return values;
}
