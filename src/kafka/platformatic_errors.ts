/**
 * Reading `@platformatic/kafka`'s errors: a refused request is a `ResponseError` (an
 * `AggregateError`) whose `errors` are `ProtocolError`s, each naming the broker's error
 * code (`apiId`, e.g. `MESSAGE_TOO_LARGE`) and carrying its message; a failure of the
 * connection nests its reason in `cause`.
 *
 * @module
 */

/** The errors nested in `error` (itself first, then `errors`, then `cause`), depth-first. */
function* nested(error: unknown, depth = 0): Generator<unknown> {
  if (error === undefined || error === null || depth > 6) return;
  yield error;
  const inner = (error as { errors?: unknown }).errors;
  if (Array.isArray(inner)) { for (const e of inner) yield* nested(e, depth + 1); }
  yield* nested((error as { cause?: unknown }).cause, depth + 1);
}

/**
 * The broker's error code name a `@platformatic/kafka` error carries (e.g.
 * `MESSAGE_TOO_LARGE`), or undefined when it carries none.
 */
export function platformaticErrorCode(error: unknown): string | undefined {
  for (const e of nested(error)) {
    const id = (e as { apiId?: unknown }).apiId;
    if (typeof id === "string") return id;
  }
  return undefined;
}

/**
 * One line for a `@platformatic/kafka` error: the message of the broker's first error
 * when the request was refused (not the wrapper's "Received response with error…"), with
 * the broker's own text when it gave one; else the error's message.
 */
export function describePlatformaticError(error: unknown): string {
  for (const e of nested(error)) {
    if (typeof (e as { apiId?: unknown }).apiId !== "string") continue;
    const message = (e as Error).message;
    const server = (e as { serverErrorMessage?: unknown }).serverErrorMessage;
    return oneLine(typeof server === "string" && server ? `${message} (${server})` : message);
  }
  return oneLine(error instanceof Error ? error.message || error.name : String(error));
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
