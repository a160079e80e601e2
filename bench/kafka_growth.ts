/**
 * The growth series through Kafka: one event of N files on a topic of its own (its
 * `max.message.bytes` raised to take it), read by the Kafka input and taken through the
 * dry-run pipeline in process. A warm-up event of the same size goes first, so that the
 * worker threads (which a 1,000-file event goes to) are started and the code is warm; the
 * one-file event after it is handed on only once the warm-up is acknowledged. The time is
 * from the moment the input hands on the one-file event to the measured event's
 * acknowledgement: fetching, decoding, mapping and writing it (and the one-file event),
 * without start-up, group join or the workers' start. (Not from one acknowledgement to the
 * other: the pipeline prepares the big event while the small one is written, and their
 * lines may go out in one write.)
 *
 * @module
 */

import { Kafka, logLevel } from "kafkajs";
import { loadConfig } from "../src/config/mod.ts";
import type { KeyedEvent } from "../src/events/mod.ts";
import { KafkaInput } from "../src/kafka/input_kafkajs.ts";
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
    const send = (n: number, count: number): Promise<unknown> =>
      producer.send({
        topic: ws.topic,
        messages: [{
          value: JSON.stringify(makeCmip6Event({ files: count, itemId: testItemId(stem, n) })),
        }],
      });
    await send(0, files); // the warm-up
    await send(1, 1);
    await send(2, files);
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
    const warmedUp = Promise.withResolvers<void>();
    const timed = (async function* (): AsyncGenerator<KeyedEvent> {
      let index = 0;
      for await (const event of input) {
        const n = index++;
        if (n === 1) {
          // the one-file event goes on only once the warm-up is done
          await warmedUp.promise;
          handedOn = performance.now();
        }
        yield {
          ...event,
          ack: (o) => {
            if (n === 0) warmedUp.resolve();
            else acked.push(performance.now());
            event.ack(o);
          },
        };
      }
    })();
    await wiring.pipeline.run(timed);
    await wiring.close();
    if (acked.length !== 2) throw new Error(`${acked.length} of 2 timed events acknowledged`);
    return (Math.max(...acked) - handedOn) / 1000;
  } finally {
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
    await ws.remove();
  }
}
