/**
 * The bytes on the wire for `http1.ts`: a request's head and body out, and an answer read
 * back in: the status line, the headers (kept in a plain map, no Fetch `Headers` per
 * answer) and a body framed by `Content-Length`, chunked transfer coding or the end of the
 * connection.
 *
 * @module
 */

import { Buffer } from "node:buffer";

/** The headers of an answer, by lowercase name (repeated headers joined by ", "). */
export class AnswerHeaders {
  readonly #map = new Map<string, string>();

  /** The value of header `name` (any case), or null when the answer has none. */
  get(name: string): string | null {
    return this.#map.get(name.toLowerCase()) ?? null;
  }

  /** Adds a value, as a received header line. */
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const had = this.#map.get(key);
    this.#map.set(key, had === undefined ? value : `${had}, ${value}`);
  }

  /** The headers as name-value pairs (lowercase names). */
  entries(): IterableIterator<[string, string]> {
    return this.#map.entries();
  }
}

/** One whole answer. */
export interface ParsedAnswer {
  status: number;
  statusText: string;
  headers: AnswerHeaders;
  body: Uint8Array<ArrayBuffer>;
  keepAlive: boolean;
}

/** Where a request goes: the server and the request target (path and query). */
export interface RequestTarget {
  /** Whether the URL is `https:`. */
  https: boolean;
  /** Host name or address, without IPv6 brackets. */
  hostname: string;
  /** The port (443 when the URL names none). */
  port: number;
  /** The `Host` header: host and port as in the URL. */
  host: string;
  /** Path and query, percent-encoded. */
  path: string;
}

/** The target of `url`, fully parsed. */
export function targetOf(url: string): RequestTarget {
  const parsed = new URL(url);
  return {
    https: parsed.protocol === "https:",
    hostname: parsed.hostname.replace(/^\[|\]$/g, ""),
    port: Number(parsed.port || (parsed.protocol === "https:" ? 443 : 80)),
    host: parsed.host,
    path: `${parsed.pathname}${parsed.search}`,
  };
}

/** The bytes of a request: the head written directly, then the UTF-8 body. */
export function encodeRequest(
  target: RequestTarget,
  request: { method: string; headers?: HeadersInit; body?: string },
): Buffer {
  const method = request.method.toUpperCase();
  const body = request.body;
  const bodyLength = body === undefined ? 0 : Buffer.byteLength(body);
  // no Headers object per request (its building and checks showed in the CPU profile of a
  // registration run); Host and Content-Length are ours
  let head = `${method} ${target.path} HTTP/1.1\r\nHost: ${target.host}\r\n`;
  let connection = false;
  for (const [name, value] of headerEntries(request.headers)) {
    const lower = name.toLowerCase();
    if (lower === "host" || lower === "content-length") continue;
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) {
      throw new TypeError(`invalid header ${JSON.stringify(name)}: line break in name or value`);
    }
    if (lower === "connection") connection = true;
    head += `${name}: ${value}\r\n`;
  }
  if (!connection) head += "Connection: keep-alive\r\n";
  if (body !== undefined || method === "POST" || method === "PUT" || method === "PATCH") {
    head += `Content-Length: ${bodyLength}\r\n`;
  }
  head += "\r\n";
  const headLength = Buffer.byteLength(head, "latin1");
  const bytes = Buffer.allocUnsafe(headLength + bodyLength);
  bytes.write(head, 0, "latin1");
  if (body !== undefined) bytes.write(body, headLength, "utf8");
  return bytes;
}

/** The name-value pairs of a request's headers, whichever form they were given in. */
function headerEntries(headers: HeadersInit | undefined): Iterable<[string, string]> {
  if (headers === undefined) return [];
  if (headers instanceof Headers) return headers;
  if (Array.isArray(headers)) return headers as [string, string][];
  return Object.entries(headers);
}

const HEAD_END = Buffer.from("\r\n\r\n");
const CRLF = Buffer.from("\r\n");

/**
 * The whole answer in `data`, or undefined while it is incomplete.
 *
 * @throws {Error} when `data` is no HTTP answer, or the connection `ended` in mid-answer.
 */
export function parseAnswer(
  data: Buffer,
  options: { head: boolean; ended: boolean },
): ParsedAnswer | undefined {
  const end = data.indexOf(HEAD_END);
  if (end < 0) {
    if (options.ended) throw new Error("connection closed in mid-answer");
    return undefined;
  }
  const lines = data.subarray(0, end).toString("latin1").split("\r\n");
  const status = /^HTTP\/(\d\.\d) (\d{3}) ?(.*)$/.exec(lines[0]);
  if (!status) throw new Error(`not an HTTP answer: ${JSON.stringify(lines[0].slice(0, 60))}`);
  const headers = new AnswerHeaders();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const colon = line.indexOf(":");
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const code = Number(status[2]);
  const connection = headers.get("connection")?.toLowerCase() ?? "";
  let keepAlive = status[1] === "1.1" ? connection !== "close" : connection === "keep-alive";
  const rest = data.subarray(end + 4);
  const base = { status: code, statusText: status[3], headers };
  if (options.head || code === 204 || code === 304 || code < 200) {
    return { ...base, body: new Uint8Array(), keepAlive };
  }
  if (/chunked/i.test(headers.get("transfer-encoding") ?? "")) {
    const body = dechunk(rest);
    if (body === undefined) {
      if (options.ended) throw new Error("connection closed in mid-answer");
      return undefined;
    }
    return { ...base, body, keepAlive };
  }
  const length = headers.get("content-length");
  if (length !== null) {
    const size = Number(length);
    if (rest.length < size) {
      if (options.ended) throw new Error("connection closed in mid-answer");
      return undefined;
    }
    return { ...base, body: new Uint8Array(rest.subarray(0, size)), keepAlive };
  }
  // no framing: the body runs to the end of the connection
  if (!options.ended) return undefined;
  keepAlive = false;
  return { ...base, body: new Uint8Array(rest), keepAlive };
}

/** The body of a complete chunked encoding, or undefined while chunks are missing. */
function dechunk(data: Buffer): Uint8Array<ArrayBuffer> | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf(CRLF, at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(data.subarray(at, lineEnd).toString("latin1").split(";")[0], 16);
    if (Number.isNaN(size)) throw new Error("malformed chunked answer");
    const start = lineEnd + 2;
    if (size === 0) {
      // trailers end with an empty line
      return data.indexOf(HEAD_END, lineEnd) >= 0 || data.subarray(start, start + 2).equals(CRLF)
        ? new Uint8Array(Buffer.concat(parts))
        : undefined;
    }
    if (data.length < start + size + 2) return undefined;
    parts.push(data.subarray(start, start + size));
    at = start + size + 2;
  }
}
