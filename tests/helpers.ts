/**
 * Shared test helpers: a temporary working folder with its own configuration,
 * running the real CLI as a subprocess, producing to the real broker, the test
 * Handle server, and checks of files and ports.
 *
 * @module
 */

import { type Admin, Kafka, logLevel, Partitioners } from "kafkajs";
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type HandleServer,
  type HandleServerOptions,
  startHandleServer,
} from "../src/handle_server/mod.ts";
import { kafkaBootstrapForTests, type KafkaForTests } from "../tools/kafka/broker.ts";

/** The Handle prefix of the test services (workspace configuration and Handle server). */
export const TEST_PREFIX = "21.TEST";

/** The one user of {@linkcode startTestHandleServer}. */
export const TEST_USER = `300:${TEST_PREFIX}/testuser`;

/** The password of {@linkcode TEST_USER}. */
export const TEST_PASSWORD = "testpass";

/** The project's main module. */
export const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));

/** A unique name for topics and groups. */
export function uniqueName(stem: string): string {
  return `${stem}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Options of {@linkcode makeWorkspace}. */
export interface WorkspaceOptions {
  /** Extra lines per section (a key given twice is an error: give each key once). */
  sections?: Record<string, string[]>;
  /** Kafka bootstrap address. */
  bootstrap?: string;
  /** Handle server URL. */
  handleUrl?: string;
  /** Topic; default a unique one. */
  topic?: string;
  /** STAC API URL. */
  stacUrl?: string;
}

/** A temporary folder with a configuration file. */
export interface Workspace {
  /** The folder (the CLI runs here, so `outputs/` lands here). */
  dir: string;
  /** The configuration file. */
  config: string;
  /** The topic. */
  topic: string;
  /** Removes the folder. */
  remove(): Promise<void>;
}

/** Creates a temporary folder with a `piddiplatsch.toml` for the test's services. */
export async function makeWorkspace(options: WorkspaceOptions = {}): Promise<Workspace> {
  const dir = await Deno.makeTempDir({ prefix: "piddi-test-" });
  const topic = options.topic ?? uniqueName("events");
  const sections: Record<string, string[]> = {
    consumer: [`topic = "${topic}"`, `output_dir = "${join(dir, "outputs")}"`],
    "consumer.transient": ["retries = 1", "backoff_initial = 0.05", "backoff_max = 0.1"],
    kafka: [
      `"bootstrap.servers" = "${options.bootstrap ?? "127.0.0.1:9"}"`,
      `"group.id" = "${uniqueName("group")}"`,
      `"session.timeout.ms" = 6000`,
    ],
    handle: [
      `server_url = "${options.handleUrl ?? "http://127.0.0.1:9"}"`,
      `prefix = "${TEST_PREFIX}"`,
      "timeout = 5.0",
    ],
    stac: [`base_url = "${options.stacUrl ?? "http://127.0.0.1:9"}"`, "timeout = 2.0"],
    stats: ["interval_seconds = 0", "summary_interval = 0"],
  };
  for (const [section, lines] of Object.entries(options.sections ?? {})) {
    sections[section] = [...(sections[section] ?? []), ...lines];
  }
  // `PIDDI_KAFKA_CLIENT=platformatic deno task test` runs every test on that client, unless
  // the test names its client itself.
  const client = Deno.env.get("PIDDI_KAFKA_CLIENT")?.trim();
  if (client && !sections.consumer.some((line) => /^kafka_client\s*=/.test(line))) {
    sections.consumer.push(`kafka_client = "${client}"`);
  }
  const toml = Object.entries(sections).map(([name, lines]) => `[${name}]\n${lines.join("\n")}`)
    .join("\n");
  const config = join(dir, "piddiplatsch.toml");
  await Deno.writeTextFile(config, toml);
  return { dir, config, topic, remove: () => Deno.remove(dir, { recursive: true }) };
}

/** What a CLI run printed and how it ended. */
export interface CliResult {
  /** Exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** Runs `deno run -A main.ts <args>` in `cwd` and waits for it. */
export async function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  const output = await cliCommand(args, options).output();
  return {
    code: output.code,
    stdout: new TextDecoder().decode(output.stdout),
    stderr: new TextDecoder().decode(output.stderr),
  };
}

/** The command for `deno run -A main.ts <args>` (spawn it for a process to signal or kill). */
export function cliCommand(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", MAIN, ...args],
    cwd: options.cwd,
    env: { NO_COLOR: "1", KAFKAJS_NO_PARTITIONER_WARNING: "1", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

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

/** Reads every JSON line of the files in a folder (recursively); `[]` when it does not exist. */
export async function readJsonLines(dir: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)].sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    return out;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) out.push(...await readJsonLines(path));
    else if (entry.name.endsWith(".jsonl")) {
      const text = await Deno.readTextFile(path);
      for (const line of text.split("\n")) if (line.trim()) out.push(JSON.parse(line));
    }
  }
  return out;
}

/** Resolves a handle on a Handle server; `undefined` when it does not exist. */
export async function resolveHandle(
  serverUrl: string,
  handle: string,
): Promise<Record<string, string> | undefined> {
  const response = await fetch(`${serverUrl}/api/handles/${handle}`);
  const body = await response.json();
  if (response.status === 404) return undefined;
  const fields: Record<string, string> = {};
  for (const value of body.values as Array<{ type: string; data: { value: unknown } }>) {
    fields[value.type] = typeof value.data.value === "string"
      ? value.data.value
      : JSON.stringify(value.data.value);
  }
  return fields;
}

/**
 * Starts the real Handle server for {@linkcode TEST_PREFIX} with the user
 * {@linkcode TEST_USER} / {@linkcode TEST_PASSWORD}; `options` adds or overrides.
 */
export function startTestHandleServer(
  options: Partial<HandleServerOptions> = {},
): Promise<HandleServer> {
  return startHandleServer({
    prefix: TEST_PREFIX,
    username: TEST_USER,
    password: TEST_PASSWORD,
    ...options,
  });
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

/** Options of {@linkcode waitForHandles}. */
export interface WaitForHandlesOptions {
  /** How long to wait at the most, in milliseconds; default 60 000. */
  timeoutMs?: number;
}

/**
 * Polls every 50 ms until `server` holds at least `count` handles or the time is up;
 * it does not fail on a timeout: the caller asserts what it needs.
 */
export async function waitForHandles(
  server: Pick<HandleServer, "size">,
  count: number,
  options: WaitForHandlesOptions = {},
): Promise<void> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 60_000;
  while (server.size() < count && Date.now() - started < timeoutMs) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The number after `<counter>=` in a CLI summary; fails the test when there is none. */
export function summaryCount(stderr: string, counter: string): number {
  const match = new RegExp(`${counter}=(\\d+)`).exec(stderr);
  assert.ok(match, `no ${counter}= in the summary:\n${stderr}`);
  return Number(match[1]);
}

/** The sorted names of the entries of a folder; `[]` when it does not exist. */
export async function listFiles(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  return names.sort();
}

/** Whether a path exists (other errors than "not found" are thrown). */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Whether a connection to `127.0.0.1:<port>` is refused (other errors are thrown). */
export async function portIsClosed(port: number): Promise<boolean> {
  try {
    const connection = await Deno.connect({ hostname: "127.0.0.1", port });
    connection.close();
    return false;
  } catch (error) {
    if (error instanceof Deno.errors.ConnectionRefused) return true;
    throw error;
  }
}
