/**
 * A small HTTP/1.1 client over `node:tls` for the servers whose certificate the platform's
 * verifier cannot accept by configuration: a pinned certificate (`tls_pin_sha256`, whatever
 * names it carries) or no verification at all (`verify_https = false`). Deno's `fetch` can
 * only add CAs and always checks the host name, and its process flag
 * `--unsafely-ignore-certificate-errors` cannot be given to a compiled binary; here the
 * check is ours: the connection's certificate is checked right after the handshake, before
 * a single byte of a request (credentials!) is written.
 *
 * It speaks what the Handle REST API needs: one request at a time per connection,
 * keep-alive connections reused, bodies framed by `Content-Length`, chunked or the end of
 * the connection. A request on a reused connection that the server had closed is sent once
 * more on a new one.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { isIP } from "node:net";
import * as tls from "node:tls";

/** How a connection's certificate is accepted. */
export interface PeerCheck {
  /** Lowercase hex SHA-256 of the DER certificate to accept; undefined: accept any. */
  pin?: string;
}

/** Raised when the server's certificate is not the pinned one. */
export class PinMismatchError extends Error {
  /** The pin the server's certificate has. */
  readonly actual: string;
  /** Creates the error for a certificate with pin `actual`. */
  constructor(expected: string, actual: string) {
    super(
      `certificate pin mismatch: the server's certificate has SHA-256 ${actual}, ` +
        `tls_pin_sha256 expects ${expected}`,
    );
    this.name = "PinMismatchError";
    this.actual = actual;
  }
}

/** The lowercase hex SHA-256 of a DER certificate: its pin. */
export function certificatePin(der: Uint8Array): string {
  return createHash("sha256").update(der).digest("hex");
}

interface Parsed {
  status: number;
  statusText: string;
  headers: Headers;
  body: Uint8Array<ArrayBuffer>;
  keepAlive: boolean;
}

/** A pool of keep-alive connections to the servers of one profile, and `fetch` over it. */
export class Http1Client {
  readonly #check: PeerCheck;
  readonly #idle = new Map<string, tls.TLSSocket[]>();
  #closed = false;

  /** A client that accepts a server's certificate as `check` says. */
  constructor(check: PeerCheck) {
    this.#check = check;
  }

  /** A `fetch` of `url` (https only) with `init`'s method, headers, string body and signal. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    if (target.protocol !== "https:") {
      return await fetch(url, init); // plain HTTP: nothing to verify
    }
    const signal = init.signal ?? undefined;
    signal?.throwIfAborted();
    const request = this.#encode(target, init);
    const key = `${target.hostname}:${target.port || "443"}`;
    const reused = this.#idle.get(key)?.pop();
    try {
      return toResponse(
        await this.#exchange(reused ?? await this.#connect(target, key, signal), {
          request,
          key,
          head: init.method === "HEAD",
          signal,
        }),
      );
    } catch (error) {
      if (reused === undefined || !(error instanceof StaleConnection)) throw error;
      const socket = await this.#connect(target, key, signal);
      return toResponse(await this.#exchange(socket, { request, key, head: false, signal }));
    }
  }

  /** Closes every idle connection; later requests open new ones. */
  close(): void {
    this.#closed = true;
    for (const sockets of this.#idle.values()) for (const s of sockets) s.destroy();
    this.#idle.clear();
  }

  #encode(target: URL, init: RequestInit): Buffer {
    const method = (init.method ?? "GET").toUpperCase();
    const body = init.body === undefined || init.body === null ? undefined : String(init.body);
    const bodyLength = body === undefined ? 0 : Buffer.byteLength(body);
    // the head written directly: no Headers object per request (its building and checks
    // showed in the CPU profile of a registration run); Host and Content-Length are ours
    let head = `${method} ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n`;
    let connection = false;
    for (const [name, value] of headerEntries(init.headers)) {
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

  #connect(target: URL, key: string, signal?: AbortSignal): Promise<tls.TLSSocket> {
    const host = target.hostname.replace(/^\[|\]$/g, "");
    return new Promise((resolve, reject) => {
      const socket = tls.connect({
        host,
        port: Number(target.port || 443),
        servername: isIP(host) ? undefined : host,
        rejectUnauthorized: false,
      });
      const fail = (error: unknown): void => {
        signal?.removeEventListener("abort", abort);
        socket.destroy();
        reject(error);
      };
      const abort = (): void => fail(signal?.reason);
      signal?.addEventListener("abort", abort, { once: true });
      socket.once("error", fail);
      socket.once("secureConnect", () => {
        signal?.removeEventListener("abort", abort);
        socket.off("error", fail);
        // an idle connection the server closes leaves the pool; errors of idle ones are moot
        socket.on("error", () => {});
        socket.once("close", () => {
          const list = this.#idle.get(key);
          const at = list?.indexOf(socket) ?? -1;
          if (at >= 0) list!.splice(at, 1);
        });
        const certificate = socket.getPeerCertificate();
        const actual = certificate?.raw ? certificatePin(certificate.raw) : "";
        if (this.#check.pin !== undefined && actual !== this.#check.pin) {
          socket.destroy();
          reject(new PinMismatchError(this.#check.pin, actual || "(none)"));
          return;
        }
        resolve(socket);
      });
    });
  }

  #exchange(
    socket: tls.TLSSocket,
    options: { request: Buffer; key: string; head: boolean; signal?: AbortSignal },
  ): Promise<Parsed> {
    return new Promise((resolve, reject) => {
      let received: Buffer = Buffer.alloc(0);
      let settled = false;
      const finish = (error: unknown, parsed?: Parsed): void => {
        if (settled) return;
        settled = true;
        socket.off("data", onData);
        socket.off("error", onError);
        socket.off("close", onClose);
        options.signal?.removeEventListener("abort", onAbort);
        if (error !== undefined) {
          socket.destroy();
          reject(error);
          return;
        }
        if (parsed!.keepAlive && !this.#closed && !socket.destroyed) {
          const idle = this.#idle.get(options.key) ?? [];
          idle.push(socket);
          this.#idle.set(options.key, idle);
        } else socket.destroy();
        resolve(parsed!);
      };
      const onData = (chunk: Buffer): void => {
        received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
        try {
          const parsed = parseResponse(received, { head: options.head, ended: false });
          if (parsed) finish(undefined, parsed);
        } catch (error) {
          finish(error);
        }
      };
      const onClose = (): void => {
        if (received.length === 0) {
          finish(new StaleConnection("the server closed the connection without an answer"));
          return;
        }
        try {
          const parsed = parseResponse(received, { head: options.head, ended: true });
          finish(parsed ? undefined : new Error("connection closed in mid-answer"), parsed);
        } catch (error) {
          finish(error);
        }
      };
      const onError = (error: Error): void => {
        finish(
          received.length === 0 ? new StaleConnection(error.message, { cause: error }) : error,
        );
      };
      const onAbort = (): void => finish(options.signal?.reason);
      socket.on("data", onData);
      socket.on("error", onError);
      socket.on("close", onClose);
      options.signal?.addEventListener("abort", onAbort, { once: true });
      socket.write(options.request);
    });
  }
}

/** The name-value pairs of a request's headers, whichever form they were given in. */
function headerEntries(headers: HeadersInit | undefined): Iterable<[string, string]> {
  if (headers === undefined) return [];
  if (headers instanceof Headers) return headers;
  if (Array.isArray(headers)) return headers as [string, string][];
  return Object.entries(headers);
}

/** A reused connection that failed before any answer: the request may be sent again. */
class StaleConnection extends Error {}

function toResponse(parsed: Parsed): Response {
  const empty = parsed.status === 204 || parsed.status === 304 || parsed.status < 200;
  return new Response(empty ? null : parsed.body, {
    status: parsed.status,
    statusText: parsed.statusText,
    headers: parsed.headers,
  });
}

const HEAD_END = Buffer.from("\r\n\r\n");

/** The whole answer in `data`, or undefined while it is incomplete. */
function parseResponse(
  data: Buffer,
  options: { head: boolean; ended: boolean },
): Parsed | undefined {
  const end = data.indexOf(HEAD_END);
  if (end < 0) {
    if (options.ended) throw new Error("connection closed in mid-answer");
    return undefined;
  }
  const lines = data.subarray(0, end).toString("latin1").split("\r\n");
  const status = /^HTTP\/(\d\.\d) (\d{3}) ?(.*)$/.exec(lines[0]);
  if (!status) throw new Error(`not an HTTP answer: ${JSON.stringify(lines[0].slice(0, 60))}`);
  const headers = new Headers();
  for (const line of lines.slice(1)) {
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
    const lineEnd = data.indexOf("\r\n", at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(data.subarray(at, lineEnd).toString("latin1").split(";")[0], 16);
    if (Number.isNaN(size)) throw new Error("malformed chunked answer");
    const start = lineEnd + 2;
    if (size === 0) {
      // trailers end with an empty line
      return data.indexOf(HEAD_END, lineEnd) >= 0 || data.subarray(start, start + 2).equals(
          Buffer.from("\r\n"),
        )
        ? new Uint8Array(Buffer.concat(parts))
        : undefined;
    }
    if (data.length < start + size + 2) return undefined;
    parts.push(data.subarray(start, start + size));
    at = start + size + 2;
  }
}
