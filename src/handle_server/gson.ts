/**
 * JSON read the way the Handle.Net server reads it (Gson): numbers keep their literal
 * text, and the coercions of Gson's `getAsInt`, `getAsString` and `getAsBoolean` apply
 * (a numeric string is an int, a number is a string of its own text, a one-element array
 * stands for its element).
 *
 * @module
 */

/** A JSON number with its literal text, as Gson's `LazilyParsedNumber` keeps it. */
export class JsonNumber {
  /** The number as written in the document, e.g. "1.50". */
  readonly text: string;

  /** Wraps a number's literal text. */
  constructor(text: string) {
    this.text = text;
  }
}

/** Thrown when an element cannot be read as asked (the codec refuses the document). */
export class GsonError extends Error {
  /** The Java exception the real server's codec throws here, e.g. "java.lang.NullPointerException". */
  readonly javaClass: string;

  /** Creates the error with a one-line reason and the Java exception class it stands for. */
  constructor(reason: string, javaClass: string = ILLEGAL_STATE) {
    super(reason);
    this.name = "GsonError";
    this.javaClass = javaClass;
  }
}

const ILLEGAL_STATE = "java.lang.IllegalStateException";
/** Java's exception for a missing element. */
export const NULL_POINTER = "java.lang.NullPointerException";
/** Java's exception for text that is not a number. */
export const NUMBER_FORMAT = "java.lang.NumberFormatException";
/** Java's exception for text the codec cannot parse (a time, a data format). */
export const PARSE = "java.text.ParseException";

/** The Java exception Gson throws when an element of this kind is read as a primitive. */
function wrongKind(element: unknown): string {
  if (element === undefined) return NULL_POINTER;
  if (element === null || isJsonObject(element)) return "java.lang.UnsupportedOperationException";
  return ILLEGAL_STATE;
}

/**
 * Parses JSON text; every number becomes a {@link JsonNumber} holding its literal text.
 *
 * @throws {SyntaxError} when the text is not JSON.
 */
export function parseJson(text: string): unknown {
  return JSON.parse(
    text,
    (_key, value, context?: { source?: string }) =>
      typeof value === "number" ? new JsonNumber(context?.source ?? String(value)) : value,
  );
}

/** A plain object (not an array, number wrapper or null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof JsonNumber);
}

/** Whether an element is a Gson primitive: a string, number or boolean. */
export function isPrimitive(value: unknown): boolean {
  return typeof value === "string" || typeof value === "boolean" || typeof value === "number" ||
    value instanceof JsonNumber;
}

/** Gson's `getAsString`. */
export function asString(element: unknown, what: string): string {
  if (typeof element === "string") return element;
  if (element instanceof JsonNumber) return element.text;
  if (typeof element === "number") return String(element);
  if (typeof element === "boolean") return String(element);
  if (Array.isArray(element) && element.length === 1) return asString(element[0], what);
  throw new GsonError(`${what} is ${describe(element)}, not a string`, wrongKind(element));
}

/** Gson's `getAsInt`: Java int semantics, including its wrap-around of larger numbers. */
export function asInt(element: unknown, what: string): number {
  if (element instanceof JsonNumber) return numberToInt(element.text, what);
  if (typeof element === "number") return numberToInt(String(element), what);
  if (typeof element === "string") {
    const parsed = parseJavaInt(element);
    if (parsed === undefined) {
      throw new GsonError(`${what} is not an integer: ${element}`, NUMBER_FORMAT);
    }
    return parsed;
  }
  if (Array.isArray(element) && element.length === 1) return asInt(element[0], what);
  throw new GsonError(`${what} is ${describe(element)}, not an integer`, wrongKind(element));
}

/** Gson's `getAsBoolean`: a string or number is true only when it reads "true". */
export function asBoolean(element: unknown, what: string): boolean {
  if (typeof element === "boolean") return element;
  if (Array.isArray(element) && element.length === 1) return asBoolean(element[0], what);
  if (isPrimitive(element)) return asString(element, what).toLowerCase() === "true";
  throw new GsonError(`${what} is ${describe(element)}, not a boolean`, wrongKind(element));
}

/** Java's `Integer.parseInt`: optional sign, decimal digits, within the int range. */
export function parseJavaInt(text: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const value = BigInt(text);
  if (value < -2147483648n || value > 2147483647n) return undefined;
  return Number(value);
}

/** The int a Gson number gives: `Integer`, then `(int) Long`, then `BigDecimal.intValue()`. */
function numberToInt(text: string, what: string): number {
  const match = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/.exec(text);
  if (match === null) throw new GsonError(`${what} is not a number: ${text}`, NUMBER_FORMAT);
  const [, sign, whole, fraction = "", exponent = "0"] = match;
  let magnitude = BigInt(whole + fraction);
  const scale = Number(exponent) - fraction.length;
  if (scale >= 0) magnitude = scale > 64 ? 0n : magnitude * 10n ** BigInt(scale);
  else magnitude = -scale > 400 ? 0n : magnitude / 10n ** BigInt(-scale);
  return Number(BigInt.asIntN(32, sign === "-" ? -magnitude : magnitude));
}

function describe(element: unknown): string {
  if (element === undefined) return "missing";
  if (element === null) return "null";
  if (Array.isArray(element)) return "an array";
  return typeof element === "object" ? "an object" : typeof element;
}
