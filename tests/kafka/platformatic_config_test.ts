/** `[kafka]` librdkafka keys → `@platformatic/kafka` options. */

import assert from "node:assert/strict";
import { toPlatformatic } from "../../src/kafka/mod.ts";

Deno.test("platformatic: plaintext keys, fetch sizes, the keys it ignores", () => {
  const out = toPlatformatic({
    "bootstrap.servers": "a:9092, b:9093",
    "group.id": "g",
    "client.id": "c",
    "auto.offset.reset": "latest",
    "session.timeout.ms": 12000,
    "heartbeat.interval.ms": 1000,
    "enable.auto.commit": false,
    "fetch.min.bytes": 1,
    "fetch.max.bytes": 52428800,
    "fetch.wait.max.ms": 200,
    "max.partition.fetch.bytes": 2097152,
    "queued.min.messages": 1000,
    connect_timeout: 5,
  });
  assert.deepEqual(out.consumer.bootstrapBrokers, ["a:9092", "b:9093"]);
  assert.equal(out.consumer.clientId, "c");
  assert.equal(out.consumer.groupId, "g");
  assert.equal(out.consumer.sessionTimeout, 12000);
  assert.equal(out.consumer.heartbeatInterval, 1000);
  assert.ok(out.consumer.rebalanceTimeout >= out.consumer.sessionTimeout);
  assert.equal(out.consumer.tls, undefined);
  assert.equal(out.consumer.sasl, undefined);
  assert.equal(out.consumer.minBytes, 1);
  assert.equal(out.consumer.maxBytes, 52428800);
  assert.equal(out.consumer.maxWaitTime, 200);
  assert.equal(out.consumer.maxBytesPerPartition, 2097152);
  assert.equal(out.fromBeginning, false);
  assert.deepEqual(out.ignored, ["queued.min.messages"]);
});

Deno.test("platformatic: defaults; the heartbeat follows the session timeout and stays below it", () => {
  const out = toPlatformatic({ "bootstrap.servers": "a:1", "session.timeout.ms": 6000 });
  assert.equal(out.consumer.groupId, "piddiplatsch-001");
  assert.equal(out.consumer.clientId, "piddiplatsch");
  assert.equal(out.consumer.heartbeatInterval, 2000);
  assert.equal(out.fromBeginning, true);
  // kafkajs' fetch defaults, not the client's own 50 MiB.
  assert.equal(out.consumer.minBytes, 1);
  assert.equal(out.consumer.maxBytes, 10 * 1024 * 1024);
  assert.equal(out.consumer.maxWaitTime, 5000);
  assert.equal(out.consumer.maxBytesPerPartition, 1024 * 1024);
  const capped = toPlatformatic({
    "bootstrap.servers": "a:1",
    "session.timeout.ms": 6000,
    "heartbeat.interval.ms": 9000,
  });
  assert.equal(capped.consumer.heartbeatInterval, 6000);
});

Deno.test("platformatic: SSL with a CA file, SASL_SSL with SCRAM, SASL_PLAINTEXT with PLAIN", () => {
  const ssl = toPlatformatic(
    { "bootstrap.servers": "a:9093", "security.protocol": "SSL", "ssl.ca.location": "/ca.pem" },
    { readFile: (path) => `-----BEGIN CERTIFICATE----- of ${path}` },
  );
  assert.deepEqual(ssl.consumer.tls, { ca: ["-----BEGIN CERTIFICATE----- of /ca.pem"] });
  assert.equal(ssl.consumer.sasl, undefined);
  const scram = toPlatformatic({
    "bootstrap.servers": "a:9093",
    "security.protocol": "SASL_SSL",
    "sasl.mechanisms": "scram-sha-512",
    "sasl.username": "u",
    "sasl.password": "p",
  });
  assert.deepEqual(scram.consumer.tls, {});
  assert.deepEqual(scram.consumer.sasl, {
    mechanism: "SCRAM-SHA-512",
    username: "u",
    password: "p",
  });
  const plain = toPlatformatic({
    "bootstrap.servers": "a:9092",
    "security.protocol": "SASL_PLAINTEXT",
    "sasl.mechanism": "PLAIN",
    "sasl.username": "u",
    "sasl.password": "secret",
  });
  assert.equal(plain.consumer.tls, undefined);
  assert.equal(plain.consumer.sasl?.mechanism, "PLAIN");
  // The ignored keys are reported by name only.
  assert.deepEqual(plain.ignored, []);
  assert.ok(!JSON.stringify(toPlatformatic({ "x.secret": "s3cr3t" }).ignored).includes("s3cr3t"));
});
