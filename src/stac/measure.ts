/**
 * Measures a JSON value without recursion: the approximate length of its JSON text plus
 * {@linkcode NODE_BYTES} for every object and array (what it takes in memory: an empty array
 * is 2 bytes of text but some 20 in memory), and its nesting depth, stopping as soon as a
 * limit is passed.
 *
 * @module
 */

/**
 * What each object and array adds to the measure, besides its text: a value made of many
 * small objects or arrays takes far more memory than its text, and the size limit bounds the
 * memory a patch can take.
 */
export const NODE_BYTES = 32;

/** Limits of {@linkcode measureJson}. */
export interface MeasureLimits {
  /** Stop once the text would be longer than this. */
  maxBytes: number;
  /** Stop once the value nests deeper than this. */
  maxDepth: number;
}

/** What {@linkcode measureJson} found. */
export interface Measure {
  /**
   * The approximate JSON length (exact for ASCII text) plus {@linkcode NODE_BYTES} per object
   * or array, as far as measured.
   */
  bytes: number;
  /** Whether a limit was passed (then `bytes` is a lower bound). */
  over: boolean;
}

/** Measures `value` as JSON; a value deeper than `maxDepth` or longer than `maxBytes` is over. */
export function measureJson(value: unknown, limits: MeasureLimits): Measure {
  let bytes = 0;
  // values still to measure and their depths, side by side (no object per entry)
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const next = values.pop();
    const depth = depths.pop()!;
    if (typeof next === "string") bytes += next.length + 2;
    else if (typeof next === "number" || typeof next === "boolean") bytes += String(next).length;
    else if (next === null || next === undefined) bytes += 4;
    else if (typeof next === "object") {
      if (depth + 1 > limits.maxDepth) return { bytes, over: true };
      bytes += 2 + NODE_BYTES;
      if (Array.isArray(next)) {
        bytes += next.length;
        if (bytes > limits.maxBytes) return { bytes, over: true };
        for (const element of next) {
          values.push(element);
          depths.push(depth + 1);
        }
      } else {
        const object = next as Record<string, unknown>;
        for (const key in object) {
          if (!Object.hasOwn(object, key)) continue;
          bytes += key.length + 4;
          values.push(object[key]);
          depths.push(depth + 1);
          if (bytes > limits.maxBytes) return { bytes, over: true };
        }
      }
    }
    if (bytes > limits.maxBytes) return { bytes, over: true };
  }
  return { bytes, over: false };
}
