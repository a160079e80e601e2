/**
 * The security keys' checks without a broker: host-name verification against a TLS server
 * whose certificate names another host (on by default, off with
 * `ssl.endpoint.identification.algorithm = "none"`), the one-line refusals of settings
 * that cannot work (each naming its key, never the secret), and `send` against a broker
 * that is not there (exit 3 after `connect_timeout`, one last line).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigurationError, TransientError } from "../../src/errors/mod.ts";
import { checkKafka, kafkaSecurity, toPlatformatic } from "../../src/kafka/mod.ts";
import { makeAuthority, makeCertificate } from "../../tools/kafka/certs.ts";
import { freePort } from "../../tools/kafka/ports.ts";
import { makeWorkspace, runCli } from "../helpers.ts";

/** A TLS server that completes the handshake and closes: TLS, but not Kafka. */
function tlsServer(cert: string, key: string): { address: string; close(): void } {
  const listener = Deno.listenTls({ hostname: "127.0.0.1", port: 0, cert, key });
  (async () => {
    for await (const conn of listener) {
      conn.handshake().catch(() => {}).finally(() => {
        try {
          conn.close();
        } catch {
          // already closed
        }
      });
    }
  })().catch(() => {});
  return { address: `127.0.0.1:${listener.addr.port}`, close: () => listener.close() };
}

Deno.test(
  "host-name verification is on by default; ssl.endpoint.identification.algorithm = none switches it off",
  { sanitizeOps: false, sanitizeResources: false },
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "piddi-hostname-" });
    const ca = await makeAuthority(dir, "ca");
    const elsewhere = await makeCertificate(dir, "elsewhere", {
      ca,
      commonName: "elsewhere.invalid",
      altNames: ["DNS:elsewhere.invalid"],
    });
    const server = tlsServer(
      await Deno.readTextFile(elsewhere.cert),
      await Deno.readTextFile(elsewhere.key),
    );
    try {
      const kafka = {
        "bootstrap.servers": server.address,
        "security.protocol": "SSL",
        "ssl.ca.location": ca.cert,
      };
      await assert.rejects(
        checkKafka({ client: toPlatformatic(kafka).consumer, connectTimeoutMs: 1500 }),
        (e: Error) =>
          e instanceof ConfigurationError &&
          /does not name this host .*"ssl\.endpoint\.identification\.algorithm"/.test(e.message),
      );
      // The chain is still checked, the name is not: the handshake passes, and what fails
      // then is Kafka (the server is none): an outage, retried until connect_timeout.
      const none = { ...kafka, "ssl.endpoint.identification.algorithm": "none" };
      await assert.rejects(
        checkKafka({ client: toPlatformatic(none).consumer, connectTimeoutMs: 1500 }),
        (e: Error) => e instanceof TransientError && /connect_timeout/.test(e.message),
      );
    } finally {
      server.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test("settings that cannot work are one line naming the key, never the secret", async () => {
  const dir = await Deno.makeTempDir({ prefix: "piddi-keys-" });
  try {
    const ca = await makeAuthority(dir, "ca");
    const client = await makeCertificate(dir, "client", {
      ca,
      commonName: "client",
      usage: "clientAuth",
      keyPassword: "key-secret-1",
    });
    const other = await makeCertificate(dir, "other", { ca, commonName: "other" });
    const expired = await makeCertificate(dir, "expired", { ca, commonName: "old", days: -1 });
    await Deno.writeTextFile(join(dir, "not.pem"), "not a certificate\n");
    const ssl = {
      "bootstrap.servers": "h:1",
      "security.protocol": "SSL",
      "ssl.ca.location": ca.cert,
      "ssl.certificate.location": client.cert,
      "ssl.key.location": client.key,
      "ssl.key.password": "key-secret-1",
    };
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ ...ssl, "security.protocol": "TLS" }, /"security\.protocol" = "TLS" is not one of/],
      [
        { ...ssl, "security.protocol": "SASL_SSL", "sasl.mechanisms": "GSSAPI" },
        /"sasl\.mechanisms" = "GSSAPI" is not supported/,
      ],
      [
        { ...ssl, "ssl.ca.location": join(dir, "missing.pem") },
        /"ssl\.ca\.location" = .* cannot be read/,
      ],
      [
        { ...ssl, "ssl.ca.location": join(dir, "not.pem") },
        /"ssl\.ca\.location" = .* is not a PEM file/,
      ],
      [
        { ...ssl, "ssl.key.location": "" },
        /"ssl\.certificate\.location" and "ssl\.key\.location" go together/,
      ],
      [{ ...ssl, "ssl.key.password": "wrong-secret-2" }, /"ssl\.key\.password" does not open/],
      [
        { ...ssl, "ssl.key.password": "" },
        /cannot be read without a password: set "ssl\.key\.password"/,
      ],
      [
        { ...ssl, "ssl.certificate.location": other.cert },
        /is not the key of "ssl\.certificate\.location"/,
      ],
      [
        { ...ssl, "ssl.certificate.location": expired.cert, "ssl.key.location": expired.key },
        /the client certificate expired on/,
      ],
      [
        { ...ssl, "ssl.endpoint.identification.algorithm": "dns" },
        /"ssl\.endpoint\.identification\.algorithm" = "dns" is not "https" or "none"/,
      ],
    ];
    for (const [kafka, expected] of cases) {
      assert.throws(() => kafkaSecurity(kafka), (e: Error) => {
        assert.ok(e instanceof ConfigurationError, String(e));
        assert.match(e.message, expected);
        assert.doesNotMatch(e.message, /secret-[12]/);
        assert.equal(e.message.includes("\n"), false);
        return true;
      });
    }
    // And the good one: the client certificate with its key, host names checked.
    const good = kafkaSecurity(ssl);
    assert.equal(good.tls?.passphrase, "key-secret-1");
    assert.ok(good.tls?.cert?.includes("BEGIN CERTIFICATE"));
    assert.equal(good.tls?.checkServerIdentity, undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("send to a broker that is not there: exit 3 after connect_timeout, one last line", async () => {
  const port = freePort(); // nothing listens here
  const ws = await makeWorkspace({
    bootstrap: `127.0.0.1:${port}`,
    sections: { kafka: ["connect_timeout = 2"] },
  });
  try {
    await Deno.writeTextFile(join(ws.dir, "one.jsonl"), "{}\n");
    const run = await runCli(["-c", ws.config, "send", "one.jsonl"], { cwd: ws.dir });
    assert.equal(run.code, 3, run.stderr);
    const last = run.stderr.trim().split("\n").at(-1)!;
    assert.match(
      last,
      new RegExp(
        `^send: Kafka at bootstrap.servers = "127\\.0\\.0\\.1:${port}" cannot be reached: .*` +
          `ECONNREFUSED.*\\(gave up after 2 s, \\[kafka\\]\\.connect_timeout\\)$`,
      ),
    );
    assert.doesNotMatch(run.stderr, /write after end|Not connected|TimeoutNegativeWarning/);
    assert.equal(run.stdout, "");
  } finally {
    await ws.remove();
  }
});
