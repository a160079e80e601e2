/**
 * Handle records: what a project plugin makes of an event and what a registrar
 * writes. The shape follows `docs/records.md`.
 *
 * @module
 */

/** Whether a record describes a dataset or one of its files. */
export type AggregationLevel = "DATASET" | "FILE";

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
 * A record as one JSON text, `{"handle":…,"URL":…,"data":…}`: how a record travels between
 * threads and how a dry-run line begins.
 */
export function recordText(record: HandleRecord): string {
  return JSON.stringify({ handle: record.handle, URL: record.URL, data: record.data });
}

/** The record of a {@linkcode recordText}. */
export function recordFromText(text: string): HandleRecord {
  return JSON.parse(text) as HandleRecord;
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
