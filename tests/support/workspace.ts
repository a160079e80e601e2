/**
 * A temporary working folder with its own configuration (topic, group, broker, Handle server,
 * outputs), and the test Handle prefix and user.
 *
 * @module
 */

import { join } from "node:path";

/** The Handle prefix of the test services (workspace configuration and Handle server). */
export const TEST_PREFIX = "21.TEST";

/** The one user of {@linkcode startTestHandleServer}. */
export const TEST_USER = `300:${TEST_PREFIX}/testuser`;

/** The password of {@linkcode TEST_USER}. */
export const TEST_PASSWORD = "testpass";

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
