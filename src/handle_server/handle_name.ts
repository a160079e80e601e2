/**
 * Handle names as they appear in the REST resource path `/api/handles/{prefix}/{suffix}`.
 *
 * @module
 */

/** A handle split into its prefix and suffix. */
export interface HandleName {
  /** The prefix, e.g. "21.TEST". */
  prefix: string;
  /** The suffix (local name), percent-decoded. */
  suffix: string;
  /** The whole handle, `prefix/suffix`. */
  handle: string;
}

/** A handle name that cannot be valid (responseCode 102). */
export class InvalidHandleError extends Error {
  /** Creates the error with a one-line reason. */
  constructor(reason: string) {
    super(reason);
    this.name = "InvalidHandleError";
  }
}

const MAX_HANDLE_LENGTH = 4096;

/**
 * Parses the percent-encoded handle part of a resource path (what follows
 * `/api/handles/`). The first `/` separates prefix and suffix; the suffix may hold
 * further `/` and percent-encoded reserved characters.
 *
 * @throws {InvalidHandleError} when the text is not percent-decodable, lacks a `/`,
 *   has an empty prefix or suffix, or holds control characters.
 */
export function parseHandlePath(encoded: string): HandleName {
  let text: string;
  try {
    text = decodeURIComponent(encoded);
  } catch {
    throw new InvalidHandleError("the handle is not validly percent-encoded");
  }
  return parseHandle(text);
}

/**
 * Parses a decoded handle `prefix/suffix`.
 *
 * @throws {InvalidHandleError} as {@link parseHandlePath}.
 */
export function parseHandle(text: string): HandleName {
  const slash = text.indexOf("/");
  if (slash < 0) throw new InvalidHandleError("a handle needs a prefix and a suffix");
  const prefix = text.slice(0, slash);
  const suffix = text.slice(slash + 1);
  if (prefix === "") throw new InvalidHandleError("the handle has an empty prefix");
  if (suffix === "") throw new InvalidHandleError("the handle has an empty suffix");
  if (text.length > MAX_HANDLE_LENGTH) throw new InvalidHandleError("the handle is too long");
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) {
    throw new InvalidHandleError("the handle holds control characters");
  }
  if (/\s/.test(prefix)) throw new InvalidHandleError("the prefix holds white space");
  return { prefix, suffix, handle: text };
}

/** Whether two prefixes name the same prefix (ASCII case-insensitive, as Handle.Net does). */
export function samePrefix(a: string, b: string): boolean {
  return a.toUpperCase() === b.toUpperCase();
}
