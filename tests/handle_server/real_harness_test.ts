/**
 * The real Handle.Net harness itself: a server starts, takes a handle over HTTPS, stops,
 * starts again on its folder and still holds the handle; its certificate and pin match
 * what the TLS handshake presents.
 */

import assert from "node:assert/strict";
import { request } from "node:https";
import { connect } from "node:tls";
import { realHandleTest, startRealHandleServer } from "../support/real_handle.ts";

interface Answer {
  status: number;
  body: string;
}

/** One HTTPS request that trusts the self-signed certificate blindly (tests only). */
function send(
  url: string,
  options: { method: string; auth?: string; body?: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (options.auth) headers.authorization = `Basic ${btoa(options.auth)}`;
    const req = request(
      url,
      { method: options.method, headers, rejectUnauthorized: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => body += chunk);
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** The DER certificate the server presents, as lowercase hex SHA-256. */
function presentedPin(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, rejectUnauthorized: false }, async () => {
      try {
        const raw = new Uint8Array(socket.getPeerCertificate().raw);
        const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", raw));
        resolve(Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""));
      } catch (error) {
        reject(error);
      } finally {
        socket.end();
      }
    });
    socket.on("error", reject);
  });
}

realHandleTest("real Handle.Net server keeps its handles across a restart", async () => {
  await using server = await startRealHandleServer({ prefix: "21.T18H" });
  assert.equal(server.username, "300:21.T18H/testuser");
  assert.match(server.certPem, /^-----BEGIN CERTIFICATE-----/);
  assert.match(server.pin, /^[0-9a-f]{64}$/);
  assert.equal(await presentedPin(server.port), server.pin);

  const auth = `${encodeURIComponent(server.username)}:${server.password}`;
  const handle = `${server.url}/api/handles/21.T18H/harness-1`;
  const values = [{ index: 1, type: "URL", data: "https://example.org/harness" }];
  const created = await send(handle, { method: "PUT", auth, body: JSON.stringify({ values }) });
  assert.equal(created.status, 201, created.body);

  await server.stop();
  await assert.rejects(fetch(`${server.httpUrl}/api/handles/21.T18H/harness-1`));
  await server.start();

  const read = await fetch(`${server.httpUrl}/api/handles/21.T18H/harness-1`);
  const record = await read.json();
  assert.equal(read.status, 200);
  assert.equal(record.values[0].data.value, "https://example.org/harness");
});

realHandleTest("a real Handle.Net server that cannot start fails, it does not skip", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    await assert.rejects(
      startRealHandleServer({ prefix: "21.T18F", port: taken.addr.port }),
      /in use/,
    );
  } finally {
    taken.close();
  }
});
