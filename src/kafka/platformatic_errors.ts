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

/** What a failed `@platformatic/kafka` connection comes down to. */
export interface PlatformaticCause {
  /** The broker's SASL error code name (e.g. `SASL_AUTHENTICATION_FAILED`), for SASL. */
  type?: string;
  /** The broker's own text, or the innermost error's message. */
  message: string;
  /** The innermost error's code (Node's, e.g. `SELF_SIGNED_CERT_IN_CHAIN`). */
  code?: string;
}

/**
 * The cause of a failed `@platformatic/kafka` connection under its wrappers ("Listing topics
 * failed." → "Cannot connect to any broker." → "Connection to … failed." → the reason), or
 * undefined for an error of another client. A SASL refusal keeps the broker's code and text.
 */
export function platformaticCause(error: unknown): PlatformaticCause | undefined {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== "string" || !code.startsWith("PLT_KFK_")) return undefined;
  let authentication: string | undefined;
  for (const e of nested(error)) {
    const { apiId, serverErrorMessage, code, message } = e as {
      apiId?: unknown;
      serverErrorMessage?: unknown;
      code?: unknown;
      message?: unknown;
    };
    if (typeof apiId === "string" && /SASL/.test(apiId)) {
      const text = typeof serverErrorMessage === "string" && serverErrorMessage
        ? serverErrorMessage
        : String(message);
      return { type: apiId, message: oneLine(text) };
    }
    if (code === "PLT_KFK_AUTHENTICATION") authentication ??= String(message);
  }
  if (authentication !== undefined) {
    const unsupported = /suitable SASL mechanism/i.test(authentication);
    return {
      type: unsupported ? "UNSUPPORTED_SASL_MECHANISM" : "SASL_AUTHENTICATION_FAILED",
      message: oneLine(authentication),
    };
  }
  // The innermost error: down the first of `errors`, then `cause`.
  let leaf = error as { errors?: unknown[]; cause?: unknown; message?: unknown; code?: unknown };
  for (let depth = 0; depth < 8; depth++) {
    const next = Array.isArray(leaf.errors) && leaf.errors.length > 0 ? leaf.errors[0] : leaf.cause;
    if (next === undefined || next === null) break;
    leaf = next as typeof leaf;
  }
  return {
    message: oneLine(String(leaf.message ?? leaf)),
    code: typeof leaf.code === "string" ? leaf.code : undefined,
  };
}
