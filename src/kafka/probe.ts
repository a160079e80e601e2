/**
 * Probes of a Kafka listener's TLS. Whether it speaks TLS: a client without TLS only sees
 * the connection closed ("Closed connection"), the same as a broker going away; a TLS
 * handshake of our own tells the two apart (a listener that answers it, even with a
 * certificate we do not trust, speaks TLS). And the alert a TLS listener sends after the
 * handshake, for a client with TLS whose request met a closed socket.
 *
 * @module
 */

import { isIP } from "node:net";
import { connect, type ConnectionOptions, type TLSSocket } from "node:tls";

/** Resolves true when `address` (`host:port`) answers a TLS handshake within `timeoutMs`. */
export async function speaksTls(address: string, timeoutMs = 3000): Promise<boolean> {
  const colon = address.lastIndexOf(":");
  const hostname = address.slice(0, colon).replace(/^\[|\]$/g, "");
  const port = Number(address.slice(colon + 1));
  if (!hostname || !Number.isInteger(port)) return false;
  let conn: Deno.TlsConn | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const attempt = (async (): Promise<boolean> => {
    try {
      // No CA to trust: a listener that speaks TLS fails this with a certificate error.
      conn = await Deno.connectTls({ hostname, port, caCerts: [] });
      await conn.handshake();
      return true;
    } catch (error) {
      return /certificate|UnknownIssuer|NotValidForName|peer sent|alert/i.test(String(error));
    }
  })();
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
    try {
      conn?.close();
    } catch {
      // already closed
    }
  }
}

/**
 * The error a TLS listener sends right after the handshake (over TLS 1.3 a refused client
 * certificate is reported only then, as an alert; `alert` undefined when none came within
 * `waitMs`), and whether the handshake passed: a handshake with the client's own TLS
 * options, then a short wait for the broker's verdict. A client whose request met a closed socket learns the reason this way.
 */
export function tlsAlert(
  address: string,
  options: ConnectionOptions,
  waitMs = 1500,
): Promise<{ alert?: Error; handshake: boolean }> {
  const colon = address.lastIndexOf(":");
  const host = address.slice(0, colon).replace(/^\[|\]$/g, "");
  const port = Number(address.slice(colon + 1));
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let socket: TLSSocket | undefined;
    let handshake = false;
    const done = (alert?: Error): void => {
      clearTimeout(timer);
      socket?.destroy();
      resolve({ alert, handshake });
    };
    timer = setTimeout(() => done(), waitMs + 3000);
    try {
      socket = connect({ ...options, host, port, servername: isIP(host) ? undefined : host });
    } catch (error) {
      return done(error instanceof Error ? error : new Error(String(error)));
    }
    socket.on("error", (error: Error) => done(error));
    socket.on("secureConnect", () => {
      handshake = true;
      clearTimeout(timer);
      timer = setTimeout(() => done(), waitMs);
    });
  });
}
