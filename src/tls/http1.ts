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
 * the connection (`http1_wire.ts`). A request on a reused connection that the server had
 * closed is sent once more on a new one. {@linkcode Http1Client.request} hands back a plain
 * answer (status, headers, text) and times out by one timer: no Fetch `Response`, `Headers`
 * or `AbortSignal` per request, which showed in the CPU profile of a registration run;
 * {@linkcode Http1Client.fetch} is the same as a Fetch API.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { isIP } from "node:net";
import * as tls from "node:tls";
import type { TransportAnswer, TransportRequest } from "./answer.ts";
import { fetchAnswer } from "./answer.ts";
import { Cancellation } from "./cancellation.ts";
import {
  encodeRequest,
  parseAnswer,
  type ParsedAnswer,
  type RequestTarget,
  targetOf,
} from "./http1_wire.ts";

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

const UTF8 = new TextDecoder();

/** A path and query that need no parsing: printable ASCII without `#`. */
const PLAIN_PATH = /^\/[\x21\x22\x24-\x7e]*$/;

/** A pool of keep-alive connections to the servers of one profile, and requests over it. */
export class Http1Client {
  readonly #check: PeerCheck;
  readonly #idle = new Map<string, tls.TLSSocket[]>();
  readonly #origins = new Map<string, RequestTarget>();
  #closed = false;

  /** A client that accepts a server's certificate as `check` says. */
  constructor(check: PeerCheck) {
    this.#check = check;
  }

  /**
   * Sends `request` to `url` and reads the whole answer. Over plain HTTP (nothing to
   * verify) it goes through the global `fetch`.
   *
   * @throws {DOMException} `TimeoutError` after `timeoutMs`; the socket's error otherwise.
   */
  async request(url: string, request: TransportRequest): Promise<TransportAnswer> {
    const target = this.#targetOf(url);
    if (!target.https) return await fetchAnswer(url, request);
    const cancel = new Cancellation();
    const timer = request.timeoutMs === undefined ? undefined : setTimeout(
      () => cancel.fire(new DOMException("Signal timed out.", "TimeoutError")),
      request.timeoutMs,
    );
    try {
      const parsed = await this.#send(target, request, cancel);
      return {
        status: parsed.status,
        headers: parsed.headers,
        text: UTF8.decode(parsed.body),
        connectMs: parsed.connectMs,
      };
    } finally {
      clearTimeout(timer);
    }
  }

  /** A `fetch` of `url` (https only) with `init`'s method, headers, string body and signal. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const target = targetOf(url);
    if (!target.https) {
      return await fetch(url, init); // plain HTTP: nothing to verify
    }
    const signal = init.signal ?? undefined;
    signal?.throwIfAborted();
    const cancel = new Cancellation();
    const onAbort = (): void => cancel.fire(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const body = init.body === undefined || init.body === null ? undefined : String(init.body);
      const parsed = await this.#send(target, {
        method: init.method ?? "GET",
        headers: init.headers,
        body,
      }, cancel);
      return toResponse(parsed);
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /**
   * The target of `url`; the server part parsed once per origin, the path taken as it is
   * when it is plain printable ASCII (a `URL` per request showed in the CPU profile).
   */
  #targetOf(url: string): RequestTarget {
    const scheme = url.indexOf("//");
    const slash = scheme < 0 ? -1 : url.indexOf("/", scheme + 2);
    const path = url.slice(slash);
    // anything a URL would rewrite (dot segments, spaces, non-ASCII, a fragment) is parsed
    if (slash < 0 || !PLAIN_PATH.test(path) || path.includes("/.")) return targetOf(url);
    const origin = url.slice(0, slash);
    let server = this.#origins.get(origin);
    if (server === undefined) {
      server = targetOf(origin);
      if (this.#origins.size >= 64) this.#origins.clear();
      this.#origins.set(origin, server);
    }
    return { ...server, path };
  }

  /** Closes every idle connection; later requests open new ones. */
  close(): void {
    this.#closed = true;
    for (const sockets of this.#idle.values()) for (const s of sockets) s.destroy();
    this.#idle.clear();
  }

  async #send(
    target: RequestTarget,
    request: { method: string; headers?: HeadersInit; body?: string },
    cancel: Cancellation,
  ): Promise<ParsedAnswer & { connectMs: number }> {
    if (cancel.fired) throw cancel.reason;
    const bytes = encodeRequest(target, request);
    const key = `${target.hostname}:${target.port}`;
    const head = request.method.toUpperCase() === "HEAD";
    const reused = this.#idle.get(key)?.pop();
    let connectMs = 0;
    const connect = async (): Promise<tls.TLSSocket> => {
      const started = performance.now();
      const socket = await this.#connect(target, key, cancel);
      connectMs += performance.now() - started;
      return socket;
    };
    try {
      const socket = reused ?? await connect();
      const parsed = await this.#exchange(socket, { request: bytes, key, head, cancel });
      return { ...parsed, connectMs };
    } catch (error) {
      if (reused === undefined || !(error instanceof StaleConnection)) throw error;
      const parsed = await this.#exchange(await connect(), { request: bytes, key, head, cancel });
      return { ...parsed, connectMs };
    }
  }

  #connect(target: RequestTarget, key: string, cancel: Cancellation): Promise<tls.TLSSocket> {
    const host = target.hostname;
    return new Promise((resolve, reject) => {
      const socket = tls.connect({
        host,
        port: target.port,
        servername: isIP(host) ? undefined : host,
        rejectUnauthorized: false,
      });
      const fail = (error: unknown): void => {
        cancel.clear();
        socket.destroy();
        reject(error);
      };
      socket.once("error", fail);
      socket.once("secureConnect", () => {
        cancel.clear();
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
      cancel.listen(fail);
    });
  }

  #exchange(
    socket: tls.TLSSocket,
    options: { request: Buffer; key: string; head: boolean; cancel: Cancellation },
  ): Promise<ParsedAnswer> {
    return new Promise((resolve, reject) => {
      let received: Buffer = Buffer.alloc(0);
      let settled = false;
      const finish = (error: unknown, parsed?: ParsedAnswer): void => {
        if (settled) return;
        settled = true;
        socket.off("data", onData);
        socket.off("error", onError);
        socket.off("close", onClose);
        options.cancel.clear();
        if (error !== undefined) {
          socket.destroy();
          reject(error);
          return;
        }
        if (parsed!.keepAlive && !this.#closed && !socket.destroyed) {
          const idle = this.#idle.get(options.key);
          if (idle === undefined) this.#idle.set(options.key, [socket]);
          else idle.push(socket);
        } else socket.destroy();
        resolve(parsed!);
      };
      const onData = (chunk: Buffer): void => {
        received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
        try {
          const parsed = parseAnswer(received, { head: options.head, ended: false });
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
          const parsed = parseAnswer(received, { head: options.head, ended: true });
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
      socket.on("data", onData);
      socket.on("error", onError);
      socket.on("close", onClose);
      options.cancel.listen((reason) => finish(reason));
      if (!settled) socket.write(options.request);
    });
  }
}

/** A reused connection that failed before any answer: the request may be sent again. */
class StaleConnection extends Error {}

function toResponse(parsed: ParsedAnswer): Response {
  const empty = parsed.status === 204 || parsed.status === 304 || parsed.status < 200;
  return new Response(empty ? null : parsed.body, {
    status: parsed.status,
    statusText: parsed.statusText,
    headers: [...parsed.headers.entries()],
  });
}
