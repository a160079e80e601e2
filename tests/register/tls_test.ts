/**
 * The Handle client over real TLS: a site CA made with openssl for the test, the
 * handle-server's request handler served over HTTPS on 127.0.0.1.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigurationError } from "../../src/errors/mod.ts";
import { createHandleHandler, HandleStore } from "../../src/handle_server/mod.ts";
import { HandleRestClient } from "../../src/register/mod.ts";
import { TEST_PASSWORD, TEST_PREFIX, TEST_USER } from "../helpers.ts";
import { makeSiteCertificates } from "../support/certificates.ts";

Deno.test("TLS is verified: an unknown CA stops the run; ca_file trusts the site CA", async () => {
  const dir = await Deno.makeTempDir();
  const store = await HandleStore.open();
  const server = await (async () => {
    await makeSiteCertificates(dir, { subject: "/CN=127.0.0.1", san: "IP:127.0.0.1" });
    return Deno.serve(
      {
        hostname: "127.0.0.1",
        port: 0,
        cert: await Deno.readTextFile(join(dir, "server.pem")),
        key: await Deno.readTextFile(join(dir, "server.key")),
        onListen(): void {},
      },
      createHandleHandler(store, {
        prefix: TEST_PREFIX,
        username: TEST_USER,
        password: TEST_PASSWORD,
      }),
    );
  })();
  const serverUrl = `https://127.0.0.1:${server.addr.port}`;
  const options = {
    serverUrl,
    prefix: TEST_PREFIX,
    username: TEST_USER,
    password: TEST_PASSWORD,
    timeout: 5,
    concurrency: 2,
    policy: { retries: 3, backoffInitial: 0.01, backoffMax: 0.01 },
  };
  const record = {
    handle: `${TEST_PREFIX}/tls-1`,
    URL: "https://lp.example.org/x",
    data: { A: "b" },
  };
  try {
    let retried = 0;
    const untrusted = new HandleRestClient({ ...options, onRetry: () => retried++ });
    const error = await untrusted.put(record).then(() => undefined, (e) => e);
    await untrusted.close();
    assert.ok(error instanceof ConfigurationError, String(error));
    assert.match(error.message, /TLS: .*CA this host does not trust.*ca_file/);
    assert.equal(retried, 0, "a certificate problem is not retried");

    const trusted = new HandleRestClient({ ...options, tls: { caFile: join(dir, "ca.pem") } });
    await trusted.put(record);
    const values = await trusted.get(record.handle);
    await trusted.close();
    assert.equal(values?.find((v) => v.type === "A")?.data.value, "b");
  } finally {
    await server.shutdown();
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
