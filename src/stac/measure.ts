/**
 * Measures a JSON value without recursion: the approximate length of its JSON text
 * and its nesting depth, stopping as soon as a limit is passed.
 *
 * @module
 */

/** Limits of {@linkcode measureJson}. */
export interface MeasureLimits {
  /** Stop once the text would be longer than this. */
  maxBytes: number;
  /** Stop once the value nests deeper than this. */
  maxDepth: number;
}

/** What {@linkcode measureJson} found. */
export interface Measure {
  /** The approximate JSON length (exact for ASCII text), as far as measured. */
  bytes: number;
  /** Whether a limit was passed (then `bytes` is a lower bound). */
  over: boolean;
}

/** Measures `value` as JSON; a value deeper than `maxDepth` or longer than `maxBytes` is over. */
export function measureJson(value: unknown, limits: MeasureLimits): Measure {
  let bytes = 0;
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: next, depth } = stack.pop()!;
    if (typeof next === "string") bytes += next.length + 2;
    else if (typeof next === "number" || typeof next === "boolean") bytes += String(next).length;
    else if (next === null || next === undefined) bytes += 4;
    else if (typeof next === "object") {
      if (depth + 1 > limits.maxDepth) return { bytes, over: true };
      if (Array.isArray(next)) {
        bytes += 2 + next.length;
        if (bytes > limits.maxBytes) return { bytes, over: true };
        for (const element of next) stack.push({ value: element, depth: depth + 1 });
      } else {
        const entries = Object.entries(next as Record<string, unknown>);
        bytes += 2 + entries.length;
        if (bytes > limits.maxBytes) return { bytes, over: true };
        for (const [key, element] of entries) {
          bytes += key.length + 3;
          stack.push({ value: element, depth: depth + 1 });
        }
      }
    }
    if (bytes > limits.maxBytes) return { bytes, over: true };
  }
  return { bytes, over: false };
}
