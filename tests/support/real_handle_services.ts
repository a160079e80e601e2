/**
 * Real Handle.Net servers for the command tests: several started at once (one per prefix),
 * the configuration lines that reach one with its certificate pinned, reads over plain
 * HTTP, authenticated writes behind the CLI's back (to inject faults), and the expected
 * records of the generated events moved to another prefix.
 *
 * @module
 */

import assert from "node:assert/strict";
import { basicAuth } from "../../src/register/mod.ts";
import { Http1Client } from "../../src/tls/http1.ts";
import { TEST_PREFIX } from "../helpers.ts";
import { type RealHandleServer, startRealHandleServer } from "./real_handle.ts";

export { realHandleTest } from "./real_handle.ts";
export type { RealHandleServer } from "./real_handle.ts";

type Value = { index: number; type: string; data: { format: string; value: unknown } };

/** Real servers by prefix. */
export interface RealServers {
  /** The server of each prefix. */
  byPrefix: Map<string, RealHandleServer>;
  /** Stops every server and removes its folder. */
  close(): Promise<void>;
}

/** Options of {@linkcode startRealServers}. */
export interface RealServersOptions {
  /** The admin user's suffix on every server; "testuser" by default. */
  user?: string;
  /** The admin user's password on the server of a prefix; "testpass" by default. */
  password?: (prefix: string) => string;
}

/**
 * Starts one real server per prefix, all at once; when one cannot start, those that did
 * are stopped and the error is thrown (the test fails: it never skips).
 */
export async function startRealServers(
  prefixes: readonly string[],
  options: RealServersOptions = {},
): Promise<RealServers> {
  const started = await Promise.allSettled(
    prefixes.map((prefix) =>
      startRealHandleServer({ prefix, user: options.user, password: options.password?.(prefix) })
    ),
  );
  const servers = started.flatMap((s) => s.status === "fulfilled" ? [s.value] : []);
  const close = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s[Symbol.asyncDispose]()));
  };
  const failed = started.find((s) => s.status === "rejected");
  if (failed) {
    await close();
    throw failed.reason;
  }
  return { byPrefix: new Map(servers.map((s) => [s.prefix, s])), close };
}

/**
 * The lines of a `[handle]` table or a Handle profile that reach `server` over HTTPS with
 * its certificate pinned (`tls_pin_sha256`); the password is left to the caller (a line or
 * the environment).
 */
export function realProfileLines(server: RealHandleServer): string[] {
  return [
    `server_url = "${server.url}"`,
    `prefix = "${server.prefix}"`,
    `username = "${server.username}"`,
    `tls_pin_sha256 = "${server.pin}"`,
  ];
}

/**
 * A handle's fields on a real server, read over plain HTTP; undefined when it does not exist
 * (404). Any other answer fails the test (e.g. 400 "That prefix doesn't live here").
 */
export async function resolveReal(
  server: RealHandleServer,
  handle: string,
): Promise<Record<string, string> | undefined> {
  const response = await fetch(`${server.httpUrl}/api/handles/${handle}`);
  const text = await response.text();
  if (response.status === 404) return undefined;
  assert.equal(response.status, 200, `${handle} on the ${server.prefix} server: ${text}`);
  const fields: Record<string, string> = {};
  for (const value of (JSON.parse(text) as { values: Value[] }).values) {
    fields[value.type] = typeof value.data.value === "string"
      ? value.data.value
      : JSON.stringify(value.data.value);
  }
  return fields;
}

/** An authenticated request to a real server (Basic, pinned certificate), behind the CLI's back. */
export async function adminRequest(
  server: RealHandleServer,
  path: string,
  init: { method: string; body?: unknown },
): Promise<{ status: number; body: string }> {
  const client = new Http1Client({ pin: server.pin });
  try {
    const headers: Record<string, string> = {
      Authorization: basicAuth(server.username, server.password),
      Accept: "application/json",
    };
    if (init.body !== undefined) headers["Content-Type"] = "application/json";
    const response = await client.fetch(`${server.url}${path}`, {
      method: init.method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: response.status, body: await response.text() };
  } finally {
    client.close();
  }
}

/** Rewrites a handle's record on a real server (`change` gets and returns its values). */
export async function editReal(
  server: RealHandleServer,
  handle: string,
  change: (values: Value[]) => Value[],
): Promise<void> {
  const read = await fetch(`${server.httpUrl}/api/handles/${handle}`);
  const record = await read.json() as { values: Value[] };
  const written = await adminRequest(server, `/api/handles/${handle}?overwrite=true`, {
    method: "PUT",
    body: { values: change(record.values) },
  });
  assert.ok(written.status === 200 || written.status === 201, written.body);
}

/** Deletes a handle on a real server. */
export async function deleteReal(server: RealHandleServer, handle: string): Promise<void> {
  const deleted = await adminRequest(server, `/api/handles/${handle}`, { method: "DELETE" });
  assert.equal(deleted.status, 200, deleted.body);
}

/**
 * Expected records under {@linkcode TEST_PREFIX} (`tests/fixtures/expected.ts`) moved to
 * `prefix`: the handles and every value that names one.
 */
export function underPrefix(
  expected: Map<string, Record<string, string>>,
  prefix: string,
): Map<string, Record<string, string>> {
  const move = (text: string): string => text.replaceAll(`${TEST_PREFIX}/`, `${prefix}/`);
  return new Map(
    [...expected].map(([handle, fields]) => [
      move(handle),
      Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, move(v)])),
    ]),
  );
}

/** Checks every expected record on `server`, field by field, and that it has an HS_ADMIN. */
export async function assertOnServer(
  server: RealHandleServer,
  expected: Map<string, Record<string, string>>,
): Promise<void> {
  for (const [handle, fields] of expected) {
    const got = await resolveReal(server, handle);
    assert.ok(got, `${handle} is not on the ${server.prefix} server`);
    for (const [field, value] of Object.entries(fields)) {
      assert.equal(got[field], value, `${handle} ${field}`);
    }
    assert.ok(got.HS_ADMIN, `${handle} has no HS_ADMIN`);
  }
}
