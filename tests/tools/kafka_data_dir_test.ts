/**
 * The local broker keeps its data: started again on the same `dataDir` it has the
 * topics, messages and committed offsets of the last run, and the folder is never
 * removed; a temporary folder is removed only on a clean stop, kept when the broker
 * died on its own.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { startKafkaBroker } from "../../tools/kafka/broker.ts";
import { exists } from "../helpers.ts";

function client(bootstrap: string): Kafka {
  return new Kafka({ clientId: "data-dir-test", brokers: [bootstrap], logLevel: logLevel.NOTHING });
}

Deno.test({
  name:
    "startKafkaBroker({dataDir}): a restart on the folder has the topic, its messages and offsets",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(): Promise<void> {
    const dir = await Deno.makeTempDir({ prefix: "kafka-data-dir-test-" });
    try {
      const topic = "kept-events";
      const groupId = "kept-group";
      const first = await startKafkaBroker({ dataDir: dir });
      try {
        const kafka = client(first.bootstrap);
        const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
        await producer.connect();
        await producer.send({
          topic,
          messages: [{ key: "a", value: "one" }, { key: "a", value: "two" }],
        });
        await producer.disconnect();
        const admin = kafka.admin();
        await admin.connect();
        const [partition] = await admin.fetchTopicOffsets(topic).then((p) =>
          p.filter((x) => x.high !== "0")
        );
        await admin.setOffsets({
          groupId,
          topic,
          partitions: [{ partition: partition.partition, offset: "1" }],
        });
        await admin.disconnect();
      } finally {
        await first.stop();
      }
      assert.ok(await exists(join(dir, "data", "meta.properties")), "the data folder was removed");

      const second = await startKafkaBroker({ dataDir: dir });
      try {
        assert.match(await Deno.readTextFile(second.logFile), /reusing the storage/);
        const admin = client(second.bootstrap).admin();
        await admin.connect();
        try {
          const offsets = await admin.fetchTopicOffsets(topic);
          assert.equal(offsets.reduce((sum, p) => sum + Number(p.high), 0), 2, "messages lost");
          // Right after a start the group coordinator may still be loading its offsets.
          const deadline = Date.now() + 60_000;
          let committed;
          for (;;) {
            try {
              [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
              break;
            } catch (error) {
              if (Date.now() > deadline || !/loading/i.test(String(error))) throw error;
              await new Promise((r) => setTimeout(r, 500));
            }
          }
          assert.ok(committed.partitions.some((p) => p.offset === "1"), "committed offset lost");
        } finally {
          await admin.disconnect();
        }
      } finally {
        await second.stop();
      }
      assert.ok(await exists(dir), "a given data folder is never removed");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "startKafkaBroker: a temporary folder is kept when the broker dies on its own",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(): Promise<void> {
    const broker = await startKafkaBroker();
    try {
      Deno.kill(broker.pid, "SIGKILL");
      await broker.exited;
      await broker.stop();
      assert.ok(await exists(broker.dir), "the folder of a broker that died was removed");
      assert.ok(await exists(join(broker.dir, "data")), "its data was removed");
    } finally {
      await broker.stop();
      await Deno.remove(broker.dir, { recursive: true }).catch(() => {});
    }
  },
});
