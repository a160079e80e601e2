/**
 * The two Kafka clients on their own, without piddiplatsch: messages per second that
 * kafkajs (`eachBatch`) and `@platformatic/kafka` (a consumer stream) read from one topic,
 * counting only, decoding UTF-8, or decoding and `JSON.parse`. The ceiling any input built
 * on them can reach on this machine.
 *
 * Usage: `deno run -A bench/kafka_clients.ts [--messages 100000] [--rounds 2]`. Fills a topic of
 * its own with one-file events (3 partitions). Uses the broker in `KAFKA_BOOTSTRAP`, else
 * starts one.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Consumer } from "@platformatic/kafka";
import { Kafka, logLevel } from "kafkajs";
import { makeCmip6Event, testItemId } from "../tests/fixtures/events.ts";
import { produce, uniqueName } from "../tests/helpers.ts";
import { kafkaBootstrapForTests } from "../tools/kafka/broker.ts";

/** What is done with each message. */
type Work = "count" | "decode" | "parse";

const decoder = new TextDecoder("utf-8", { fatal: true });

function work(kind: Work, value: Uint8Array | null | undefined): void {
  if (kind === "count" || !value) return;
  const text = decoder.decode(value);
  if (kind === "parse") JSON.parse(text);
}

async function kafkajsRate(
  bootstrap: string,
  topic: string,
  n: number,
  kind: Work,
): Promise<number> {
  const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueName("kafkajs") });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let count = 0;
  let started = 0;
  const done = Promise.withResolvers<void>();
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 8,
    eachBatch: ({ batch }) => {
      started ||= performance.now();
      for (const message of batch.messages) work(kind, message.value);
      count += batch.messages.length;
      if (count >= n) done.resolve();
      return Promise.resolve();
    },
  });
  await done.promise;
  const rate = count / ((performance.now() - started) / 1000);
  await consumer.disconnect();
  return rate;
}

async function platformaticRate(
  bootstrap: string,
  topic: string,
  n: number,
  kind: Work,
): Promise<number> {
  const consumer = new Consumer({
    groupId: uniqueName("platformatic"),
    clientId: "bench",
    bootstrapBrokers: [bootstrap],
  });
  const stream = await consumer.consume({ autocommit: false, topics: [topic], mode: "earliest" });
  let count = 0;
  let started = 0;
  for await (const message of stream) {
    started ||= performance.now();
    work(kind, message.value);
    if (++count >= n) break;
  }
  const rate = count / ((performance.now() - started) / 1000);
  await stream.close();
  await consumer.close();
  return rate;
}

async function main(): Promise<void> {
  const args = parseArgs({
    args: Deno.args,
    options: {
      messages: { type: "string", default: "100000" },
      rounds: { type: "string", default: "2" },
    },
  }).values;
  const n = Number(args.messages);
  const kafka = await kafkaBootstrapForTests();
  try {
    const topic = uniqueName("clients");
    const stem = uniqueName("c").replaceAll(/[^A-Za-z0-9-]/g, "");
    await produce(
      kafka.bootstrap,
      topic,
      Array.from({ length: n }, (_, i) => ({
        key: testItemId(stem, i),
        value: JSON.stringify(makeCmip6Event({ files: 1, itemId: testItemId(stem, i) })),
      })),
    );
    for (let round = 1; round <= Number(args.rounds); round++) {
      for (const kind of ["count", "decode", "parse"] as const) {
        const a = await kafkajsRate(kafka.bootstrap, topic, n, kind);
        const b = await platformaticRate(kafka.bootstrap, topic, n, kind);
        console.log(
          `round ${round}, ${kind.padEnd(6)}: kafkajs ${Math.round(a)} msg/s, ` +
            `@platformatic/kafka ${Math.round(b)} msg/s`,
        );
      }
    }
  } finally {
    await kafka.stop();
  }
  // The clients leave handles open after they disconnected (kafkajs at least); the CLI exits
  // explicitly too.
  Deno.exit(0);
}

if (import.meta.main) await main();
