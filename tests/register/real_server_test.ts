/**
 * The REST client against a real Handle.Net 9.2.0 server: sessions opened its way, each
 * TLS setting (pin, no verification, the system's roots), refusals and their one-line
 * reasons. One server serves every test of the file.
 */

import assert from "node:assert/strict";
import { ConfigurationError } from "../../src/errors/mod.ts";
import type { HandleRecord } from "../../src/records/mod.ts";
import { HandleRestClient, type HandleRestOptions } from "../../src/register/mod.ts";
import { compareRecord } from "../../src/verify/compare.ts";
import {
  type RealHandleServer,
  realHandleTest,
  startRealHandleServer,
} from "../support/real_handle.ts";

const PREFIX = "21.14100";
let shared: Promise<RealHandleServer> | undefined;

/** The file's server, started by the first test that needs it (stopped by the last). */
function server(): Promise<RealHandleServer> {
  shared ??= startRealHandleServer({ prefix: PREFIX });
  return shared;
}

function client(s: RealHandleServer, options: Partial<HandleRestOptions> = {}): HandleRestClient {
  return new HandleRestClient({
    serverUrl: s.url,
    prefix: s.prefix,
    username: s.username,
    password: s.password,
    timeout: 10,
    concurrency: 8,
    policy: { retries: 1, backoffInitial: 0.01, backoffMax: 0.02 },
    tls: { pinSha256: s.pin },
    ...options,
  });
}

function records(stem: string, count: number): HandleRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    handle: `${PREFIX}/${stem}-${i}`,
    URL: `https://lp.example.org/${stem}-${i}`,
    data: { AGGREGATION_LEVEL: "FILE", FILE_SIZE: i },
  }));
}

realHandleTest(
  "real Handle.Net: one session registers 100 handles over a pinned certificate; verify finds them",
  async () => {
    const s = await server();
    const c = client(s);
    try {
      const written = records("pinned", 100);
      const results = await Promise.all(written.map((r) => c.put(r)));
      assert.deepEqual(new Set(results), new Set(["created"]));
      assert.equal(c.sessionsOpened, 1);
      assert.equal(await c.put(written[0]), "replaced");
      for (const record of [written[0], written[99]]) {
        const report = compareRecord(record, await c.get(record.handle), { prefix: PREFIX });
        assert.equal(report.status, "ok", JSON.stringify(report));
      }
      assert.equal(await c.get(`${PREFIX}/pinned-none`), undefined);
      // the body is UTF-8 and says so: without a charset the server reads ISO-8859-1
      const text = "Ünïcødé ✓";
      await c.put({
        handle: `${PREFIX}/unicode`,
        URL: "https://lp.example.org/u",
        data: { TITLE: text },
      });
      const values = await c.get(`${PREFIX}/unicode`);
      assert.equal(values?.find((v) => v.type === "TITLE")?.data.value, text);
    } finally {
      await c.close();
    }
  },
);

realHandleTest(
  "real Handle.Net: verify_https = false registers too; the system's roots refuse the self-signed certificate",
  async () => {
    const s = await server();
    const off = client(s, { tls: { verify: false } });
    const strict = client(s, { tls: {} });
    try {
      assert.equal(await off.put(records("off", 1)[0]), "created");
      const error = await strict.put(records("strict", 1)[0]).then(() => undefined, (e) => e);
      assert.ok(error instanceof ConfigurationError, String(error));
      assert.match(error.message, /TLS: .*not trust.*ca_file.*tls_pin_sha256.*handle-cert/);
    } finally {
      await off.close();
      await strict.close();
    }
  },
);

realHandleTest(
  "real Handle.Net: a wrong password stops with the server's reason, never the password",
  async () => {
    const s = await server();
    const wrong = client(s, { password: "not-the-password-42" });
    const basic = client(s, { password: "not-the-password-42", sessions: false });
    try {
      const error = await wrong.put(records("wrong", 1)[0]).then(() => undefined, (e) => e);
      assert.ok(error instanceof ConfigurationError, String(error));
      assert.match(
        error.message,
        /did not authenticate user 300:21\.14100\/testuser: Identity not verified/,
      );
      assert.ok(!error.message.includes("not-the-password-42"));
      const refused = await basic.put(records("wrong", 1)[0]).then(() => undefined, (e) => e);
      assert.ok(refused instanceof ConfigurationError, String(refused));
      assert.match(refused.message, /refused user .*HTTP 401/);
      assert.equal(await client(s).get(`${PREFIX}/wrong-0`), undefined, "nothing was written");
    } finally {
      await wrong.close();
      await basic.close();
    }
  },
);

realHandleTest(
  "real Handle.Net: credentials over plain HTTP are refused with the hint to use https",
  async () => {
    const s = await server();
    const plain = client(s, { serverUrl: s.httpUrl, tls: {} });
    try {
      const error = await plain.put(records("plain", 1)[0]).then(() => undefined, (e) => e);
      assert.ok(error instanceof ConfigurationError, String(error));
      assert.match(error.message, /only over HTTPS: use https:\/\/ in server_url/);
    } finally {
      await plain.close();
    }
  },
);

realHandleTest("real Handle.Net: a closed session is replaced and the writes go on", async () => {
  const s = await server();
  const c = client(s);
  try {
    await c.put(records("renew", 2)[0]);
    assert.equal(c.sessionsOpened, 1);
    // close the session behind the client's back, as an expiry would
    await c.close();
    await c.put(records("renew", 2)[1]);
    assert.equal(c.sessionsOpened, 2);
    assert.ok(await c.get(`${PREFIX}/renew-1`));
  } finally {
    await c.close();
    await (await server())[Symbol.asyncDispose]();
  }
});
