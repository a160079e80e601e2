/**
 * The suite's broker: topics, producing events, and the broker with a test Handle server and a
 * workspace in one call.
 *
 * @module
 */

import { type Admin, Kafka, logLevel, Partitioners } from "kafkajs";
import type { HandleServer, HandleServerOptions } from "../../src/handle_server/mod.ts";
import { kafkaBootstrapForTests, type KafkaForTests } from "../../tools/kafka/broker.ts";
import { makeWorkspace, type Workspace, type WorkspaceOptions } from "./workspace.ts";
import { startTestHandleServer } from "./handles.ts";

/** The suite's broker: `KAFKA_BOOTSTRAP` or one started for this test file. */
export function kafkaForTests(): ReturnType<typeof kafkaBootstrapForTests> {
  return kafkaBootstrapForTests();
}

/**
 * Creates a topic and waits until every partition has a leader. On a loaded machine the
 * broker may answer "does not host this topic-partition" for a moment after the creation,
 * which kafkajs's own wait does not retry: the metadata is asked again until it is there.
 */
export async function createTopicReady(
  admin: Admin,
  topic: string,
  partitions: number,
): Promise<void> {
  const created = await admin.createTopics({
    topics: [{ topic, numPartitions: partitions }],
    waitForLeaders: false,
  });
  // A topic that already existed keeps its own number of partitions.
  const expected = (count: number): boolean => created ? count === partitions : count > 0;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const ready = topics[0]?.partitions ?? [];
      if (expected(ready.length) && ready.every((p) => p.leader >= 0)) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) {
      throw new Error(`topic ${topic}: partitions have no leader after 30 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Produces messages to a topic (creating it with `partitions` partitions first). */
export async function produce(
  bootstrap: string,
  topic: string,
  messages: Array<{ key?: string | null; value: string }>,
  options: { partitions?: number } = {},
): Promise<void> {
  const kafka = new Kafka({ brokers: [bootstrap], clientId: "test", logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await createTopicReady(admin, topic, options.partitions ?? 3);
  } finally {
    await admin.disconnect();
  }
  // Idempotent: a send that kafkajs retries (a new topic's leadership still settling) is
  // written once, so a test's topic holds exactly the messages it produced.
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 500) {
      await producer.send({ topic, messages: messages.slice(i, i + 500) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Options of {@linkcode startKafkaServices}. */
export interface KafkaServicesOptions {
  /** Options of the Handle server (see {@linkcode startTestHandleServer}). */
  handle?: Partial<HandleServerOptions>;
  /** Options of the workspace; its broker and Handle server are the ones started here. */
  workspace?: Omit<WorkspaceOptions, "bootstrap" | "handleUrl">;
}

/** The suite's broker, a test Handle server and a workspace configured for both. */
export interface KafkaServices {
  /** The broker ({@linkcode kafkaForTests}). */
  kafka: KafkaForTests;
  /** The Handle server ({@linkcode startTestHandleServer}). */
  handles: HandleServer;
  /** The workspace ({@linkcode makeWorkspace}). */
  ws: Workspace;
  /** Closes the Handle server, removes the workspace and stops the broker, in that order. */
  stop(): Promise<void>;
}

/**
 * Starts the suite's broker and a test Handle server and makes a workspace whose
 * configuration points at both; call `stop()` in a `finally`.
 */
export async function startKafkaServices(
  options: KafkaServicesOptions = {},
): Promise<KafkaServices> {
  const kafka = await kafkaForTests();
  let handles: HandleServer | undefined;
  try {
    handles = await startTestHandleServer(options.handle);
    const ws = await makeWorkspace({
      ...options.workspace,
      bootstrap: kafka.bootstrap,
      handleUrl: handles.url,
    });
    const server = handles;
    return {
      kafka,
      handles: server,
      ws,
      async stop(): Promise<void> {
        await server.close();
        await ws.remove();
        await kafka.stop();
      },
    };
  } catch (error) {
    await handles?.close();
    await kafka.stop();
    throw error;
  }
}
