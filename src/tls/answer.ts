/**
 * The request-and-whole-answer contract of a transport (`Transport.request`): a request
 * with a string body and a timeout, an answer with status, headers and text. Our HTTP/1.1
 * client (`http1.ts`) keeps it without Fetch objects; {@linkcode fetchAnswer} keeps it over
 * `fetch`.
 *
 * @module
 */

/** A request sent and answered whole (`Transport.request`). */
export interface TransportRequest {
  /** The method, e.g. `PUT`. */
  method: string;
  /** Request headers; `Host` and `Content-Length` are the client's. */
  headers?: Record<string, string>;
  /** A body, sent as UTF-8. */
  body?: string;
  /** Fails with a `TimeoutError` `DOMException` when no whole answer came in this time. */
  timeoutMs?: number;
}

/** A whole answer, its body read as UTF-8 text. */
export interface TransportAnswer {
  /** The HTTP status. */
  status: number;
  /** The answer's headers (`get` takes any case). */
  headers: { get(name: string): string | null };
  /** The body as text. */
  text: string;
  /** Time spent opening a new connection for this request, ms (0 or absent: one reused). */
  connectMs?: number;
}

/**
 * The contract of `Transport.request` over the global `fetch` (or `send`): the whole
 * answer as text, a `TimeoutError` after `timeoutMs`.
 */
export async function fetchAnswer(
  url: string,
  request: TransportRequest,
  send: (url: string, init: RequestInit) => Promise<Response> = fetch,
): Promise<TransportAnswer> {
  const response = await send(url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: request.timeoutMs === undefined ? undefined : AbortSignal.timeout(request.timeoutMs),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}
