import assert from "node:assert/strict";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { freePort, startKafkaBroker } from "../../tools/kafka/broker.ts";
import { exists, portIsClosed } from "../helpers.ts";

const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const LAUNCHER = fileURLToPath(new URL("../../tools/kafka/launcher.ts", import.meta.url));

function client(bootstrap: string): Kafka {
  return new Kafka({
    clientId: "kafka-broker-test",
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
  });
}

Deno.test({
  name: "startKafkaBroker: produce and consume keyed messages, then stop cleanly",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(): Promise<void> {
    const broker = await startKafkaBroker();
    const tempDir = dirname(broker.logFile);
    const port = Number(broker.bootstrap.split(":")[1]);
    try {
      assert.match(broker.bootstrap, /^127\.0\.0\.1:\d+$/);
      assert.ok(await exists(tempDir), "the broker's temp dir exists while it runs");

      const kafka = client(broker.bootstrap);
      const topic = "broker-test-events";
      const admin = kafka.admin();
      await admin.connect();
      try {
        assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] }), true);
        const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
        assert.equal(metadata.partitions.length, 3);
      } finally {
        await admin.disconnect();
      }

      const sent = [
        { key: "a", value: "alpha" },
        { key: "b", value: "bravo" },
        { key: "c", value: "charlie" },
        { key: "a", value: "alpha-2" },
      ];
      const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      try {
        await producer.send({ topic, messages: sent });
      } finally {
        await producer.disconnect();
      }

      const groupId = "broker-test-group";
      const received: { key: string; value: string; partition: number }[] = [];
      const consumer = kafka.consumer({ groupId });
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        const done = Promise.withResolvers<void>();
        await consumer.run({
          autoCommit: false,
          eachMessage: async ({ topic: from, partition, message }) => {
            received.push({
              key: message.key?.toString() ?? "",
              value: message.value?.toString() ?? "",
              partition,
            });
            await consumer.commitOffsets([
              { topic: from, partition, offset: (BigInt(message.offset) + 1n).toString() },
            ]);
            if (received.length === sent.length) done.resolve();
          },
        });
        const timer = setTimeout(() => done.reject(new Error("messages not received")), 30_000);
        await done.promise.finally(() => clearTimeout(timer));
      } finally {
        await consumer.disconnect();
      }

      const byKey = (list: { key: string; value: string }[]): string[] =>
        list.map(({ key, value }) => `${key}=${value}`).sort();
      assert.deepEqual(byKey(received), byKey(sent));
      const partitionsOfA = new Set(received.filter((m) => m.key === "a").map((m) => m.partition));
      assert.equal(partitionsOfA.size, 1, "the same key lands on one partition");
      const alphas = received.filter((m) => m.key === "a").map((m) => m.value);
      assert.deepEqual(alphas, ["alpha", "alpha-2"], "order is kept within a key");

      const check = kafka.admin();
      await check.connect();
      try {
        const offsets = await check.fetchOffsets({ groupId, topics: [topic] });
        const committed = offsets[0].partitions
          .reduce((sum, { offset }) => sum + Math.max(0, Number(offset)), 0);
        assert.equal(committed, sent.length, "the manual commits were stored");
      } finally {
        await check.disconnect();
      }
    } finally {
      await broker.stop();
    }
    assert.ok(await portIsClosed(port), "the broker port is closed after stop()");
    assert.equal(await exists(tempDir), false, "the temp dir is removed after stop()");
    assert.ok((await broker.exited).code !== undefined);
  },
});

Deno.test({
  name: "launcher: prints the bootstrap address, serves Kafka, exits 0 on SIGTERM",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(): Promise<void> {
    const port = freePort();
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", LAUNCHER],
      cwd: PROJECT_ROOT,
      env: { KAFKA_PORT: String(port), NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(child.stderr).text();
    let output = "";
    let stopped = false;
    try {
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      const deadline = Date.now() + 90_000;
      let bootstrap: string | undefined;
      while (!bootstrap && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        output += value;
        bootstrap = /kafka: listening on (\S+)/.exec(output)?.[1];
      }
      assert.equal(bootstrap, `127.0.0.1:${port}`, `launcher output: ${output}`);

      const admin = client(bootstrap).admin();
      await admin.connect();
      try {
        assert.ok(Array.isArray(await admin.listTopics()));
      } finally {
        await admin.disconnect();
      }

      child.kill("SIGTERM");
      stopped = true;
      const status = await child.status;
      // Keep reading so the launcher's last lines are in the report.
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        output += value;
      }
      assert.equal(status.code, 0, `launcher output: ${output}\n${await stderr}`);
      assert.match(output, /kafka: stopped/);
      assert.ok(await portIsClosed(port), "the broker port is closed after the launcher exits");
      const logFile = /\(log: (.+)\)/.exec(output)?.[1];
      assert.ok(logFile, `the launcher names its log file: ${output}`);
      assert.equal(await exists(dirname(logFile)), false, "the launcher removed its temp dir");
    } finally {
      if (!stopped) {
        try {
          child.kill("SIGTERM");
        } catch {
          // Already exited.
        }
        await child.status;
      }
    }
  },
});
