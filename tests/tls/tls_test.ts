/**
 * The TLS transports against real TLS servers on 127.0.0.1 whose certificates openssl
 * makes the way Handle.Net's are (self-signed `CN=anonymous`, no extensions, valid for no
 * host name) or the way a site CA issues them. The pins are checked against openssl's own
 * fingerprint of the certificate, not against our computation.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import {
  createTransport,
  describeTlsFailure,
  inspectCertificate,
  normalizePin,
  PinMismatchError,
} from "../../src/tls/mod.ts";
import { makeSiteCertificates, openssl, opensslPin } from "../support/certificates.ts";

/**
 * A self-signed `CN=anonymous` certificate without names, like Handle.Net's (which has no
 * extensions at all; a key identifier is added here as Deno's TLS server refuses version 1).
 */
async function anonymousCertificate(dir: string, stem: string): Promise<void> {
  await Deno.writeTextFile(join(dir, `${stem}.cnf`), "subjectKeyIdentifier=hash\n");
  await openssl(dir, ["genrsa", "-out", `${stem}.key`, "2048"]);
  await openssl(dir, [
    "req",
    "-new",
    "-key",
    `${stem}.key`,
    "-subj",
    "/CN=anonymous",
    "-out",
    `${stem}.csr`,
  ]);
  await openssl(dir, [
    "x509",
    "-req",
    "-in",
    `${stem}.csr`,
    "-signkey",
    `${stem}.key`,
    "-days",
    "2",
    "-extfile",
    `${stem}.cnf`,
    "-out",
    `${stem}.pem`,
  ]);
}

interface Served {
  url: string;
  requests: string[];
  connections: () => number;
  close(): Promise<void>;
}

/** An HTTPS server that answers every request with JSON naming it, chunked or sized. */
function serve(dir: string, stem: string): Served {
  const requests: string[] = [];
  const connections = 0;
  const seen = new WeakSet<object>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: Deno.readTextFileSync(join(dir, `${stem}.pem`)),
    key: Deno.readTextFileSync(join(dir, `${stem}.key`)),
    onListen(): void {},
  }, async (request, info) => {
    if (!seen.has(info.remoteAddr)) {
      seen.add(info.remoteAddr);
    }
    const body = await request.text();
    requests.push(`${request.method} ${new URL(request.url).pathname} ${body}`);
    const path = new URL(request.url).pathname;
    if (path === "/chunked") {
      const stream = ReadableStream.from(
        [`{"part":`, `"one"}`].map((s) => new TextEncoder().encode(s)),
      );
      return new Response(stream, { headers: { "content-type": "application/json" } });
    }
    if (path === "/empty") return new Response(null, { status: 204 });
    return Response.json({
      method: request.method,
      auth: request.headers.get("authorization"),
      body,
    }, { status: path === "/created" ? 201 : 200 });
  });
  server.finished.then(() => {});
  const port = server.addr.port;
  return {
    url: `https://127.0.0.1:${port}`,
    requests,
    connections: () => connections,
    async close(): Promise<void> {
      await server.shutdown();
    },
  };
}

Deno.test("tls: a pinned self-signed certificate without names is accepted, with keep-alive, chunked and empty bodies", async () => {
  const dir = await Deno.makeTempDir();
  await anonymousCertificate(dir, "server");
  const served = serve(dir, "server");
  const pin = await opensslPin(dir, "server.pem");
  const transport = createTransport({ pinSha256: pin });
  try {
    assert.equal(transport.verification, "pin");
    const put = await transport.fetch(`${served.url}/created`, {
      method: "PUT",
      headers: { Authorization: "Basic abc", "Content-Type": "application/json" },
      body: '{"values":[]}',
    });
    assert.equal(put.status, 201);
    assert.deepEqual(await put.json(), { method: "PUT", auth: "Basic abc", body: '{"values":[]}' });
    const chunked = await transport.fetch(`${served.url}/chunked`);
    assert.deepEqual(await chunked.json(), { part: "one" });
    const empty = await transport.fetch(`${served.url}/empty`, { method: "DELETE" });
    assert.equal(empty.status, 204);
    assert.equal(await empty.text(), "");
    // many requests at once, then sequential ones on the pooled connections
    const all = await Promise.all(
      Array.from(
        { length: 20 },
        (_, i) => transport.fetch(`${served.url}/n${i}`).then((r) => r.json()),
      ),
    );
    assert.deepEqual(all.map((a) => a.method), Array(20).fill("GET"));
    assert.equal(served.requests.length, 23);
  } finally {
    transport.close();
    await served.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tls: a wrong pin is refused before a byte of the request reaches the server", async () => {
  const dir = await Deno.makeTempDir();
  await anonymousCertificate(dir, "server");
  await anonymousCertificate(dir, "other");
  const served = serve(dir, "server");
  const actual = await opensslPin(dir, "server.pem");
  const transport = createTransport({ pinSha256: await opensslPin(dir, "other.pem") });
  try {
    const error = await transport.fetch(`${served.url}/x`, {
      method: "PUT",
      headers: { Authorization: "Basic c2VjcmV0" },
      body: "{}",
    }).then(() => undefined, (e) => e);
    assert.ok(error instanceof PinMismatchError, String(error));
    assert.equal(error.actual, actual);
    assert.deepEqual(served.requests, [], "the server saw no request");
    const line = describeTlsFailure(error, { base: served.url, section: "handles.profiles.x" })!;
    assert.match(line, new RegExp(`has SHA-256 ${actual}`));
    assert.match(line, /tls_pin_sha256 in \[handles\.profiles\.x\]/);
    assert.ok(!line.includes("\n"));
  } finally {
    transport.close();
    await served.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tls: verify = false accepts any certificate; the default refuses it naming ca_file and the pin", async () => {
  const dir = await Deno.makeTempDir();
  await anonymousCertificate(dir, "server");
  const served = serve(dir, "server");
  const off = createTransport({ verify: false });
  const strict = createTransport({});
  try {
    assert.equal(off.verification, "off");
    assert.equal((await off.fetch(`${served.url}/a`)).status, 200);
    const error = await strict.fetch(`${served.url}/a`).then(() => undefined, (e) => e);
    assert.ok(error !== undefined);
    const line = describeTlsFailure(error, { base: served.url, section: "handle" });
    assert.match(line ?? "", /not trust.*ca_file in \[handle\].*tls_pin_sha256/);
  } finally {
    off.close();
    strict.close();
    await served.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tls: ca_file trusts the CA but still checks the name; the failure suggests the pin", async () => {
  const dir = await Deno.makeTempDir();
  // a site CA, and a certificate it issued for CN=anonymous without subjectAltName
  await makeSiteCertificates(dir, { subject: "/CN=anonymous" });
  const served = serve(dir, "server");
  const withCa = createTransport({ caFile: join(dir, "ca.pem") });
  try {
    assert.equal(withCa.verification, "ca_file");
    const error = await withCa.fetch(`${served.url}/a`).then(() => undefined, (e) => e);
    const line = describeTlsFailure(error, { base: served.url, section: "handle" });
    assert.match(line ?? "", /not valid for this host name.*tls_pin_sha256 in \[handle\]/);
    // the pin of that very certificate goes through
    const pinned = createTransport({ pinSha256: await opensslPin(dir, "server.pem") });
    assert.equal((await pinned.fetch(`${served.url}/a`)).status, 200);
    pinned.close();
    const info = await inspectCertificate(served.url, { caFile: join(dir, "ca.pem") });
    assert.equal(info.subject, "CN=anonymous");
    assert.equal(info.issuer, "CN=piddiplatsch test CA");
    assert.deepEqual(info.names, []);
    assert.equal(info.pin, await opensslPin(dir, "server.pem"));
    assert.match(info.untrustedBecause ?? "", /127\.0\.0\.1/, JSON.stringify(info));
  } finally {
    withCa.close();
    await served.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tls: normalizePin takes colons and any case, refuses what is no SHA-256", () => {
  const hex = "e8390bdf407f301bc962895417fb32eaea583da0ad2bb929114e6c882cf3c0c7";
  const colons = hex.toUpperCase().match(/../g)!.join(":");
  assert.equal(normalizePin(colons), hex);
  assert.equal(normalizePin(` ${hex} `), hex);
  assert.equal(normalizePin(hex.slice(2)), undefined);
  assert.equal(normalizePin("zz" + hex.slice(2)), undefined);
  assert.throws(() => createTransport({ pinSha256: "abc" }), /64 hex digits/);
});
