/**
 * The Kafka input's offsets while batches overlap: the next batch of a partition is
 * delivered while the last one is worked on, and no commit ever passes an event that
 * is not acknowledged.
 */

import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import type { KeyedEvent } from "../../src/events/mod.ts";
import { KAFKA_CLIENTS, openKafkaInput } from "../../src/kafka/mod.ts";
import { kafkaBootstrapForTests } from "../../tools/kafka/broker.ts";
import { makeCmip6Event, testItemId } from "../fixtures/events.ts";
import { produce, uniqueName } from "../helpers.ts";

async function committed(bootstrap: string, groupId: string, topic: string): Promise<number> {
  const admin = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return Number(entry.partitions[0].offset);
  } finally {
    await admin.disconnect();
  }
}

async function waitFor(what: string, test: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

for (const client of KAFKA_CLIENTS) {
  Deno.test(
    `${client}: an unacknowledged event holds the commit; the batch after it is delivered meanwhile`,
    {
      sanitizeOps: false,
      sanitizeResources: false,
    },
    async () => {
      const kafka = await kafkaBootstrapForTests();
      const topic = uniqueName("overlap");
      const groupId = uniqueName("group");
      const ids = Array.from({ length: 40 }, (_, i) => testItemId("overlap", i + 1));
      // Sent four at a time: record batches of four events, one per fetch.
      for (let i = 0; i < ids.length; i += 4) {
        await produce(
          kafka.bootstrap,
          topic,
          ids.slice(i, i + 4).map((id) => ({
            key: id,
            value: JSON.stringify(makeCmip6Event({ files: 1, itemId: id })),
          })),
          { partitions: 1 },
        );
      }
      const input = await openKafkaInput({
        // Small fetches: a few events per batch, so that there are many batches.
        kafka: {
          "bootstrap.servers": kafka.bootstrap,
          "group.id": groupId,
          "session.timeout.ms": 6000,
          "max.partition.fetch.bytes": 6000,
        },
        topic,
        idleTimeoutMs: 2000,
        commitIntervalMs: 50,
      }, client);
      const seen: KeyedEvent[] = [];
      let held: KeyedEvent | undefined;
      const reading = (async () => {
        for await (const event of input) {
          seen.push(event);
          if (event.source && "offset" in event.source && event.source.offset === "3") held = event;
          else event.ack("registered");
        }
      })();
      try {
        // Offset 3 is held: later events still arrive (the next batch), then delivery stops.
        await waitFor("events after the held one", () => seen.length > 4);
        await waitFor(
          "the commit up to the held event",
          async () => await committed(kafka.bootstrap, groupId, topic) === 3,
        );
        await new Promise((resolve) => setTimeout(resolve, 500));
        assert.ok(seen.length < ids.length, `all ${seen.length} delivered past a held event`);
        assert.equal(await committed(kafka.bootstrap, groupId, topic), 3);
        held!.ack("registered");
        await reading; // idle after the rest
        assert.equal(seen.length, ids.length);
        assert.deepEqual(seen.map((e) => e.key), ids);
        assert.equal(await committed(kafka.bootstrap, groupId, topic), ids.length);
      } finally {
        await input.return();
        await reading.catch(() => {});
        await kafka.stop();
      }
    },
  );
}
