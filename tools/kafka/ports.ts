/**
 * Ports of the local Kafka broker: the one host it listens on, a free port, and the check
 * that a chosen port is free.
 *
 * @module
 */

import { ConfigurationError } from "../../src/errors/mod.ts";

/** The only host the broker listens on and announces. */
export const HOST = "127.0.0.1";

/** A port on 127.0.0.1 that was free a moment ago: listens on port 0 and closes again. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: HOST, port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

/**
 * Returns the port when nothing listens on it on 127.0.0.1, else throws.
 *
 * @throws {ConfigurationError} when it is not a port number or already in use.
 */
export function checkPortFree(port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigurationError(`Kafka port ${port} is not a port number (1-65535)`);
  }
  try {
    Deno.listen({ hostname: HOST, port }).close();
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      throw new ConfigurationError(`port ${HOST}:${port} is already in use`);
    }
    throw error;
  }
  return port;
}
