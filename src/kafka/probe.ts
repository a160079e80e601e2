/**
 * Whether a Kafka listener speaks TLS: a client without TLS only sees the connection
 * closed ("Closed connection"), the same as a broker going away. A TLS handshake of our
 * own tells the two apart: a listener that answers it (even with a certificate we do not
 * trust) speaks TLS.
 *
 * @module
 */

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
