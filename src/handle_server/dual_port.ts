/**
 * One port that speaks HTTPS and plain HTTP, as a Handle.Net server's HTTP interface does:
 * each connection's first byte tells a TLS handshake (0x16) from plain HTTP, and the
 * connection is relayed to one of two loopback servers, the TLS one or the plain one.
 *
 * @module
 */

/** Options of {@linkcode serveDualPort}. */
export interface DualPortOptions {
  /** The interface to listen on. */
  hostname: string;
  /** The port; 0 picks a free one. */
  port: number;
  /** The certificate (PEM). */
  cert: string;
  /** The private key (PEM). */
  key: string;
}

/** A running dual-protocol port. */
export interface DualPortServer {
  /** The port listened on. */
  port: number;
  /** Stops listening, ends open connections and waits for both servers. */
  shutdown(): Promise<void>;
}

/** Serves `handler` over HTTPS and plain HTTP on one port. */
export function serveDualPort(
  options: DualPortOptions,
  handler: (request: Request) => Response | Promise<Response>,
): DualPortServer {
  const quiet = { hostname: "127.0.0.1", port: 0, onListen: () => {} };
  const secure = Deno.serve({ ...quiet, cert: options.cert, key: options.key }, handler);
  const plain = Deno.serve(quiet, handler);
  let listener: Deno.TcpListener;
  try {
    listener = Deno.listen({ hostname: options.hostname, port: options.port });
  } catch (error) {
    void secure.shutdown();
    void plain.shutdown();
    throw error;
  }
  const open = new Set<Deno.TcpConn>();
  const relays = new Set<Promise<void>>();
  const accepting = (async () => {
    for await (const conn of listener) {
      const relay = relayConnection(conn, open, {
        tls: secure.addr.port,
        plain: plain.addr.port,
      });
      relays.add(relay);
      relay.finally(() => relays.delete(relay));
    }
  })().catch(() => {});
  let stopping: Promise<void> | undefined;
  return {
    port: listener.addr.port,
    shutdown(): Promise<void> {
      stopping ??= (async () => {
        listener.close();
        await accepting;
        await Promise.all([secure.shutdown(), plain.shutdown()]);
        for (const conn of open) closeQuietly(conn);
        await Promise.all(relays);
      })();
      return stopping;
    },
  };
}

async function relayConnection(
  conn: Deno.TcpConn,
  open: Set<Deno.TcpConn>,
  ports: { tls: number; plain: number },
): Promise<void> {
  open.add(conn);
  let backend: Deno.TcpConn | undefined;
  try {
    const reader = conn.readable.getReader();
    const first = await reader.read();
    if (first.done || first.value.length === 0) return;
    const port = first.value[0] === 0x16 ? ports.tls : ports.plain;
    backend = await Deno.connect({ hostname: "127.0.0.1", port });
    open.add(backend);
    const writer = backend.writable.getWriter();
    await writer.write(first.value);
    writer.releaseLock();
    reader.releaseLock();
    await Promise.all([
      conn.readable.pipeTo(backend.writable).catch(() => {}),
      backend.readable.pipeTo(conn.writable).catch(() => {}),
    ]);
  } catch {
    // a connection that fails ends here
  } finally {
    open.delete(conn);
    closeQuietly(conn);
    if (backend !== undefined) {
      open.delete(backend);
      closeQuietly(backend);
    }
  }
}

function closeQuietly(conn: Deno.TcpConn): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}
