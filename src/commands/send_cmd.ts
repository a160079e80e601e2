/**
 * `send [--topic T] <paths…>`: publishes event files to the topic. A `.json` file
 * is one event; each line of a `.jsonl` file is one event, sent as is (even if it
 * is not JSON); the key is the item id when there is one.
 *
 * @module
 */

import { Kafka, type Message, Partitioners } from "kafkajs";
import { expandPaths, readEventFile } from "../inputs/mod.ts";
import { kafkaLogCreator, quietKafkajsWarnings, toKafkajs } from "../kafka/mod.ts";
import { type GlobalOptions, openContext } from "./context.ts";

/** Options of `send`. */
export interface SendOptions {
  /** Topic (default `[consumer].topic`). */
  topic?: string;
}

/** Sends the events of the files; returns the exit code. */
export async function sendCommand(
  globals: GlobalOptions,
  paths: string[],
  options: SendOptions = {},
): Promise<number> {
  const { config, logging } = await openContext(globals);
  const topic = options.topic ?? config.consumer.topic;
  const files = await expandPaths(paths);
  quietKafkajsWarnings();
  const translated = toKafkajs(config.kafka);
  const kafka = new Kafka({ ...translated.client, logCreator: kafkaLogCreator() });
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: true,
  });
  await producer.connect();
  let sent = 0;
  try {
    let batch: Message[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      await producer.send({ topic, messages: batch });
      sent += batch.length;
      batch = [];
    };
    for (const file of files) {
      for await (const event of readEventFile(file)) {
        batch.push({ key: event.key, value: event.value });
        if (batch.length >= 200) await flush();
      }
    }
    await flush();
  } finally {
    await producer.disconnect();
    await logging.close();
  }
  console.log(`sent ${sent} event(s) from ${files.length} file(s) to ${topic}`);
  return 0;
}
