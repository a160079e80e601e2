/**
 * Handle values as the Handle REST API carries them, read and written back exactly as the
 * Handle.Net server's codec (`net.handle.hdllib.GsonUtility`) does: a request value is
 * decoded to bytes (index, type, data, permissions, ttl, references) and answered in the
 * codec's normal form. `tools/handle_codec/` runs the real codec as this module's oracle.
 *
 * Read as the codec reads: `index` a number (Java int semantics) or numeric string;
 * `type` any primitive; `data` a primitive (its text; a bare number keeps its literal
 * text) or `{format, value}` with format string, base64, hex, admin or vlist (case
 * ignored); `permissions` the bits `adminRead adminWrite publicRead publicWrite`; `ttl` a
 * number (relative) or a time (absolute); `timestamp` a time; `references` a list of
 * `{handle, index}`. Refused: a value without index or type, data missing or null, data
 * an object without format or value, an unknown format. Formats "site" and "key" are
 * refused by this server, which does not implement their binary forms.
 *
 * @module
 */

import {
  type AdminRecord,
  decodeAdminRecord,
  decodeValueReferences,
  encodeAdminRecord,
  encodeValueReferences,
  fromBase64Lenient,
  fromHex,
  fromUtf8,
  looksLikeBinary,
  toBase64,
  utf8,
  type ValueReference,
} from "./binary.ts";
import {
  asBoolean,
  asInt,
  asString,
  GsonError,
  isJsonObject,
  isPrimitive,
  JsonNumber,
  NULL_POINTER,
  PARSE,
  parseJavaInt,
} from "./gson.ts";

/** The time to live every stored value gets unless the request gives one. */
export const DEFAULT_TTL = 86400;

/** The data of a handle value in its response form. */
export interface HandleData {
  /** The data format: "string", "base64", "admin" or "vlist". */
  format: string;
  /** The value; a string, an admin object or a list of references. */
  value: unknown;
}

/** A stored handle value, in the shape every response uses. */
export interface HandleValue {
  /** The value's index. */
  index: number;
  /** The value's type, e.g. "URL" or "HS_ADMIN". */
  type: string;
  /** The value's data. */
  data: HandleData;
  /** The permission bits `adminRead adminWrite publicRead publicWrite`, when not "1110". */
  permissions?: string;
  /** Time to live: seconds (relative) or an ISO 8601 time (absolute). */
  ttl: number | string;
  /** When the value was last written, ISO 8601 without milliseconds. */
  timestamp: string;
  /** References to other values, when any. */
  references?: ValueReference[];
}

/** A request value the codec refuses (the real server answers 400, responseCode 4). */
export class InvalidValueError extends Error {
  /** The Java exception the real server names, e.g. "java.lang.NullPointerException". */
  readonly javaClass: string;
  /** The index given twice, when that is the fault (the real server answers 409/201). */
  readonly duplicateIndex?: number;

  /** Creates the error with a one-line reason. */
  constructor(reason: string, options: { javaClass?: string; duplicateIndex?: number } = {}) {
    super(reason);
    this.name = "InvalidValueError";
    this.javaClass = options.javaClass ?? "java.lang.IllegalStateException";
    this.duplicateIndex = options.duplicateIndex;
  }
}

/** The codec's time format: ISO 8601 in UTC without milliseconds. */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.[0-9]{3}Z$/, "Z");
}

/**
 * Reads the values of a PUT body (`{"values":[...]}`, a bare array, or a single value),
 * parsed with numbers as {@link JsonNumber} or plain numbers. Every value gets the
 * timestamp `now`; they keep the order given, as the real server stores a whole record.
 *
 * @throws {InvalidValueError} when the codec refuses a value or an index repeats.
 */
export function parseValues(body: unknown, now: Date): HandleValue[] {
  let items: unknown[];
  if (Array.isArray(body)) {
    items = body;
  } else if (isJsonObject(body) && "values" in body) {
    if (!Array.isArray(body.values)) throw new InvalidValueError("'values' is not an array");
    items = body.values;
  } else if (isJsonObject(body) && "index" in body) {
    items = [body];
  } else {
    throw new InvalidValueError("the body holds no handle values");
  }
  const seen = new Set<number>();
  const values = items.map((item, position) => {
    let value: HandleValue;
    try {
      value = parseValue(item, now);
    } catch (error) {
      if (error instanceof GsonError) {
        throw new InvalidValueError(`value ${position}: ${error.message}`, {
          javaClass: error.javaClass,
        });
      }
      throw error;
    }
    if (seen.has(value.index)) {
      throw new InvalidValueError(`index ${value.index} occurs more than once`, {
        duplicateIndex: value.index,
      });
    }
    seen.add(value.index);
    return value;
  });
  return values;
}

/** Parses a value index given as text (query parameters); undefined when it is not one. */
export function parseIndex(text: string): number | undefined {
  return parseJavaInt(text);
}

/** Orders handle values by index. */
export function byIndex(a: HandleValue, b: HandleValue): number {
  return a.index - b.index;
}

/** Whether the public (unauthenticated) may read a value. */
export function publicReadable(value: HandleValue): boolean {
  return value.permissions === undefined || value.permissions[2] === "1";
}

function parseValue(item: unknown, now: Date): HandleValue {
  if (!isJsonObject(item)) throw new GsonError("not an object");
  const index = asInt(item.index, "index");
  const type = asString(item.type, "type");
  const data = answerData(type, decodeData(item.data));
  const value: HandleValue = { index, type, data } as HandleValue;
  if ("permissions" in item) {
    const permissions = readPermissions(asString(item.permissions, "permissions"));
    if (permissions !== "1110") value.permissions = permissions;
  }
  value.ttl = "ttl" in item ? readTtl(item.ttl) : DEFAULT_TTL;
  if ("timestamp" in item) readTime(asString(item.timestamp, "timestamp"), "timestamp");
  value.timestamp = formatTimestamp(now);
  const references = item.references;
  if (references !== undefined && references !== null) {
    if (!Array.isArray(references)) throw new GsonError("references is not an array");
    const list = references.map(readReference);
    if (list.length > 0) value.references = list;
  }
  return value;
}

/** The value's bytes, as `GsonUtility.deserializeData` makes them. */
function decodeData(data: unknown): Uint8Array {
  if (data === undefined) throw new GsonError("data is missing", NULL_POINTER);
  if (isPrimitive(data)) return utf8(asString(data, "data"));
  if (!isJsonObject(data)) throw new GsonError("data is neither a primitive nor an object");
  const format = asString(data.format, "data format");
  const value = data.value;
  switch (format.toLowerCase()) {
    case "string":
      return utf8(asString(value, "data value"));
    case "base64":
      return fromBase64Lenient(asString(value, "data value"));
    case "hex": {
      const bytes = fromHex(asString(value, "data value"));
      if (bytes === undefined) throw new GsonError("data value is not hex");
      return bytes;
    }
    case "admin":
      return encodeAdminRecord(readAdmin(value));
    case "vlist":
      if (!Array.isArray(value)) throw new GsonError("vlist data is not an array");
      return encodeValueReferences(value.map(readReference));
    case "site":
    case "key":
      throw new GsonError(`data format "${format}" is not supported by this server`);
    default:
      throw new GsonError(`unexpected data format "${format}"`, PARSE);
  }
}

/** The data as `GsonUtility.serializeData` answers it, by the value's type. */
function answerData(type: string, bytes: Uint8Array): HandleData {
  const upper = type.toUpperCase();
  if (upper === "HS_ADMIN") {
    const admin = decodeAdminRecord(bytes);
    if (admin !== undefined) {
      const permissions = admin.permissions.map((bit) => (bit ? "1" : "0")).reverse().join("");
      return { format: "admin", value: { handle: admin.handle, index: admin.index, permissions } };
    }
  } else if (upper === "HS_VLIST") {
    const references = decodeValueReferences(bytes);
    if (references !== undefined) return { format: "vlist", value: references };
  }
  if (looksLikeBinary(bytes)) return { format: "base64", value: toBase64(bytes) };
  return { format: "string", value: fromUtf8(bytes) };
}

function readAdmin(value: unknown): AdminRecord {
  if (!isJsonObject(value)) throw new GsonError("admin data is not an object");
  const handle = asString(value.handle, "admin handle");
  const index = asInt(value.index, "admin index");
  if (value.legacyByteLength !== undefined && value.legacyByteLength !== null) {
    if (asBoolean(value.legacyByteLength, "legacyByteLength")) {
      throw new GsonError("legacyByteLength admin records are not supported by this server");
    }
  }
  return { handle, index, permissions: adminPermissions(value.permissions) };
}

function adminPermissions(element: unknown): boolean[] {
  const none = new Array<boolean>(12).fill(false);
  if (element === undefined || element === null) return none;
  if (typeof element === "boolean") return none.map(() => element);
  if (Array.isArray(element)) return none.map((_, i) => truthy(element[i]));
  if (typeof element === "string") return bitsFromText(element);
  if (element instanceof JsonNumber || typeof element === "number") {
    return bitsFromText((asInt(element, "admin permissions") >>> 0).toString(2));
  }
  throw new GsonError("admin permissions is an object");
}

function bitsFromText(text: string): boolean[] {
  if (text === "*") return new Array<boolean>(12).fill(true);
  return Array.from({ length: 12 }, (_, i) => text[text.length - 1 - i] === "1");
}

function truthy(element: unknown): boolean {
  if (element === undefined || element === null) return false;
  if (typeof element === "boolean") return element;
  if (typeof element === "string") return element !== "";
  if (element instanceof JsonNumber || typeof element === "number") {
    const number = Number(element instanceof JsonNumber ? element.text : element);
    return !Number.isNaN(number) && number !== 0;
  }
  return true;
}

/** `adminRead adminWrite publicRead publicWrite` after the codec's reading of the text. */
function readPermissions(text: string): string {
  const bits = { adminRead: true, adminWrite: true, publicRead: true, publicWrite: false };
  if (text === "*") {
    bits.adminRead =
      bits.adminWrite =
      bits.publicRead =
      bits.publicWrite =
        true;
  } else {
    const at = (back: number): boolean => text[text.length - back] === "1";
    if (text.length > 1) bits.publicWrite = at(1);
    if (text.length > 2) bits.publicRead = at(2);
    if (text.length > 3) bits.adminWrite = at(3);
    if (text.length > 4) bits.adminRead = at(4);
  }
  return [bits.adminRead, bits.adminWrite, bits.publicRead, bits.publicWrite]
    .map((bit) => (bit ? "1" : "0")).join("");
}

function readTtl(element: unknown): number | string {
  if (typeof element === "string") return formatTimestamp(readTime(element, "ttl"));
  if (element instanceof JsonNumber || typeof element === "number") return asInt(element, "ttl");
  throw new GsonError("ttl is neither a number nor a time");
}

function readReference(element: unknown): ValueReference {
  if (!isJsonObject(element)) throw new GsonError("a reference is not an object");
  return {
    handle: asString(element.handle, "reference handle"),
    index: asInt(element.index, "reference index"),
  };
}

const TIME =
  /^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]+))?)?)?)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?$/;

/** Reads an ISO 8601 time as the codec's date parser does (parts from the year on). */
function readTime(text: string, what: string): Date {
  const match = TIME.exec(text);
  if (match === null) throw new GsonError(`${what} is not a time: ${text}`, PARSE);
  const [, year, month = "1", day = "1", hour = "0", minute = "0", second = "0", , zone] = match;
  let ms = Date.UTC(+year, +month - 1, +day, +hour, +minute, +second);
  if (zone !== undefined && zone !== "Z") {
    const digits = zone.replace(":", "");
    const offset = (+digits.slice(1, 3) * 60 + +digits.slice(3, 5)) * 60_000;
    ms += digits[0] === "+" ? -offset : offset;
  }
  if (Number.isNaN(ms)) throw new GsonError(`${what} is not a time: ${text}`, PARSE);
  return new Date(ms);
}
