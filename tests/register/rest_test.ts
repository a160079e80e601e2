/** The Handle REST client against the real handle-server over HTTP. */

import assert from "node:assert/strict";
import { ConfigurationError, PermanentError, TransientError } from "../../src/errors/mod.ts";
import type { HandleRecord } from "../../src/records/mod.ts";
import {
  basicAuth,
  handlePath,
  HandleRestClient,
  type HandleRestOptions,
  RestRegistrar,
} from "../../src/register/mod.ts";
import { freePort } from "../../tools/kafka/broker.ts";
import { startTestHandleServer, TEST_PASSWORD, TEST_USER } from "../helpers.ts";

const policy = { retries: 2, backoffInitial: 0.01, backoffMax: 0.02 };

function client(serverUrl: string, options: Partial<HandleRestOptions> = {}): HandleRestClient {
  return new HandleRestClient({
    serverUrl,
    prefix: "21.TEST",
    username: TEST_USER,
    password: TEST_PASSWORD,
    timeout: 2,
    concurrency: 4,
    policy,
    ...options,
  });
}

const dataset: HandleRecord = {
  handle: "21.TEST/ds-1",
  URL: "https://lp.example.org/21.TEST/ds-1",
  data: {
    AGGREGATION_LEVEL: "DATASET",
    HAS_PARTS: ["hdl:21.TEST/f-1"],
    HOSTING_NODE: { host: "h", published_on: "2025-01-01T00:00:00Z" },
    FILE_SIZE: 42,
    EMPTY: "",
  },
};

Deno.test("basicAuth percent-encodes the indexed-handle user", () => {
  const header = basicAuth(TEST_USER, "p:w");
  assert.equal(atob(header.slice(6)), "300%3A21.TEST%2Ftestuser:p:w");
});

Deno.test("handlePath keeps the prefix slash and encodes the suffix", () => {
  assert.equal(handlePath("21.TEST/a b#c"), "/api/handles/21.TEST/a%20b%23c");
});

Deno.test("PUT writes URL at 1, fields at 2.. in order, HS_ADMIN at 100; GET resolves", async () => {
  const server = await startTestHandleServer();
  const c = client(server.url);
  try {
    await c.put(dataset);
    const values = await c.get("21.TEST/ds-1");
    assert.ok(values);
    const byIndex = new Map(values.map((v) => [v.index, v]));
    assert.equal(byIndex.get(1)?.type, "URL");
    assert.equal(byIndex.get(2)?.type, "AGGREGATION_LEVEL");
    assert.equal(byIndex.get(3)?.data.value, '["hdl:21.TEST/f-1"]');
    assert.equal(byIndex.get(4)?.data.value, '{"host":"h","published_on":"2025-01-01T00:00:00Z"}');
    assert.equal(byIndex.get(5)?.data.value, "42");
    assert.equal(byIndex.has(6), false, "empty values are left out");
    assert.equal(byIndex.get(100)?.type, "HS_ADMIN");
    await c.put(dataset); // overwrite is idempotent
    assert.equal(server.size(), 1);
    assert.equal(await c.get("21.TEST/missing"), undefined);
  } finally {
    await c.close();
    await server.close();
  }
});

Deno.test("401 stops with a message naming user and server, never the password", async () => {
  const server = await startTestHandleServer({ password: "right" });
  const c = client(server.url, { password: "wrong-secret" });
  try {
    const error = await c.put(dataset).then(() => undefined, (e) => e);
    assert.ok(error instanceof ConfigurationError, String(error));
    // a session is opened with the credentials: the server's answer says it did not verify them
    assert.match(error.message, /did not authenticate user .*: Identity not verified/);
    assert.ok(error.message.includes(TEST_USER));
    assert.ok(error.message.includes(server.url));
    assert.ok(!error.message.includes("wrong-secret"));
  } finally {
    await c.close();
    await server.close();
  }
});

Deno.test("a foreign prefix is a permanent failure of that record", async () => {
  const server = await startTestHandleServer();
  const c = client(server.url);
  try {
    const error = await c.put({ ...dataset, handle: "21.OTHER/x" }).then(() => undefined, (e) => e);
    assert.ok(error instanceof PermanentError, String(error));
    assert.match(error.message, /HTTP 400 responseCode 301/);
  } finally {
    await c.close();
    await server.close();
  }
});

Deno.test("refused connections are retried, then transient; a 5xx is retried until it succeeds", async () => {
  const port = freePort();
  const retries: string[] = [];
  const down = client(`http://127.0.0.1:${port}`, { onRetry: (e) => retries.push(e.message) });
  const error = await down.put(dataset).then(() => undefined, (e) => e);
  assert.ok(error instanceof TransientError);
  assert.match(error.message, /^TRANSIENT .*connection refused.*after 3 attempts/);
  assert.equal(retries.length, 2);
  await down.close();

  // A server (without sessions) that fails twice with 503, then answers: the client gets through.
  let calls = 0;
  const flaky = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen(): void {} },
    async (request) => {
      await request.body?.cancel();
      if (new URL(request.url).pathname.startsWith("/api/sessions")) {
        return Response.json({ responseCode: 2 }, { status: 404 });
      }
      calls++;
      return calls <= 2
        ? Response.json({ responseCode: 2 }, { status: 503 })
        : Response.json({ responseCode: 1, handle: "21.TEST/ds-1" }, { status: 201 });
    },
  );
  const c = client(`http://127.0.0.1:${flaky.addr.port}`);
  try {
    await c.put(dataset);
    assert.equal(calls, 3);
  } finally {
    await c.close();
    await flaky.shutdown();
  }
});

Deno.test("RestRegistrar writes files before the dataset and reports the worst failure", async () => {
  const order: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen(): void {} },
    async (request) => {
      await request.body?.cancel();
      const handle = new URL(request.url).pathname.replace("/api/handles/", "");
      order.push(handle);
      if (handle === "21.TEST/bad") return Response.json({ responseCode: 202 }, { status: 400 });
      if (handle === "21.TEST/auth") return Response.json({ responseCode: 402 }, { status: 401 });
      return Response.json({ responseCode: 1, handle }, { status: 201 });
    },
  );
  const registrar = new RestRegistrar(client(`http://127.0.0.1:${server.addr.port}`));
  const record = (handle: string): HandleRecord => ({ handle, URL: "https://x", data: {} });
  const context = { project: "cmip6", source: { file: "f", line: 1 } };
  try {
    await registrar.register(
      [record("21.TEST/f1"), record("21.TEST/f2"), record("21.TEST/ds")],
      context,
    );
    assert.equal(order.at(-1), "21.TEST/ds");
    order.length = 0;
    const bad = await registrar.register([record("21.TEST/bad"), record("21.TEST/ds")], context)
      .then(() => undefined, (e) => e);
    assert.ok(bad instanceof PermanentError);
    assert.ok(!order.includes("21.TEST/ds"), "the dataset is not written when a file failed");
    const auth = await registrar.register(
      [record("21.TEST/bad"), record("21.TEST/auth"), record("21.TEST/ds")],
      context,
    ).then(() => undefined, (e) => e);
    assert.ok(auth instanceof ConfigurationError, "a configuration error outranks a permanent one");
  } finally {
    await registrar.close();
    await server.shutdown();
  }
});

Deno.test("a server that does not answer within the timeout is transient", async () => {
  const slow = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen(): void {} },
    async (request) => {
      await request.body?.cancel();
      await new Promise((r) => setTimeout(r, 600));
      return Response.json({ responseCode: 1 }, { status: 201 });
    },
  );
  const c = client(`http://127.0.0.1:${slow.addr.port}`, {
    timeout: 0.1,
    policy: { retries: 1, backoffInitial: 0.01, backoffMax: 0.01 },
  });
  try {
    const error = await c.put(dataset).then(() => undefined, (e) => e);
    assert.ok(error instanceof TransientError, String(error));
    assert.match(error.message, /no answer within 0\.1s \(after 2 attempts\)/);
  } finally {
    await c.close();
    await slow.shutdown();
  }
});

Deno.test("connections are reused: sequential requests arrive over one TCP connection", async () => {
  const ports = new Set<number>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen(): void {} },
    async (request, info) => {
      await request.body?.cancel();
      ports.add((info.remoteAddr as Deno.NetAddr).port);
      return Response.json({ responseCode: 1 }, { status: 201 });
    },
  );
  const c = client(`http://127.0.0.1:${server.addr.port}`, { concurrency: 1 });
  try {
    for (let i = 0; i < 5; i++) await c.put({ ...dataset, handle: `21.TEST/reuse-${i}` });
    assert.equal(ports.size, 1, `requests came from ${ports.size} client ports`);
  } finally {
    await c.close();
    await server.shutdown();
  }
});
