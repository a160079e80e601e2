/**
 * handle-server behaves as a Handle.Net server where clients notice: the user's own
 * handle, value-level DELETE and PUT, listing, permissions, sessions and their expiry
 * (tests/handle_server/conformance_test.ts compares it with a real server request by request).
 */

import assert from "node:assert/strict";
import type { HandleServer, HandleServerOptions } from "../../src/handle_server/mod.ts";
import { basicAuth } from "../../src/register/mod.ts";
import { startTestHandleServer, TEST_PASSWORD, TEST_USER } from "../helpers.ts";

const AUTH = basicAuth(TEST_USER, TEST_PASSWORD);
const ADMIN = {
  index: 100,
  type: "HS_ADMIN",
  data: {
    format: "admin",
    value: { handle: "0.NA/21.TEST", index: 200, permissions: "011111110011" },
  },
};

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function call(
  server: HandleServer,
  method: string,
  path: string,
  options: { body?: unknown; auth?: string | null } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const auth = options.auth === undefined ? AUTH : options.auth;
  if (auth !== null) headers.authorization = auth;
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const response = await fetch(`${server.url}${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}

async function withServer(
  fn: (server: HandleServer) => Promise<void>,
  options: Partial<HandleServerOptions> = {},
): Promise<void> {
  const server = await startTestHandleServer(options);
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

type Values = { index: number; type: string; permissions?: string; ttl: unknown }[];

Deno.test("the user's own handle exists; its HS_SECKEY is hidden from unauthenticated reads", async () => {
  await withServer(async (server) => {
    const open = await call(server, "GET", "/api/handles/21.TEST/testuser", { auth: null });
    assert.equal(open.status, 200);
    assert.equal(open.body.handle, "21.TEST/testuser");
    const types = (open.body.values as Values).map((v) => v.type);
    assert.deepEqual(types, ["HS_ADMIN"]);
    const authed = await call(server, "GET", "/api/handles/21.TEST/testuser?auth=true");
    const key = (authed.body.values as Values).find((v) => v.type === "HS_SECKEY");
    assert.equal(key?.index, 300);
    assert.equal(key?.permissions, "1100");
    const wrong = await call(server, "GET", "/api/handles/21.TEST/testuser", {
      auth: basicAuth(TEST_USER, "nope"),
    });
    assert.equal(wrong.status, 401);
    const write = await call(server, "DELETE", "/api/handles/21.TEST/testuser");
    assert.equal(write.status, 403);
    assert.equal(server.size(), 0, "the user handle is not a stored record");
  });
});

Deno.test("values carry ttl 86400 and a timestamp without milliseconds", async () => {
  await withServer(async (server) => {
    await call(server, "PUT", "/api/handles/21.TEST/t", {
      body: { values: [{ index: 1, type: "URL", data: "u" }, ADMIN] },
    });
    const got = await call(server, "GET", "/api/handles/21.TEST/t", { auth: null });
    for (const value of got.body.values as (Values[0] & { timestamp: string })[]) {
      assert.equal(value.ttl, 86400);
      assert.match(value.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(value.permissions, undefined);
    }
  });
});

Deno.test("DELETE ?index= deletes only those values; the handle stays", async () => {
  await withServer(async (server) => {
    const values = [
      { index: 1, type: "URL", data: "u" },
      { index: 2, type: "A", data: "a" },
      { index: 7, type: "B", data: "b" },
      ADMIN,
    ];
    await call(server, "PUT", "/api/handles/21.TEST/d", { body: { values } });
    const deleted = await call(server, "DELETE", "/api/handles/21.TEST/d?index=7&index=2");
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.responseCode, 1);
    const got = await call(server, "GET", "/api/handles/21.TEST/d");
    assert.deepEqual((got.body.values as Values).map((v) => v.index), [1, 100]);
    const none = await call(server, "DELETE", "/api/handles/21.TEST/d?index=9");
    assert.equal(none.status, 400);
    assert.equal(none.body.responseCode, 200);
    const partly = await call(server, "DELETE", "/api/handles/21.TEST/d?index=1&index=9");
    assert.deepEqual([partly.status, partly.body.responseCode], [400, 200], "all must exist");
    const admin = await call(server, "DELETE", "/api/handles/21.TEST/d?index=100");
    assert.equal(admin.status, 200, "HS_ADMIN may go, as on the real server");
    const missing = await call(server, "DELETE", "/api/handles/21.TEST/nope?index=1");
    assert.equal(missing.status, 404);
    assert.equal(missing.body.responseCode, 100);
  });
});

Deno.test("PUT ?index= with overwrite=false on an existing value is 409/201", async () => {
  await withServer(async (server) => {
    await call(server, "PUT", "/api/handles/21.TEST/p", {
      body: { values: [{ index: 1, type: "URL", data: "u" }, ADMIN] },
    });
    const clash = await call(server, "PUT", "/api/handles/21.TEST/p?index=1&overwrite=false", {
      body: { values: [{ index: 1, type: "URL", data: "v" }] },
    });
    assert.equal(clash.status, 409);
    assert.equal(clash.body.responseCode, 201);
    const added = await call(server, "PUT", "/api/handles/21.TEST/p?index=2&overwrite=false", {
      body: { values: [{ index: 2, type: "X", data: "x" }] },
    });
    assert.equal(added.status, 201);
    const whole = await call(server, "PUT", "/api/handles/21.TEST/p?overwrite=false", {
      body: { values: [{ index: 1, type: "URL", data: "w" }, ADMIN] },
    });
    assert.equal(whole.status, 409);
    assert.equal(whole.body.responseCode, 101);
  });
});

Deno.test("GET /api/handles?prefix= lists the prefix's handles, by page", async () => {
  await withServer(async (server) => {
    for (const name of ["c", "a", "b"]) {
      await call(server, "PUT", `/api/handles/21.TEST/${name}`, {
        body: { values: [{ index: 1, type: "URL", data: name }] },
      });
    }
    const all = await call(server, "GET", "/api/handles?prefix=21.TEST");
    assert.equal(all.status, 200);
    assert.equal(all.body.prefix, "21.TEST");
    assert.equal(all.body.totalCount, "4");
    assert.deepEqual(all.body.handles, ["21.TEST/A", "21.TEST/B", "21.TEST/C", "21.TEST/TESTUSER"]);
    const page = await call(server, "GET", "/api/handles?prefix=21.TEST&page=1&pageSize=2");
    assert.deepEqual(page.body, {
      responseCode: 1,
      prefix: "21.TEST",
      totalCount: "4",
      page: 1,
      pageSize: 2,
      handles: ["21.TEST/C", "21.TEST/TESTUSER"],
    });
    const zero = await call(server, "GET", "/api/handles?prefix=21.TEST&page=0&pageSize=0");
    assert.deepEqual(zero.body, all.body, "pageSize 0 lists everything");
    const anonymous = await call(server, "GET", "/api/handles?prefix=21.TEST", { auth: null });
    assert.deepEqual([anonymous.status, anonymous.body.responseCode], [401, 402]);
    const other = await call(server, "GET", "/api/handles?prefix=21.OTHER");
    assert.equal(other.status, 400);
    assert.equal(other.body.responseCode, 301);
  });
});

Deno.test("sessions: authenticated once by POST with Basic; a combined header is not understood; expiry gives 401", async () => {
  await withServer(async (server) => {
    const opened = await call(server, "POST", "/api/sessions");
    assert.equal(opened.status, 201);
    assert.equal(typeof opened.body.nonce, "string");
    assert.equal(opened.body.authenticated, true);
    const session = `Handle sessionId="${opened.body.sessionId}"`;
    const state = await call(server, "GET", "/api/sessions/this", { auth: session });
    assert.equal(state.body.id, TEST_USER);
    const both = await call(server, "GET", "/api/sessions/this", { auth: `${session}, ${AUTH}` });
    assert.deepEqual(both.body, { authenticated: false });
    for (let i = 0; i < 5; i++) {
      const put = await call(server, "PUT", `/api/handles/21.TEST/s${i}`, {
        body: { values: [{ index: 1, type: "URL", data: "u" }] },
        auth: session,
      });
      assert.equal(put.status, 201);
    }
    assert.equal(server.passwordChecks(), 1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const expired = await call(server, "PUT", "/api/handles/21.TEST/late", {
      body: { values: [{ index: 1, type: "URL", data: "u" }] },
      auth: session,
    });
    assert.deepEqual([expired.status, expired.body], [401, {}]);
    const next = await call(server, "POST", "/api/sessions", { auth: null });
    const nextAuth = `Handle sessionId="${next.body.sessionId}"`;
    const closed = await call(server, "DELETE", "/api/sessions/this", { auth: nextAuth });
    assert.equal(closed.status, 204);
    const gone = await call(server, "GET", "/api/sessions/this", { auth: nextAuth });
    assert.equal(gone.status, 403);
  }, { sessionTtlSeconds: 0.2 });
});

Deno.test("--no-sessions: /api/sessions is not there, Basic works", async () => {
  await withServer(async (server) => {
    const opened = await call(server, "POST", "/api/sessions");
    assert.equal(opened.status, 404);
    const put = await call(server, "PUT", "/api/handles/21.TEST/n", {
      body: { values: [{ index: 1, type: "URL", data: "u" }] },
    });
    assert.equal(put.status, 201);
    assert.equal(server.passwordChecks(), 1, "only the PUT checked the password");
  }, { sessions: false });
});
