/** `[kafka]` librdkafka keys → kafkajs options (and the TLS options both clients share). */

import assert from "node:assert/strict";
import { toKafkajs, toPlatformatic } from "../../src/kafka/mod.ts";
import { makeAuthority, makeCertificate } from "../../tools/kafka/certs.ts";

Deno.test("plaintext defaults", () => {
  const out = toKafkajs({
    "bootstrap.servers": "a:9092, b:9093",
    "group.id": "g",
    "client.id": "c",
    "auto.offset.reset": "latest",
    "session.timeout.ms": 12000,
    "enable.auto.commit": false,
    "fetch.min.bytes": 1,
    "fetch.wait.max.ms": 200,
    "max.partition.fetch.bytes": 2097152,
    "queued.min.messages": 1000,
  });
  assert.deepEqual(out.client.brokers, ["a:9092", "b:9093"]);
  assert.equal(out.client.clientId, "c");
  assert.equal(out.client.ssl, undefined);
  assert.equal(out.client.sasl, undefined);
  assert.equal(out.consumer.groupId, "g");
  assert.equal(out.consumer.sessionTimeout, 12000);
  assert.equal(out.consumer.heartbeatInterval, 3000);
  assert.equal(out.fromBeginning, false);
  assert.equal(out.consumer.minBytes, 1);
  assert.equal(out.consumer.maxWaitTimeInMs, 200);
  assert.equal(out.consumer.maxBytesPerPartition, 2097152);
  assert.equal("maxBytes" in out.consumer, false); // kafkajs's default when not set
  assert.deepEqual(out.ignored, ["queued.min.messages"]);
});

Deno.test("SSL with a CA file, SASL_SSL with SCRAM, SASL_PLAINTEXT with PLAIN", () => {
  const ssl = toKafkajs(
    { "bootstrap.servers": "a:9093", "security.protocol": "SSL", "ssl.ca.location": "/ca.pem" },
    { readFile: (path) => `-----BEGIN CERTIFICATE----- of ${path}` },
  );
  assert.deepEqual(ssl.client.ssl, { ca: ["-----BEGIN CERTIFICATE----- of /ca.pem"] });
  const scram = toKafkajs({
    "bootstrap.servers": "a:9093",
    "security.protocol": "SASL_SSL",
    "sasl.mechanisms": "SCRAM-SHA-512",
    "sasl.username": "u",
    "sasl.password": "p",
  });
  assert.equal(scram.client.ssl, true);
  assert.deepEqual(scram.client.sasl, { mechanism: "scram-sha-512", username: "u", password: "p" });
  const plain = toKafkajs({
    "bootstrap.servers": "a:9092",
    "security.protocol": "SASL_PLAINTEXT",
    "sasl.mechanisms": "PLAIN",
    "sasl.username": "u",
    "sasl.password": "p",
  });
  assert.equal(plain.client.ssl, undefined);
  assert.equal((plain.client.sasl as { mechanism: string }).mechanism, "plain");
  assert.equal(
    toKafkajs({ "bootstrap.servers": "a:1", "auto.offset.reset": "earliest" }).fromBeginning,
    true,
  );
});

Deno.test("client certificates and host-name checks reach both clients' TLS options", async () => {
  const dir = await Deno.makeTempDir({ prefix: "piddi-mtls-" });
  try {
    const ca = await makeAuthority(dir, "ca");
    const client = await makeCertificate(dir, "client", {
      ca,
      commonName: "client",
      usage: "clientAuth",
      keyPassword: "pw",
    });
    const kafka = {
      "bootstrap.servers": "a:9094",
      "security.protocol": "SSL",
      "ssl.ca.location": ca.cert,
      "ssl.certificate.location": client.cert,
      "ssl.key.location": client.key,
      "ssl.key.password": "pw",
    };
    const kafkajs = toKafkajs(kafka).client.ssl as Record<string, unknown>;
    const platformatic = toPlatformatic(kafka).consumer.tls as Record<string, unknown>;
    for (const tls of [kafkajs, platformatic]) {
      assert.equal(tls.cert, await Deno.readTextFile(client.cert));
      assert.equal(tls.key, await Deno.readTextFile(client.key));
      assert.equal(tls.passphrase, "pw");
      assert.deepEqual(tls.ca, [await Deno.readTextFile(ca.cert)]);
      assert.equal(tls.checkServerIdentity, undefined); // host names are checked by default
    }
    assert.deepEqual(toKafkajs(kafka).ignored, []);
    const none = { ...kafka, "ssl.endpoint.identification.algorithm": "none" };
    for (const tls of [toKafkajs(none).client.ssl, toPlatformatic(none).consumer.tls]) {
      const check = (tls as { checkServerIdentity?: () => unknown }).checkServerIdentity;
      assert.equal(typeof check, "function");
      assert.equal(check!(), undefined); // any name passes
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
