/**
 * Shared test helpers: a temporary working folder with its own configuration,
 * running the real CLI as a subprocess, and producing to the real broker.
 *
 * @module
 */

import { Kafka, logLevel, Partitioners } from "kafkajs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { kafkaBootstrapForTests } from "../tools/kafka/broker.ts";

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
      `prefix = "21.TEST"`,
      "timeout = 5.0",
    ],
    stac: [`base_url = "${options.stacUrl ?? "http://127.0.0.1:9"}"`, "timeout = 2.0"],
    stats: ["interval_seconds = 0", "summary_interval = 0"],
  };
  for (const [section, lines] of Object.entries(options.sections ?? {})) {
    sections[section] = [...(sections[section] ?? []), ...lines];
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
    await admin.createTopics({ topics: [{ topic, numPartitions: options.partitions ?? 3 }] });
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
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
