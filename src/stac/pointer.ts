/**
 * JSON Pointers (RFC 6901) as a patch uses them: parsed into keys, refused when they go
 * through `__proto__`, `constructor` or `prototype`, and looked up without recursion.
 *
 * @module
 */

/** Keys a patch may not go through (its paths, `from`s and merge-patch members). */
export const REFUSED_PATH_SEGMENTS: ReadonlySet<string> = new Set([
  "__proto__",
  "constructor",
  "prototype",
]);

/** A parsed pointer: its keys, or why the text is not a JSON Pointer. */
export type ParsedPointer = { keys: string[] } | { problem: string };

/**
 * Parses a JSON Pointer: `""` (the whole document) or `/` followed by keys separated by
 * `/`, with `~1` for `/` and `~0` for `~`. Any other `~` makes it no JSON Pointer.
 */
export function parsePointer(pointer: unknown): ParsedPointer {
  if (typeof pointer !== "string") return { problem: "not a JSON Pointer" };
  if (pointer === "") return { keys: [] };
  if (!pointer.startsWith("/")) {
    return { problem: "not a JSON Pointer (it must be empty or begin with /)" };
  }
  const keys: string[] = [];
  for (const segment of pointer.slice(1).split("/")) {
    if (/~[^01]|~$/.test(segment)) {
      return { problem: "not a JSON Pointer (~ must be followed by 0 or 1)" };
    }
    keys.push(segment.replaceAll("~1", "/").replaceAll("~0", "~"));
  }
  return { keys };
}

/** The first refused key of a pointer's keys, if any. */
export function refusedKey(keys: readonly string[]): string | undefined {
  return keys.find((key) => REFUSED_PATH_SEGMENTS.has(key));
}

/** Whether a value is a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The index an array key names: decimal digits without a leading zero, below `max`
 * (inclusive with `allowEnd`); `-` is the end with `allowEnd`. -1 when it names none.
 */
export function arrayIndex(key: string, length: number, allowEnd: boolean): number {
  if (key === "-") return allowEnd ? length : -1;
  if (!/^(0|[1-9][0-9]{0,15})$/.test(key)) return -1;
  const index = Number(key);
  return index < length || (allowEnd && index === length) ? index : -1;
}

/** The value at a pointer's keys, or `undefined` when there is none. */
export function valueAt(
  document: unknown,
  keys: readonly string[],
): { value: unknown } | undefined {
  let node = document;
  for (const key of keys) {
    if (Array.isArray(node)) {
      const index = arrayIndex(key, node.length, false);
      if (index < 0) return undefined;
      node = node[index];
    } else if (isJsonObject(node) && Object.hasOwn(node, key)) {
      node = node[key];
    } else {
      return undefined;
    }
  }
  return { value: node };
}
