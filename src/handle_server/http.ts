/**
 * Handle protocol response codes and the JSON answers of the handle server.
 *
 * @module
 */

/** Handle protocol response codes used by the server. */
export const ResponseCode = {
  SUCCESS: 1,
  ERROR: 2,
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

  /** Creates the error. */
  constructor(status: number, responseCode: number, message: string, handle?: string) {
    super(message);
    this.status = status;
    this.responseCode = responseCode;
    this.handle = handle;
  }
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
    const body: Record<string, unknown> = { responseCode: error.responseCode };
    if (error.handle !== undefined) body.handle = error.handle;
    body.message = error.message;
    const headers: Record<string, string> = error.status === 401
      ? { "www-authenticate": 'Basic realm="handle"' }
      : {};
    return json(error.status, body, headers);
  }
  const message = error instanceof Error ? error.message : String(error);
  return json(500, {
    responseCode: ResponseCode.ERROR,
    message: `server error: ${message.replace(/\s+/g, " ")}`,
  });
}
