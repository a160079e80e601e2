/**
 * Handle values as the Handle REST API carries them: validation of request values and
 * their normalised, stored form.
 *
 * @module
 */

/** The time to live every stored value gets unless the request gives one. */
export const DEFAULT_TTL = 86400;

/** The data of a handle value in its response form. */
export interface HandleData {
  /** The data format: "string", "admin", "base64", "hex", "vlist", "site", ... */
  format: string;
  /** The value; a string for "string", an object for "admin". */
  value: unknown;
}

/** A stored handle value, in the shape every response uses. */
export interface HandleValue {
  /** The value's index, a positive integer unique within its record. */
  index: number;
  /** The value's type, e.g. "URL" or "HS_ADMIN". */
  type: string;
  /** The value's data. */
  data: HandleData;
  /** Time to live in seconds. */
  ttl: number;
  /** When the value was last written, as an ISO 8601 time. */
  timestamp: string;
}

/** A request value that cannot be accepted (responseCode 202). */
export class InvalidValueError extends Error {
  /** Creates the error with a one-line reason. */
  constructor(reason: string) {
    super(reason);
    this.name = "InvalidValueError";
  }
}

const MAX_INDEX = 2147483647;

/**
 * Reads the values of a PUT body: `{"values":[...]}`, a bare array, or a single value.
 * Data given as a bare string becomes `{format: "string", value}`. Every value gets the
 * timestamp `now`; the result is sorted by index.
 *
 * @throws {InvalidValueError} when a value lacks an index or type, an index is not a
 *   positive integer, an index repeats, or the data is malformed.
 */
export function parseValues(body: unknown, now: string): HandleValue[] {
  let items: unknown[];
  if (Array.isArray(body)) {
    items = body;
  } else if (isObject(body) && "values" in body) {
    if (!Array.isArray(body.values)) throw new InvalidValueError("'values' is not an array");
    items = body.values;
  } else if (isObject(body) && "index" in body) {
    items = [body];
  } else {
    throw new InvalidValueError("the body holds no handle values");
  }
  const seen = new Set<number>();
  const values = items.map((item, position) => {
    const value = parseValue(item, position, now);
    if (seen.has(value.index)) {
      throw new InvalidValueError(`index ${value.index} occurs more than once`);
    }
    seen.add(value.index);
    return value;
  });
  return values.sort(byIndex);
}

/** Parses a value index given as text (query parameters); undefined when it is not one. */
export function parseIndex(text: string): number | undefined {
  if (!/^[0-9]{1,10}$/.test(text)) return undefined;
  const index = Number(text);
  return index >= 1 && index <= MAX_INDEX ? index : undefined;
}

/** Orders handle values by index. */
export function byIndex(a: HandleValue, b: HandleValue): number {
  return a.index - b.index;
}

function parseValue(item: unknown, position: number, now: string): HandleValue {
  if (!isObject(item)) throw new InvalidValueError(`value ${position} is not an object`);
  const { index, type, data, ttl } = item;
  if (index === undefined) throw new InvalidValueError(`value ${position} has no index`);
  if (typeof index !== "number" || !Number.isInteger(index) || index < 1 || index > MAX_INDEX) {
    throw new InvalidValueError(`value ${position} has an invalid index: ${JSON.stringify(index)}`);
  }
  if (typeof type !== "string" || type.trim() === "") {
    throw new InvalidValueError(`value ${index} has no type`);
  }
  let lifetime = DEFAULT_TTL;
  if (ttl !== undefined) {
    if (typeof ttl !== "number" || !Number.isInteger(ttl) || ttl < 0) {
      throw new InvalidValueError(`value ${index} has an invalid ttl`);
    }
    lifetime = ttl;
  }
  return { index, type, data: parseData(data, index), ttl: lifetime, timestamp: now };
}

function parseData(data: unknown, index: number): HandleData {
  if (typeof data === "string") return { format: "string", value: data };
  if (!isObject(data)) throw new InvalidValueError(`value ${index} has no data`);
  const format = data.format === undefined ? "string" : data.format;
  if (typeof format !== "string" || format === "") {
    throw new InvalidValueError(`value ${index} has an invalid data format`);
  }
  const value = data.value;
  if (value === undefined) throw new InvalidValueError(`value ${index} has no data value`);
  if (format === "string" && typeof value !== "string") {
    throw new InvalidValueError(`value ${index}: format "string" needs a string value`);
  }
  if (format === "admin") checkAdmin(value, index);
  return { format, value };
}

function checkAdmin(value: unknown, index: number): void {
  const valid = isObject(value) && typeof value.handle === "string" && value.handle !== "" &&
    typeof value.index === "number" && Number.isInteger(value.index) &&
    typeof value.permissions === "string" && /^[01]{1,12}$/.test(value.permissions);
  if (!valid) {
    throw new InvalidValueError(
      `value ${index}: admin data needs a handle, an integer index and permission bits`,
    );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
