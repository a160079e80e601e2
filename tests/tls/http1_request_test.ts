/**
 * The request head our HTTP/1.1 client writes itself (`src/tls/http1.ts`): headers given as
 * an object, a `Headers` or pairs arrive alike; a UTF-8 body is framed by its byte length;
 * Host and Content-Length are always the client's; a line break in a header is refused
 * before anything is sent. Against a Deno HTTPS server with a self-signed certificate made
 * by openssl, pinned. `request()` hands back a plain answer and times out by its own timer.
 */

import assert from "node:assert/strict";
import { certificatePin, Http1Client } from "../../src/tls/http1.ts";
import { makeSelfSigned } from "../support/certificates.ts";

/** The pin of a PEM certificate. */
function pinOf(pem: string): string {
  const base64 = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
  return certificatePin(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
}

Deno.test("http1: headers in every form, a UTF-8 body by its byte length, Host and Content-Length ours; a line break refused", async () => {
  const dir = await Deno.makeTempDir();
  const { cert, key } = await makeSelfSigned(dir);
  const seen: Array<Record<string, string | null>> = [];
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert,
    key,
    onListen(): void {},
  }, async (request) => {
    const body = await request.text();
    seen.push({
      host: request.headers.get("host"),
      length: request.headers.get("content-length"),
      type: request.headers.get("content-type"),
      auth: request.headers.get("authorization"),
      body,
    });
    return new Response("ok");
  });
  const url = `https://127.0.0.1:${server.addr.port}/api/handles/21.T/x`;
  const client = new Http1Client({ pin: pinOf(cert) });
  try {
    const body = JSON.stringify({ value: "Überseeämter – ☃" });
    const forms: HeadersInit[] = [
      { Authorization: "Basic abc", "Content-Type": "application/json" },
      new Headers({ authorization: "Basic abc", "content-type": "application/json" }),
      [["Authorization", "Basic abc"], ["Content-Type", "application/json"]],
    ];
    for (const headers of forms) {
      const answer = await client.fetch(url, { method: "PUT", headers, body });
      assert.equal(await answer.text(), "ok");
    }
    // a Host or Content-Length given by the caller is replaced by the client's own
    const own = await client.fetch(url, {
      method: "PUT",
      headers: { Host: "elsewhere.example", "Content-Length": "3", "Content-Type": "text/plain" },
      body,
    });
    assert.equal(await own.text(), "ok");
    const expected = {
      host: `127.0.0.1:${server.addr.port}`,
      length: String(new TextEncoder().encode(body).length),
      body,
    };
    assert.equal(seen.length, 4);
    for (const request of seen.slice(0, 3)) {
      assert.deepEqual(request, { ...expected, type: "application/json", auth: "Basic abc" });
    }
    assert.deepEqual(seen[3], { ...expected, type: "text/plain", auth: null });

    await assert.rejects(
      client.fetch(url, { method: "PUT", headers: { Authorization: "x\r\nInjected: 1" }, body }),
      TypeError,
    );
    assert.equal(seen.length, 4, "nothing was sent");
  } finally {
    client.close();
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("http1: request() hands back status, headers in any case and UTF-8 text; a stalled answer times out and the next request goes through", async () => {
  const dir = await Deno.makeTempDir();
  const { cert, key } = await makeSelfSigned(dir);
  const stalled = Promise.withResolvers<void>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert,
    key,
    onListen(): void {},
  }, async (request) => {
    const target = new URL(request.url);
    if (target.pathname.startsWith("/echo")) return new Response(target.pathname + target.search);
    if (target.pathname === "/slow") {
      await stalled.promise;
      return new Response("late");
    }
    const body = await request.text();
    return new Response(`${request.method} ${body} – ☃`, {
      status: 201,
      headers: { "Retry-After": "7", "Content-Type": "text/plain; charset=utf-8" },
    });
  });
  const base = `https://127.0.0.1:${server.addr.port}`;
  const client = new Http1Client({ pin: pinOf(cert) });
  try {
    const answer = await client.request(`${base}/put`, {
      method: "PUT",
      headers: { "Content-Type": "text/plain" },
      body: "Ü",
      timeoutMs: 5000,
    });
    assert.equal(answer.status, 201);
    assert.equal(answer.text, "PUT Ü – ☃");
    assert.equal(answer.headers.get("retry-after"), "7");
    assert.equal(answer.headers.get("RETRY-AFTER"), "7");
    assert.equal(answer.headers.get("x-none"), null);
    assert.ok((answer.connectMs ?? 0) > 0, "the first request opened the connection");
    const reused = await client.request(`${base}/put`, { method: "PUT", body: "y" });
    assert.equal(reused.connectMs, 0, "the second one reused it");

    // the path as given when it is plain ASCII; what a URL would rewrite, rewritten
    const echo = async (path: string): Promise<string> =>
      (await client.request(`${base}${path}`, { method: "GET" })).text;
    assert.equal(await echo("/echo/21.T/a%2Fb?overwrite=true"), "/echo/21.T/a%2Fb?overwrite=true");
    assert.equal(await echo("/echo/ü y"), "/echo/%C3%BC%20y");
    assert.equal(await echo("/echo/a/../b"), "/echo/b");

    const started = performance.now();
    await assert.rejects(
      client.request(`${base}/slow`, { method: "GET", timeoutMs: 300 }),
      (error: unknown) => error instanceof DOMException && error.name === "TimeoutError",
    );
    const waited = performance.now() - started;
    assert.ok(waited >= 290 && waited < 3000, `gave up after ${waited} ms`);

    const again = await client.request(`${base}/put`, {
      method: "PUT",
      body: "x",
      timeoutMs: 5000,
    });
    assert.equal(again.text, "PUT x – ☃");
  } finally {
    stalled.resolve();
    client.close();
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
