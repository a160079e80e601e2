/**
 * The stand-in Handle server of the tests: starting it, resolving and waiting for handles.
 *
 * @module
 */

import {
  type HandleServer,
  type HandleServerOptions,
  startHandleServer,
} from "../../src/handle_server/mod.ts";
import { TEST_PASSWORD, TEST_PREFIX, TEST_USER } from "./workspace.ts";

/** Resolves a handle on a Handle server; `undefined` when it does not exist. */
export async function resolveHandle(
  serverUrl: string,
  handle: string,
): Promise<Record<string, string> | undefined> {
  const response = await fetch(`${serverUrl}/api/handles/${handle}`);
  const body = await response.json();
  if (response.status === 404) return undefined;
  const fields: Record<string, string> = {};
  for (const value of body.values as Array<{ type: string; data: { value: unknown } }>) {
    fields[value.type] = typeof value.data.value === "string"
      ? value.data.value
      : JSON.stringify(value.data.value);
  }
  return fields;
}

/**
 * Starts the real Handle server for {@linkcode TEST_PREFIX} with the user
 * {@linkcode TEST_USER} / {@linkcode TEST_PASSWORD}; `options` adds or overrides.
 */
export function startTestHandleServer(
  options: Partial<HandleServerOptions> = {},
): Promise<HandleServer> {
  return startHandleServer({
    prefix: TEST_PREFIX,
    username: TEST_USER,
    password: TEST_PASSWORD,
    ...options,
  });
}

/** Options of {@linkcode waitForHandles}. */
export interface WaitForHandlesOptions {
  /** How long to wait at the most, in milliseconds; default 60 000. */
  timeoutMs?: number;
}

/**
 * Polls every 50 ms until `server` holds at least `count` handles or the time is up;
 * it does not fail on a timeout: the caller asserts what it needs.
 */
export async function waitForHandles(
  server: Pick<HandleServer, "size">,
  count: number,
  options: WaitForHandlesOptions = {},
): Promise<void> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 60_000;
  while (server.size() < count && Date.now() - started < timeoutMs) {
    await new Promise((r) => setTimeout(r, 50));
  }
}
