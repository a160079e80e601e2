/**
 * Free ports for a real Handle.Net server: its HTTP(S) port and the native port after it.
 *
 * @module
 */

/** A port P in 40000-60000 such that P and P+1 are both free on 127.0.0.1. */
export function freePortPair(): number {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 40000 + Math.floor(Math.random() * 19999);
    if (free(port) && free(port + 1)) return port;
  }
  throw new Error("no free pair of ports found in 40000-60000");
}

/** Whether a TCP port is free on 127.0.0.1. */
export function free(port: number): boolean {
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
    return true;
  } catch {
    return false;
  }
}
