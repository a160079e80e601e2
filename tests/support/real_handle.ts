/**
 * Tests against a real Handle.Net server: {@linkcode realHandleTest} registers a Deno test
 * that runs only where `../shared/handle-net` (or `$HANDLE_NET_HOME`) exists. Where it is
 * absent (a user's clone) the test is reported as ignored and one line says why; where it
 * is present, a server that cannot start fails the test: it never skips.
 *
 * @module
 */

import { handleNetHome } from "../../tools/handle_net/mod.ts";

export { handleNetHome, startRealHandleServer } from "../../tools/handle_net/mod.ts";
export type { RealHandleServer } from "../../tools/handle_net/mod.ts";

let told = false;

/** Options of {@linkcode realHandleTest}. */
export interface RealHandleTestOptions {
  /** The test's name. */
  name: string;
  /** The test. */
  fn: (t: Deno.TestContext) => Promise<void>;
  /** Deno's sanitizers (default on). */
  sanitizeOps?: boolean;
  /** Deno's resource sanitizer (default on). */
  sanitizeResources?: boolean;
}

/** Registers a test that needs a real Handle.Net server (ignored, said once, when absent). */
export function realHandleTest(
  nameOrOptions: string | RealHandleTestOptions,
  fn?: (t: Deno.TestContext) => Promise<void>,
): void {
  const options = typeof nameOrOptions === "string"
    ? { name: nameOrOptions, fn: fn! }
    : nameOrOptions;
  const absent = handleNetHome() === undefined;
  if (absent && !told) {
    told = true;
    console.log(
      "real Handle.Net server tests ignored: ../shared/handle-net not found (set HANDLE_NET_HOME)",
    );
  }
  Deno.test({ ...options, ignore: absent });
}
