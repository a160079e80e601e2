/**
 * Handle protocol response codes and the JSON answers of the handle server.
 *
 * @module
 */

/** Handle protocol response codes used by the server. */
export const ResponseCode = {
  SUCCESS: 1,
  ERROR: 2,
  UNREADABLE: 4,
  OPERATION_NOT_SUPPORTED: 5,
  HANDLE_NOT_FOUND: 100,
  HANDLE_ALREADY_EXISTS: 101,
  INVALID_HANDLE: 102,
  VALUES_NOT_FOUND: 200,
  VALUE_ALREADY_EXISTS: 201,
  INVALID_VALUE: 202,
  SERVER_NOT_RESPONSIBLE: 301,
  INVALID_ADMIN: 400,
  INSUFFICIENT_PERMISSIONS: 401,
  AUTHENTICATION_NEEDED: 402,
} as const;

/** A request answered with an error status and a Handle response code. */
export class HttpError extends Error {
  /** The HTTP status. */
  readonly status: number;
  /** The Handle response code. */
  readonly responseCode: number;
  /** The handle the request named, if any. */
  readonly handle?: string;
  /** Whether the answer has no body at all (as the real server's 401 for failed credentials). */
  readonly empty: boolean;

  /**
   * Creates the error; an empty message is left out of the body, as the real server
   * leaves it out for most codes.
   */
  constructor(
    status: number,
    responseCode: number,
    message: string,
    handle?: string,
    options: { empty?: boolean } = {},
  ) {
    super(message);
    this.status = status;
    this.responseCode = responseCode;
    this.handle = handle;
    this.empty = options.empty ?? false;
  }
}

/** An error answered with a status and no body (failed credentials, session refusals). */
export function bodyless(status: number, reason: string): HttpError {
  return new HttpError(status, ResponseCode.ERROR, reason, undefined, { empty: true });
}

/**
 * An error answered 400 with responseCode 4 and a Java exception's text, as the real server
 * answers what it cannot read, e.g. "java.lang.Exception: Unsupported media type text/plain".
 */
export function javaError(status: number, javaMessage: string): HttpError {
  return new HttpError(status, ResponseCode.UNREADABLE, javaMessage);
}

/** The 409 answer to a value that exists already at an index (or is given twice). */
export function indexConflict(index: number, handle: string): HttpError {
  return new HttpError(
    409,
    ResponseCode.VALUE_ALREADY_EXISTS,
    `Index conflict for ${index}`,
    handle,
  );
}

/** A JSON response. */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json;charset=UTF-8", ...headers },
  });
}

/** The response for an error thrown while answering a request. */
export function errorResponse(error: unknown): Response {
  if (error instanceof HttpError) {
    if (error.empty) return new Response(null, { status: error.status });
    const body: Record<string, unknown> = { responseCode: error.responseCode };
    if (error.message !== "") body.message = error.message;
    if (error.handle !== undefined) body.handle = error.handle;
    return json(error.status, body);
  }
  const message = error instanceof Error ? error.message : String(error);
  return json(500, {
    responseCode: ResponseCode.ERROR,
    message: `server error: ${message.replace(/\s+/g, " ")}`,
  });
}
