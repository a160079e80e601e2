/**
 * The growth series through Kafka: one event of N files on a topic of its own (its
 * `max.message.bytes` raised to take it), read by the Kafka input and taken through the
 * dry-run pipeline in process. The time of an event is from the moment the input hands
 * on a one-file event sent just before it to the big event's acknowledgement: fetching,
 * decoding, mapping and writing it (and the one-file event), without start-up or the group
 * join. (Not from one acknowledgement to the other: the pipeline prepares the big event
 * while the small one is written, and their lines may go out in one write.)
 *
 * @module
 */

import { Kafka, logLevel } from "kafkajs";
import { loadConfig } from "../src/config/mod.ts";
import type { KeyedEvent } from "../src/events/mod.ts";
import { KafkaInput } from "../src/inputs/mod.ts";
import { wirePipeline } from "../src/runner/mod.ts";
import { Stats } from "../src/stats/mod.ts";
import { makeCmip6Event, testItemId } from "../tests/fixtures/events.ts";
import { makeWorkspace, uniqueName } from "../tests/helpers.ts";

/** Seconds one event of `files` files takes through Kafka and the dry-run pipeline. */
export async function kafkaEventSeconds(bootstrap: string, files: number): Promise<number> {
  const ws = await makeWorkspace({ bootstrap });
  const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  try {
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{
        topic: ws.topic,
        numPartitions: 1,
        configEntries: [{ name: "max.message.bytes", value: String(256 * 1024 * 1024) }],
      }],
    });
    await producer.connect();
    const stem = uniqueName("growth").replaceAll(/[^A-Za-z0-9-]/g, "");
    for (const [n, count] of [[1, 1], [2, files]]) {
      const event = makeCmip6Event({ files: count, itemId: testItemId(stem, n) });
      await producer.send({ topic: ws.topic, messages: [{ value: JSON.stringify(event) }] });
    }
    const { config } = await loadConfig({ configFile: ws.config, systemFile: "/nonexistent" });
    const wiring = wirePipeline(config, { stats: new Stats(), dryRun: true });
    const input = await KafkaInput.open({
      kafka: config.kafka,
      topic: ws.topic,
      idleTimeoutMs: 1000,
      commit: false,
    });
    let handedOn = NaN;
    const acked: number[] = [];
    const timed = (async function* (): AsyncGenerator<KeyedEvent> {
      for await (const event of input) {
        if (Number.isNaN(handedOn)) handedOn = performance.now();
        yield { ...event, ack: (o) => (acked.push(performance.now()), event.ack(o)) };
      }
    })();
    await wiring.pipeline.run(timed);
    await wiring.close();
    if (acked.length !== 2) throw new Error(`${acked.length} of 2 events acknowledged`);
    return (Math.max(...acked) - handedOn) / 1000;
  } finally {
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
    await ws.remove();
  }
}
