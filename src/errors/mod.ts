/**
 * The classes of trouble an event can meet on its way through the pipeline.
 * Each class decides what happens to the event: see `docs/events.md`.
 *
 * @module
 */

/** A fault of the event itself: it is written to a failure file and the run goes on. */
export class PermanentError extends Error {
  /**
   * Creates a permanent error with a one-line reason that names the field or asset;
   * the reason is cut to {@linkcode MAX_REASON_CHARS}.
   */
  constructor(reason: string, options?: ErrorOptions) {
    super(reasonLine(reason), options);
    this.name = "PermanentError";
  }
}

/**
 * A fault of a service the event needs (STAC API, Handle service, search index):
 * retried with backoff; then the run stops (default) or the event is skipped (`--force`).
 */
export class TransientError extends Error {
  /** Creates a transient error; the reason is one line, cut to {@linkcode MAX_REASON_CHARS}. */
  constructor(reason: string, options?: ErrorOptions) {
    super(reasonLine(reason), options);
    this.name = "TransientError";
  }
}

/**
 * A fault of the configuration (bad credentials, forbidden prefix): the run stops at
 * once and nothing more is committed.
 */
export class ConfigurationError extends Error {
  /** Creates a configuration error; the reason is one line and never holds a secret. */
  constructor(reason: string, options?: ErrorOptions) {
    super(oneLine(reason), options);
    this.name = "ConfigurationError";
  }
}

/** Folds a text to a single line, so that every reason fits one log or record line. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, " ").trim();
}

/** The longest reason of an event's outcome, in characters. */
export const MAX_REASON_CHARS = 300;

/**
 * A reason an operator can read: one line, at most `max` characters (a longer one is
 * cut and ends in `…`), lone surrogates replaced, other control characters escaped.
 */
export function reasonLine(text: string, max: number = MAX_REASON_CHARS): string {
  // A long value only needs its start: fold no more than the part that is kept.
  const head = text.length > 4 * max ? text.slice(0, 4 * max) : text;
  const line = oneLine(head).toWellFormed().replace(
    // deno-lint-ignore no-control-regex
    /[\x00-\x1f\x7f-\x9f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  if (line.length <= max && head === text) return line;
  return line.slice(0, max - 1).toWellFormed().replace(/\uFFFD$/, "") + "…";
}

/** The message of any thrown value, as one line. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return oneLine(error.message || error.name);
  return oneLine(String(error));
}

/**
 * A Deno permission refusal (`Deno.errors.NotCapable`, `PermissionDenied`, or an error
 * whose message or cause carries Deno's "run again with the --allow-… flag") as a
 * configuration error naming the flag to add; undefined for any other error. Retrying
 * cannot help and skipping would skip every event: the run must stop (exit 2).
 */
export function permissionRefusal(error: unknown, what?: string): ConfigurationError | undefined {
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 5; depth++) {
    const message = e instanceof Error ? e.message : String(e);
    const flag = /run again with the (--allow-[a-z-]+) flag/.exec(message)?.[1];
    const refused = e instanceof Deno.errors.NotCapable ||
      e instanceof Deno.errors.PermissionDenied;
    if (flag || refused) {
      const text = oneLine(message).replace(/,? run again with the --allow-[a-z-]+ flag/, "");
      return new ConfigurationError(
        `${what ? `${what}: ` : ""}permission refused: ${text}${
          flag ? `; run with ${flag} (or add it to the task or binary's permissions)` : ""
        }`,
        { cause: error },
      );
    }
    e = e instanceof Error ? e.cause : undefined;
  }
  return undefined;
}
