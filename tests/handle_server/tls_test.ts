/**
 * handle-server `--tls` presents a certificate like a fresh Handle.Net server's: one port
 * speaking HTTPS and plain HTTP, a self-signed certificate for `CN=anonymous` whose pin is
 * known at start, valid for no host name unless names are asked for. Against a real server
 * (when ../shared/handle-net is there) the same TLS settings give the same outcomes.
 */

import assert from "node:assert/strict";
import { connect } from "node:tls";
import { startHandleServer } from "../../src/handle_server/mod.ts";
import { realHandleTest, startRealHandleServer } from "../support/real_handle.ts";

const ACCOUNT = { prefix: "21.T18T", username: "300:21.T18T/testuser", password: "testpass" };

/** Lowercase hex SHA-256 of the certificate presented on a port, and its subject. */
function presented(port: number): Promise<{ pin: string; subject: string; altNames?: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, rejectUnauthorized: false }, async () => {
      try {
        const cert = socket.getPeerCertificate();
        const raw = new Uint8Array(cert.raw);
        const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", raw));
        resolve({
          pin: Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""),
          subject: String(cert.subject?.CN),
          altNames: cert.subjectaltname || undefined,
        });
      } catch (error) {
        reject(error);
      } finally {
        socket.end();
      }
    });
    socket.on("error", reject);
  });
}

/** Whether a GET over HTTPS trusting exactly this certificate (with host-name check) works. */
async function trustsWithCaFile(url: string, certPem: string): Promise<boolean> {
  const client = Deno.createHttpClient({ caCerts: [certPem] });
  try {
    const response = await fetch(`${url}/api/handles/21.T18T/testuser`, { client });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  } finally {
    client.close();
  }
}

Deno.test("handle-server --tls: pinned self-signed certificate, HTTPS and HTTP on one port", async () => {
  const server = await startHandleServer({ ...ACCOUNT, tls: true });
  try {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(server.httpUrl, server.url.replace("https:", "http:"));
    const cert = await presented(server.port);
    assert.equal(cert.pin, server.pin);
    assert.equal(cert.subject, "anonymous");
    assert.equal(cert.altNames, undefined);
    assert.equal(await trustsWithCaFile(server.url, server.certPem!), false, "no host name");
    const read = await fetch(`${server.httpUrl}/api/handles/21.T18T/testuser`);
    assert.equal(read.status, 200);
    await read.body?.cancel();
    const write = await fetch(`${server.httpUrl}/api/handles/21.T18T/x`, {
      method: "PUT",
      headers: {
        authorization: `Basic ${btoa(`${encodeURIComponent(ACCOUNT.username)}:testpass`)}`,
        "content-type": "application/json",
      },
      body: "[]",
    });
    assert.deepEqual([write.status, await write.json()], [403, {
      responseCode: 402,
      handle: "21.T18T/x",
    }]);
  } finally {
    await server.close();
  }
});

Deno.test("handle-server --tls-name: the certificate names the host, ca_file checks pass", async () => {
  const server = await startHandleServer({ ...ACCOUNT, tls: { names: ["127.0.0.1"] } });
  try {
    assert.equal((await presented(server.port)).altNames, "IP Address:127.0.0.1");
    assert.equal(await trustsWithCaFile(server.url, server.certPem!), true);
  } finally {
    await server.close();
  }
});

realHandleTest(
  "a real Handle.Net server's certificate behaves as handle-server --tls's",
  async () => {
    await using real = await startRealHandleServer({ prefix: ACCOUNT.prefix });
    const cert = await presented(real.port);
    assert.equal(cert.pin, real.pin);
    assert.equal(cert.subject, "anonymous");
    assert.equal(cert.altNames, undefined);
    assert.equal(await trustsWithCaFile(real.url, real.certPem), false, "no host name");
    const read = await fetch(`${real.httpUrl}/api/handles/21.T18T/testuser`);
    assert.equal(read.status, 200);
    await read.body?.cancel();
  },
);
