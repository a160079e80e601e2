/** The REST client's session against the real handle-server over HTTP: one password check a run. */

import assert from "node:assert/strict";
import { ConfigurationError } from "../../src/errors/mod.ts";
import type { HandleRecord } from "../../src/records/mod.ts";
import { HandleRestClient, type HandleRestOptions } from "../../src/register/mod.ts";
import { startTestHandleServer, TEST_PASSWORD, TEST_USER } from "../helpers.ts";

function client(serverUrl: string, options: Partial<HandleRestOptions> = {}): HandleRestClient {
  return new HandleRestClient({
    serverUrl,
    prefix: "21.TEST",
    username: TEST_USER,
    password: TEST_PASSWORD,
    timeout: 5,
    concurrency: 8,
    policy: { retries: 1, backoffInitial: 0.01, backoffMax: 0.02 },
    ...options,
  });
}

function records(stem: string, count: number): HandleRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    handle: `21.TEST/${stem}-${i}`,
    URL: `https://lp.example.org/${stem}-${i}`,
    data: { AGGREGATION_LEVEL: "FILE", FILE_SIZE: i },
  }));
}

Deno.test("a session registers 200 handles with one password check on the server", async () => {
  const server = await startTestHandleServer();
  const c = client(server.url);
  try {
    await Promise.all(records("s", 200).map((r) => c.put(r)));
    assert.equal(server.size(), 200);
    assert.equal(server.passwordChecks(), 1);
    assert.equal(c.sessionsOpened, 1);
    const values = await c.get("21.TEST/s-199");
    assert.equal(values?.find((v) => v.type === "URL")?.data.value, "https://lp.example.org/s-199");
  } finally {
    await c.close();
    await server.close();
  }
});

Deno.test("a session that expires mid-run is replaced and the run goes on", async () => {
  const server = await startTestHandleServer({ sessionTtlSeconds: 0.3 });
  const c = client(server.url);
  try {
    await Promise.all(records("e1", 10).map((r) => c.put(r)));
    assert.equal(server.passwordChecks(), 1);
    await new Promise((resolve) => setTimeout(resolve, 600));
    await Promise.all(records("e2", 10).map((r) => c.put(r)));
    assert.equal(server.size(), 20);
    assert.equal(c.sessionsOpened, 2, "one new session after the expiry");
    assert.equal(server.passwordChecks(), 2);
  } finally {
    await c.close();
    await server.close();
  }
});

Deno.test("a server without sessions gets Basic credentials on every write", async () => {
  const server = await startTestHandleServer({ sessions: false });
  const c = client(server.url);
  try {
    await Promise.all(records("b", 20).map((r) => c.put(r)));
    assert.equal(server.size(), 20);
    assert.equal(c.sessionsOpened, 0);
    assert.equal(server.passwordChecks(), 20);
  } finally {
    await c.close();
    await server.close();
  }
});

Deno.test("a wrong password is a configuration error, with and without sessions", async () => {
  for (const sessions of [true, false]) {
    const server = await startTestHandleServer({ sessions });
    const c = client(server.url, { password: "Zq7-not-it" });
    try {
      const error = await c.put(records("w", 1)[0]).then(() => undefined, (e) => e);
      assert.ok(error instanceof ConfigurationError, `sessions ${sessions}: ${error}`);
      assert.match(
        error.message,
        sessions
          ? /did not authenticate user 300:21\.TEST\/testuser: Identity not verified/
          : /refused user 300:21\.TEST\/testuser: HTTP 401/,
      );
      assert.ok(!error.message.includes("Zq7-not-it"), "the password is not in the message");
      assert.equal(server.size(), 0);
    } finally {
      await c.close();
      await server.close();
    }
  }
});
