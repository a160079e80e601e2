/**
 * The project's own Handle REST server (`handle-server`): the subset of the Handle.Net
 * HTTP JSON REST API that `docs/handle-api.md` describes, served with
 * `Deno.serve`, with an optional durable data file and an optional artificial write
 * latency. Tests, benchmarks and the demo register handles into it.
 *
 * It answers as a Handle.Net 9.2.0 server does (`docs/handle-api.md`; a differential test,
 * `tests/handle_server/conformance_test.ts`, compares the two request by request), except
 * for the differences kept on purpose in `differences.ts` (and `docs/stand-in.md`). In
 * brief: PUT creates (201) or replaces (200) unless `overwrite` is other than true (409/101);
 * `?index=` writes and deletes single values; unreadable bodies are 400/4 with the Java
 * exception's name; failing credentials are 401 with an empty body; sessions are
 * authenticated by the Basic credentials of `POST /api/sessions`; handles are stored in upper
 * case. With `tls`, one port speaks HTTPS (a self-signed certificate made at start) and
 * plain HTTP, and credentials count only over HTTPS. Beyond the real server: an optional
 * durable data file, artificial latency, a limit of writes in flight (429), and a count of
 * password checks; 500/2 for an unwritable data file (the change stays in memory and is
 * persisted with the next write).
 *
 * @example
 * ```ts
 * import { startHandleServer } from "./mod.ts";
 * const server = await startHandleServer({
 *   port: 0,
 *   prefix: "21.TEST",
 *   username: "300:21.TEST/testuser",
 *   password: "secret",
 * });
 * console.log(server.url);
 * await server.close();
 * ```
 *
 * @module
 */

import { createHandleHandler } from "./handler.ts";
import { HandleStore } from "./store.ts";
import { serveDualPort } from "./dual_port.ts";
import { makeSelfSignedCertificate } from "./tls_cert.ts";

export { createHandleHandler, ResponseCode } from "./handler.ts";
export type { HandleHandlerOptions, RequestHandler } from "./handler.ts";
export { HandleStore } from "./store.ts";
export type { HandleStoreOptions } from "./store.ts";
export type { HandleData, HandleValue } from "./values.ts";

/** Options of {@link startHandleServer}. */
export interface HandleServerOptions {
  /** The address to listen on; "127.0.0.1" by default. */
  host?: string;
  /** The port; 0 (the default) picks a free one. */
  port?: number;
  /** The prefix the server is responsible for, e.g. "21.TEST". */
  prefix: string;
  /** The one user: an indexed handle such as "300:21.TEST/testuser". */
  username: string;
  /** The user's password. */
  password: string;
  /** Milliseconds added before every PUT or DELETE response (models a production server). */
  latencyMs?: number;
  /** Whether `/api/sessions` is offered; true by default. */
  sessions?: boolean;
  /** Seconds a session lives without use; 1800 by default. */
  sessionTtlSeconds?: number;
  /** Milliseconds added per write in flight: latency that climbs with load. */
  latencyPerInflightMs?: number;
  /** Writes in flight at most; more are answered 429. */
  maxInflight?: number;
  /** A file that keeps the records across restarts (append log, compacted at start/close). */
  dataFile?: string;
  /**
   * Serve HTTPS with a self-signed certificate made at start (RSA 2048, `CN=anonymous`,
   * like a fresh Handle.Net server's), and plain HTTP on the same port; credentials then
   * count only over HTTPS. `names` adds them as subjectAltName (none by default, as on a
   * real server: the certificate is then valid for no host name).
   */
  tls?: boolean | { names?: string[] };
  /** Aborting it closes the server (as {@link HandleServer.close}). */
  signal?: AbortSignal;
  /** Called once the server listens. */
  onListen?: (addr: { hostname: string; port: number }) => void;
}

/** A running handle server. */
export interface HandleServer {
  /** The base URL, e.g. "http://127.0.0.1:8000", or "https://..." with `tls`. */
  url: string;
  /** The plain-HTTP URL of the same port (equal to `url` without `tls`). */
  httpUrl: string;
  /** With `tls`: the certificate (PEM). */
  certPem?: string;
  /** With `tls`: lowercase hex SHA-256 of the DER certificate. */
  pin?: string;
  /** The port listened on. */
  port: number;
  /** Stops serving, waits for requests in flight and flushes the data file. */
  close(): Promise<void>;
  /** The number of handles held. */
  size(): number;
  /** How many times the server checked a password (sessions save checks). */
  passwordChecks(): number;
}

/**
 * Starts a handle server.
 *
 * @throws {Error} when the data file cannot be read or the port is taken.
 */
export async function startHandleServer(options: HandleServerOptions): Promise<HandleServer> {
  const store = await HandleStore.open({ dataFile: options.dataFile });
  const handler = createHandleHandler(store, {
    prefix: options.prefix,
    username: options.username,
    password: options.password,
    latencyMs: options.latencyMs,
    sessions: options.sessions,
    sessionTtlSeconds: options.sessionTtlSeconds,
    latencyPerInflightMs: options.latencyPerInflightMs,
    maxInflight: options.maxInflight,
    httpsOnly: Boolean(options.tls),
  });
  const hostname = options.host ?? "127.0.0.1";
  const certificate = options.tls
    ? await makeSelfSignedCertificate(options.tls === true ? {} : options.tls)
    : undefined;
  let server: { port: number; shutdown(): Promise<void> };
  try {
    if (certificate === undefined) {
      const plain = Deno.serve({
        hostname,
        port: options.port ?? 0,
        onListen: (addr) => options.onListen?.({ hostname: addr.hostname, port: addr.port }),
      }, handler);
      server = { port: plain.addr.port, shutdown: () => plain.shutdown() };
    } else {
      server = serveDualPort({
        hostname,
        port: options.port ?? 0,
        cert: certificate.certPem,
        key: certificate.keyPem,
      }, handler);
      options.onListen?.({ hostname, port: server.port });
    }
  } catch (error) {
    await store.close();
    throw error;
  }
  const port = server.port;
  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= (async () => {
      options.signal?.removeEventListener("abort", onAbort);
      await server.shutdown();
      await store.close();
    })();
    return closing;
  }
  function onAbort(): void {
    close().catch(() => {});
  }
  if (options.signal?.aborted) {
    await close();
  } else {
    options.signal?.addEventListener("abort", onAbort, { once: true });
  }
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return {
    url: `${certificate ? "https" : "http"}://${host}:${port}`,
    httpUrl: `http://${host}:${port}`,
    certPem: certificate?.certPem,
    pin: certificate?.pin,
    port,
    close,
    size: () => store.size,
    passwordChecks: () => handler.passwordChecks(),
  };
}
