/**
 * `send [--topic T] <paths…>`: publishes event files to the topic. A `.json` file
 * is one event; each line of a `.jsonl` file is one event, sent as is (even if it
 * is not JSON); the key is the item id when there is one. Events go in batches; when
 * the broker refuses a batch, its events are sent one by one, so that every event
 * that can be sent is, and each one that cannot is named (`file:line: reason`). Exit
 * 1 when any event was not sent. Before the first event, the broker is reached with the
 * start-up check of `consume`: exit 2 at once with one line naming the `[kafka]` keys for a
 * setting that cannot work (TLS, SASL, certificates), exit 3 when no broker answered within
 * `[kafka].connect_timeout`. The producer is `@platformatic/kafka`'s, idempotent.
 *
 * @module
 */

import { ConfigurationError, TransientError } from "../errors/mod.ts";
import { expandPaths, type FileEvent, readEventFile } from "../inputs/mod.ts";
import type { TopicProducer } from "../kafka/mod.ts";
import { ExitError, type GlobalOptions, openContext, printError } from "./context.ts";

/** Options of `send`. */
export interface SendOptions {
  /** Topic (default `[consumer].topic`). */
  topic?: string;
}

/** Events per batch. */
const BATCH = 200;
/** Bytes per batch (below the broker's default limit of about 1 MiB per record batch). */
const BATCH_BYTES = 512 * 1024;
/** Errors of the records themselves: sending the batch's events one by one finds the culprit. */

/** Sends the events of the files; returns the exit code. */
export async function sendCommand(
  globals: GlobalOptions,
  paths: string[],
  options: SendOptions = {},
): Promise<number> {
  const { config, logging } = await openContext(globals);
  const topic = options.topic ?? config.consumer.topic;
  const files = await expandPaths(paths);
  // loaded here: the other commands do not pay for the Kafka clients (see `run_cmds.ts`)
  const { describeSendError, isRecordError, isTooLarge, openProducer } = await import(
    "../kafka/mod.ts"
  );
  let producer: TopicProducer;
  try {
    producer = await openProducer(config.kafka, { topic });
  } catch (error) {
    await logging.close();
    if (error instanceof ConfigurationError) throw new ExitError(`send: ${error.message}`, 2);
    if (error instanceof TransientError) throw new ExitError(`send: ${error.message}`, 3);
    throw error;
  }
  let sent = 0, failed = 0;
  const encoder = new TextEncoder();
  const notSent = (event: FileEvent, error: unknown): void => {
    failed++;
    const size = encoder.encode(event.value).length;
    const hint = isTooLarge(error)
      ? ` (${size} bytes; the topic's max.message.bytes is lower)`
      : "";
    printError(`send: ${event.file}:${event.line}: not sent: ${describeSendError(error)}${hint}`);
  };
  try {
    const send = (events: FileEvent[]): Promise<void> =>
      producer.send(events.map((e) => ({ key: e.key ?? undefined, value: e.value })));
    let batch: FileEvent[] = [];
    let bytes = 0;
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const events = batch;
      batch = [];
      bytes = 0;
      try {
        await send(events);
        sent += events.length;
        return;
      } catch (error) {
        // Not the records (broker gone, no such topic, not allowed): none of them was sent.
        if (!isRecordError(error) || events.length === 1) {
          for (const event of events) notSent(event, error);
          return;
        }
      }
      // The broker refused a record and does not say which: send them one by one. (The
      // partitions it accepted may then get their events twice: at-least-once.)
      for (const event of events) {
        try {
          await send([event]);
          sent++;
        } catch (error) {
          notSent(event, error);
        }
      }
    };
    for (const file of files) {
      for await (const event of readEventFile(file)) {
        const size = event.value.length * 3;
        if (batch.length > 0 && bytes + size > BATCH_BYTES) await flush();
        batch.push(event);
        bytes += size;
        if (batch.length >= BATCH) await flush();
      }
    }
    await flush();
  } finally {
    await producer.close();
    await logging.close();
  }
  console.log(
    `sent ${sent} event(s) from ${files.length} file(s) to ${topic}${
      failed > 0 ? `; ${failed} not sent` : ""
    }`,
  );
  return failed > 0 ? 1 : 0;
}
