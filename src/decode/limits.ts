/**
 * Bounds on the work one event may cause, checked on its text before it is parsed:
 * its size in UTF-8 bytes and how deeply its JSON nests. Both checks are one linear
 * pass without recursion, so that no event can exhaust the stack or the memory.
 *
 * @module
 */

/** Default of `consumer.max_event_bytes`: 32 MiB. */
export const DEFAULT_MAX_EVENT_BYTES = 32 * 1024 * 1024;

/**
 * The deepest JSON nesting an event may have. Real events nest about ten levels;
 * far deeper values can overflow the stack of recursive JSON code.
 */
export const MAX_JSON_DEPTH = 100;

/** Limits of an event's text. */
export interface EventLimits {
  /** The largest event, in UTF-8 bytes. */
  maxEventBytes: number;
  /** The deepest nesting of arrays and objects. */
  maxDepth: number;
}

/** The default limits. */
export const DEFAULT_EVENT_LIMITS: EventLimits = {
  maxEventBytes: DEFAULT_MAX_EVENT_BYTES,
  maxDepth: MAX_JSON_DEPTH,
};

/** The length of a text in UTF-8 bytes (a lone surrogate counts 3, as it is written as U+FFFD). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Whether a text is longer than `max` UTF-8 bytes, without counting more than needed. */
export function exceedsBytes(text: string, max: number): boolean {
  if (text.length > max) return true;
  if (text.length * 3 <= max) return false;
  return utf8Length(text) > max;
}

/** Where a JSON text nests deeper than allowed. */
export interface DepthExcess {
  /** The character offset of the bracket that went too deep. */
  offset: number;
  /** The limit. */
  maxDepth: number;
}

/**
 * Scans a JSON text once for `[` and `{` outside strings and returns where the
 * nesting first goes deeper than `maxDepth`, or `undefined`. The text need not be
 * valid JSON: the scan only counts brackets.
 */
export function findDepthExcess(text: string, maxDepth: number): DepthExcess | undefined {
  // Nesting deeper than `maxDepth` takes more than `maxDepth` opening brackets: counted
  // natively first, most events are done without the scan.
  if (!moreThan(text, "{", "[", maxDepth)) return undefined;
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Jump to the closing quote (natively): the first not escaped by an odd run of backslashes.
      let end = i;
      for (;;) {
        end = text.indexOf('"', end + 1);
        if (end < 0) return undefined; // an open string: not JSON, and no deeper nesting after it
        let k = end - 1;
        while (text.charCodeAt(k) === 0x5c) k--;
        if ((end - 1 - k) % 2 === 0) break;
      }
      i = end;
    } else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > maxDepth) return { offset: i, maxDepth };
    } else if (c === 0x5d || c === 0x7d) {
      if (depth > 0) depth--;
    }
  }
  return undefined;
}

/** Whether `text` holds more than `max` of the characters `a` and `b` together. */
function moreThan(text: string, a: string, b: string, max: number): boolean {
  let count = 0;
  for (const c of [a, b]) {
    for (let i = text.indexOf(c); i >= 0; i = text.indexOf(c, i + 1)) {
      if (++count > max) return true;
    }
  }
  return false;
}

/** The one-line reason why a text breaks a limit, or `undefined` when it keeps them. */
export function limitProblem(text: string, limits: EventLimits): string | undefined {
  if (exceedsBytes(text, limits.maxEventBytes)) {
    return `event is ${
      utf8Length(text)
    } bytes, over consumer.max_event_bytes = ${limits.maxEventBytes}`;
  }
  const excess = findDepthExcess(text, limits.maxDepth);
  if (excess !== undefined) {
    return `JSON nests deeper than ${excess.maxDepth} levels (at character ${excess.offset})`;
  }
  return undefined;
}
