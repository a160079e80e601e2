/**
 * `deno task demo`: the whole flow on one machine, with nothing but this repository.
 *
 * 1. makes a temporary working folder with its own `piddiplatsch.toml`;
 * 2. starts the real CLI's `handle-server` once per Handle profile (one per prefix: 21.14100
 *    for CMIP6 and CMIP6Plus, 21.14103 for CORDEX-CMIP6, 21.14107 for CMIP7) on free ports;
 * 3. with Java and Maven: starts a local Kafka broker (or uses the one in `KAFKA_BOOTSTRAP`),
 *    publishes `examples/events/` (one event of each project, and some faulty ones) with
 *    `send` and reads them back with `consume --idle-timeout 5` (`projects = "all"`);
 *    without them: runs `map examples/events/` and says why;
 * 4. prints the run's summary lines (in all and per project), a table of the handles the
 *    examples should register with the server that holds each (resolved over HTTP from
 *    every server), one resolved dataset record, and the files under `outputs/` with the
 *    reasons of the failures;
 * 5. stops every process it started and removes the working folder (`--keep` keeps it).
 *
 * Usage: `deno run --allow-all tools/demo.ts [--keep]`. Exit 0 on success, else 1 with a
 * one-line reason. `KAFKA_BOOTSTRAP=host:port` uses that broker instead of starting one
 * (then the topic gets a unique suffix, so that earlier runs do not count).
 *
 * @module
 */

import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeEvent } from "../src/decode/mod.ts";
import { describeError } from "../src/errors/mod.ts";
import { type Provenance, provenanceText } from "../src/events/mod.ts";
import { readEventFile } from "../src/inputs/files.ts";
import { TextLineStream } from "../src/inputs/lines.ts";
import { expandPaths } from "../src/inputs/paths.ts";
import { createProjectPlugin, findProject } from "../src/projects/mod.ts";
import { type HandleRecord, type MappedEvent, registrationOrder } from "../src/records/mod.ts";
import { freePort, type KafkaBroker, startKafkaBroker } from "./kafka/broker.ts";

/** The project root, one folder above this module. */
const PROJECT_ROOT = fileURLToPath(new URL("../", import.meta.url));
/** The CLI's main module. */
const MAIN = join(PROJECT_ROOT, "main.ts");
/** The project's configuration (import map, lock file) for the CLI subprocesses. */
const DENO_JSON = join(PROJECT_ROOT, "deno.json");
/** The project's own sample events. */
const EXAMPLES = join(PROJECT_ROOT, "examples", "events");
/** The examples folder as the demo shows it. */
const EXAMPLES_SHOWN = "examples/events/";
/** The demo's Handle profiles: one server each, and the projects registered there. */
const PROFILES: readonly DemoProfile[] = [
  { name: "dkrz", prefix: "21.14100", projects: ["cmip6", "cmip6plus"] },
  { name: "cordex", prefix: "21.14103", projects: ["cordex-cmip6"] },
  { name: "cmip7", prefix: "21.14107", projects: ["cmip7"] },
];
/** The password of every demo server. */
const DEMO_PASSWORD = "demo-secret";
/** The demo's topic on a fresh broker. */
const TOPIC = "ESGF-demo";
/** Seconds without a new event after which `consume` ends. */
const IDLE_TIMEOUT_SECONDS = 5;
/** The longest a CLI run may take before it is killed. */
const CLI_TIMEOUT_MS = 180_000;
/** The longest the handle server may take to say it listens. */
const START_TIMEOUT_MS = 30_000;
/** How long a stopped process gets after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 10_000;
/** The configuration file name in the working folder. */
const CONFIG_NAME = "piddiplatsch.toml";

/** How the events reach the pipeline: a broker given in the environment, a local one, or `map`. */
type Route =
  | { kind: "external"; bootstrap: string }
  | { kind: "local" }
  | { kind: "map"; reason: string };

/** What a CLI run printed and how it ended. */
interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A Handle profile of the demo. */
interface DemoProfile {
  /** Profile name. */
  name: string;
  /** The prefix its server serves. */
  prefix: string;
  /** The projects registered on it. */
  projects: string[];
}

/** The running handle server of a profile. */
interface HandleServer {
  profile: DemoProfile;
  url: string;
  child: Deno.ChildProcess;
  /** Its output after the "listening" line, collected until it exits. */
  later: string[];
  /** Resolves when its output has ended. */
  drained: Promise<void>;
}

/** One row of the handle table. */
interface HandleRow {
  handle: string;
  /** The profiles whose server holds the handle. */
  servers: string[];
  level: string;
  name: string;
  detail: string;
  registered: boolean;
}

/**
 * The processes the demo started, so that every one of them is stopped at the end, on an
 * error and on SIGINT or SIGTERM.
 */
class Processes {
  readonly #children = new Set<Deno.ChildProcess>();
  #interrupted: string | undefined;

  /** Spawns `deno run --allow-all main.ts <args>` in `cwd` with piped output. */
  spawnCli(args: string[], cwd: string): Deno.ChildProcess {
    this.throwIfInterrupted();
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", "--config", DENO_JSON, MAIN, ...args],
      cwd,
      env: { NO_COLOR: "1", KAFKAJS_NO_PARTITIONER_WARNING: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#children.add(child);
    child.status.finally(() => this.#children.delete(child));
    return child;
  }

  /** Stops a child: SIGTERM, then SIGKILL after the grace time; resolves when it is gone. */
  async stop(child: Deno.ChildProcess): Promise<Deno.CommandStatus> {
    tryKill(child, "SIGTERM");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, STOP_GRACE_MS);
    });
    const outcome = await Promise.race([child.status, grace]);
    clearTimeout(timer);
    if (outcome === undefined) tryKill(child, "SIGKILL");
    return await child.status;
  }

  /** Stops every child still running. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.#children].map((child) => this.stop(child)));
  }

  /** Marks the demo as interrupted and sends SIGTERM to every child. */
  interrupt(signal: string): void {
    this.#interrupted ??= `interrupted by ${signal}`;
    for (const child of this.#children) tryKill(child, "SIGTERM");
  }

  /** Why the demo was interrupted, if it was. */
  get interrupted(): string | undefined {
    return this.#interrupted;
  }

  /** Throws when the demo was interrupted. */
  throwIfInterrupted(): void {
    if (this.#interrupted) throw new Error(this.#interrupted);
  }
}

/** Runs the demo; returns the exit code. */
export async function runDemo(args: string[]): Promise<number> {
  const unknown = args.filter((arg) => arg !== "--keep");
  if (unknown.length > 0) {
    console.error(`demo: unknown argument ${unknown[0]} (usage: tools/demo.ts [--keep])`);
    return 2;
  }
  const keep = args.includes("--keep");
  const processes = new Processes();
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  const listeners = signals.map((signal) => {
    const listener = (): void => processes.interrupt(signal);
    Deno.addSignalListener(signal, listener);
    return { signal, listener };
  });
  const workDir = await Deno.makeTempDir({ prefix: "piddiplatsch-demo-" });
  let broker: KafkaBroker | undefined;
  const servers: HandleServer[] = [];
  let code = 0;
  try {
    console.log(`demo: working folder ${workDir}`);
    const route = await chooseRoute();
    const ports = PROFILES.map(() => freePort());
    const kafkaPort = route.kind === "local" ? freePort() : undefined;
    // In the map route nothing talks to Kafka; the address only completes the configuration.
    const bootstrap = route.kind === "external" ? route.bootstrap : `127.0.0.1:${kafkaPort ?? 9}`;
    // A shared broker may hold the events of earlier runs: a fresh topic leaves them out.
    const topic = route.kind === "external" ? `${TOPIC}-${runId()}` : TOPIC;
    await Deno.writeTextFile(
      join(workDir, CONFIG_NAME),
      configText({ workDir, bootstrap, topic, ports }),
    );

    for (const [i, profile] of PROFILES.entries()) {
      const server = await startHandleServer(processes, workDir, { port: ports[i], profile });
      servers.push(server);
      console.log(
        `handle-server ${profile.name}: listening on ${server.url} (prefix ${profile.prefix}: ${
          profile.projects.join(", ")
        })`,
      );
    }

    let summary: string;
    if (route.kind !== "map") {
      if (kafkaPort !== undefined) {
        console.log("kafka: starting a local broker (the first run fetches its jars with Maven)");
        broker = await startKafkaBroker({ port: kafkaPort });
        console.log(`kafka: broker listening on ${broker.bootstrap}`);
      } else {
        console.log(`kafka: using the broker at ${bootstrap} (KAFKA_BOOTSTRAP), topic ${topic}`);
      }
      processes.throwIfInterrupted();
      const sent = await runStep(processes, workDir, ["send", EXAMPLES], ["send", EXAMPLES_SHOWN]);
      console.log(lastLine(sent.stdout) ?? "(send printed nothing)");
      const consumeArgs = ["consume", "--idle-timeout", String(IDLE_TIMEOUT_SECONDS)];
      summary = summaryLine(await runStep(processes, workDir, consumeArgs, consumeArgs));
    } else {
      console.log(`demo: ${route.reason}: running \`map ${EXAMPLES_SHOWN}\` instead of Kafka`);
      summary = summaryLine(
        await runStep(processes, workDir, ["map", EXAMPLES], ["map", EXAMPLES_SHOWN]),
      );
    }
    console.log(summary);

    const expected = await expectedEvents(EXAMPLES);
    const rows = await handleRows(servers, expected);
    console.log();
    printTable(rows, expected.length);
    const first = expected.find((event) => event.profile.name === "cmip7") ?? expected[0];
    if (first === undefined) throw new Error(`no valid event in ${EXAMPLES_SHOWN}`);
    console.log();
    const firstServer = servers.find((server) => server.profile === first.profile)!;
    await printResolved(firstServer.url, first.mapped.dataset.handle);
    console.log();
    await printOutputs(workDir);

    const missing = rows.filter((row) => !row.registered).length;
    if (missing > 0) {
      throw new Error(`${missing} of ${rows.length} expected handles are missing or misplaced`);
    }
    processes.throwIfInterrupted();
  } catch (error) {
    console.error(`demo: failed: ${processes.interrupted ?? describeError(error)}`);
    code = 1;
  } finally {
    for (const server of servers) {
      const status = await processes.stop(server.child);
      await server.drained;
      const stopped = server.later.find((line) => line.startsWith("handle-server: stopped"));
      const name = `handle-server ${server.profile.name}`;
      console.log(
        stopped?.replace("handle-server", name) ?? `${name}: exited (code ${status.code})`,
      );
    }
    if (broker) {
      await broker.stop();
      console.log("kafka: broker stopped");
    }
    await processes.stopAll();
    for (const { signal, listener } of listeners) Deno.removeSignalListener(signal, listener);
    if (keep) {
      console.log(`demo: kept ${workDir}`);
    } else {
      await Deno.remove(workDir, { recursive: true }).catch(() => {});
    }
  }
  return code;
}

/** Picks Kafka (`KAFKA_BOOTSTRAP`, or a local broker when Java and Maven run) or `map`. */
async function chooseRoute(): Promise<Route> {
  const external = Deno.env.get("KAFKA_BOOTSTRAP")?.trim();
  if (external) return { kind: "external", bootstrap: external };
  for (const [tool, flag] of [["java", "-version"], ["mvn", "-v"]]) {
    if (!await runs(tool, [flag])) {
      return { kind: "map", reason: `Java/Maven missing (\`${tool} ${flag}\` failed)` };
    }
  }
  return { kind: "local" };
}

/** Whether a tool is on PATH and exits with 0. */
async function runs(tool: string, args: string[]): Promise<boolean> {
  try {
    const result = await new Deno.Command(tool, {
      args,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).output();
    return result.success;
  } catch {
    return false;
  }
}

/** A short unique id for group ids and topics. */
function runId(): string {
  return `${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}`;
}

/** The demo's `piddiplatsch.toml`: every project, one Handle profile per server. */
function configText(
  options: { workDir: string; bootstrap: string; topic: string; ports: number[] },
): string {
  const text = JSON.stringify; // a JSON string is a valid TOML basic string
  const lines = [
    "[consumer]",
    'projects = "all"',
    `topic = ${text(options.topic)}`,
    `output_dir = ${text(join(options.workDir, "outputs"))}`,
    "",
    "[kafka]",
    `"bootstrap.servers" = ${text(options.bootstrap)}`,
    `"group.id" = ${text(`piddiplatsch-demo-${runId()}`)}`,
    `"session.timeout.ms" = 6000`,
    "",
    "# The demo's events carry whole items: no STAC API is needed (and none outside this host is asked).",
    "[stac]",
    'base_url = ""',
    "",
    "[handles]",
    `default = ${text(PROFILES[0].name)}`,
  ];
  for (const [i, profile] of PROFILES.entries()) {
    lines.push(
      "",
      `[handles.profiles.${profile.name}]`,
      `server_url = ${text(`http://127.0.0.1:${options.ports[i]}`)}`,
      `prefix = ${text(profile.prefix)}`,
      `username = ${text(demoUser(profile))}`,
      `password = ${text(DEMO_PASSWORD)}`,
    );
  }
  for (const profile of PROFILES) {
    for (const project of profile.projects) {
      lines.push("", `[plugins.${project}]`, `handle = ${text(profile.name)}`);
    }
  }
  lines.push("", "[stats]", "interval_seconds = 0", "summary_interval = 0", "");
  return lines.join("\n");
}

/** The admin user of a profile's server. */
function demoUser(profile: DemoProfile): string {
  return `300:${profile.prefix}/demo`;
}

/** Starts `handle-server` and waits for its "listening" line. */
async function startHandleServer(
  processes: Processes,
  workDir: string,
  options: { port: number; profile: DemoProfile },
): Promise<HandleServer> {
  const { port, profile } = options;
  const passwordFile = join(workDir, "handle-password");
  await Deno.writeTextFile(passwordFile, DEMO_PASSWORD + "\n");
  const child = processes.spawnCli(
    [
      "--config",
      CONFIG_NAME,
      "handle-server",
      "--port",
      String(port),
      "--prefix",
      profile.prefix,
      "--username",
      demoUser(profile),
      "--password-file",
      passwordFile,
    ],
    workDir,
  );
  const errors = new Response(child.stderr).text();
  const reader = child.stdout
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new TextLineStream())
    .getReader();
  const timer = setTimeout(() => tryKill(child, "SIGKILL"), START_TIMEOUT_MS);
  let url: string | undefined;
  try {
    while (url === undefined) {
      const { done, value } = await reader.read();
      if (done) break;
      url = /listening on (\S+)/.exec(value)?.[1];
    }
  } finally {
    clearTimeout(timer);
  }
  if (url === undefined) {
    await processes.stop(child);
    throw new Error(`handle-server did not start: ${lastLine(await errors) ?? "no output"}`);
  }
  const later: string[] = [];
  const drained = (async (): Promise<void> => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      later.push(value);
    }
    await errors;
  })();
  return { profile, url, child, later, drained };
}

/**
 * Runs one CLI command in the working folder, after echoing it; throws with the last
 * line of its error output when it does not exit with 0.
 */
async function runStep(
  processes: Processes,
  workDir: string,
  args: string[],
  shown: string[],
): Promise<CliResult> {
  console.log(`$ piddiplatsch -c ${CONFIG_NAME} ${shown.join(" ")}`);
  const child = processes.spawnCli(["--config", CONFIG_NAME, ...args], workDir);
  const timer = setTimeout(() => tryKill(child, "SIGKILL"), CLI_TIMEOUT_MS);
  try {
    const output = await child.output();
    const result = {
      code: output.code,
      stdout: new TextDecoder().decode(output.stdout),
      stderr: new TextDecoder().decode(output.stderr),
    };
    processes.throwIfInterrupted();
    if (result.code !== 0) {
      const why = lastLine(result.stderr) ?? lastLine(result.stdout) ?? "no output";
      throw new Error(`\`${shown[0]}\` exited with ${result.code}: ${why}`);
    }
    return result;
  } finally {
    clearTimeout(timer);
  }
}

/** The CLI's `summary:` line and the per-project `summary <project>:` lines after it. */
function summaryLine(result: CliResult): string {
  const lines = `${result.stderr}\n${result.stdout}`.split(/\r?\n/);
  const at = lines.findLastIndex((line) => line.startsWith("summary:"));
  if (at < 0) return "(no summary line)";
  const projects = lines.slice(at + 1).filter((line) => /^summary \S+: /.test(line));
  return [lines[at], ...projects].join("\n");
}

/** The last non-empty line of a text. */
function lastLine(text: string): string | undefined {
  return text.split(/\r?\n/).findLast((line) => line.trim() !== "")?.trim();
}

/** An example event as its project maps it, and the profile it is registered on. */
interface ExpectedEvent {
  mapped: MappedEvent;
  profile: DemoProfile;
}

/**
 * The events of the examples as their projects map them, in file order; events that do
 * not decode, belong to no known project or do not map are left out.
 */
async function expectedEvents(dir: string): Promise<ExpectedEvent[]> {
  const out: ExpectedEvent[] = [];
  for (const file of await expandPaths([dir])) {
    for await (const event of readEventFile(file)) {
      try {
        const decoded = decodeEvent(event.value);
        const project = findProject(decoded.project);
        if (decoded.method !== "POST" || project === undefined) continue;
        const profile = PROFILES.find((p) => p.projects.includes(project.name))!;
        const mapped = createProjectPlugin(project).map(decoded.item, {
          prefix: profile.prefix,
          eventTime: decoded.time,
          collectionId: decoded.collectionId,
          now: new Date(),
        });
        out.push({ mapped, profile });
      } catch {
        // Not a valid event: the pipeline records it as a failure, it registers nothing.
      }
    }
  }
  return out;
}

/** GET /api/handles/<handle>: the response body, or undefined for 404. */
async function getHandle(
  serverUrl: string,
  handle: string,
): Promise<Record<string, unknown> | undefined> {
  const response = await fetch(`${serverUrl}/api/handles/${handle}`);
  const body = await response.json() as Record<string, unknown>;
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`GET ${handle}: HTTP ${response.status}`);
  return body;
}

/** GET on a server that may not serve the handle's prefix: undefined for 404 and 400. */
async function getHandleIfServed(
  serverUrl: string,
  handle: string,
): Promise<Record<string, unknown> | undefined> {
  const response = await fetch(`${serverUrl}/api/handles/${handle}`);
  const body = await response.json() as Record<string, unknown>;
  if (response.status === 404 || response.status === 400) return undefined;
  if (!response.ok) throw new Error(`GET ${handle}: HTTP ${response.status}`);
  return body;
}

/** The values of a handle response as `type → value text`. */
function valueMap(body: Record<string, unknown>): Map<string, string> {
  const fields = new Map<string, string>();
  for (const value of body.values as Array<{ type: string; data: { value: unknown } }>) {
    const data = value.data.value;
    fields.set(value.type, typeof data === "string" ? data : JSON.stringify(data));
  }
  return fields;
}

/**
 * Resolves every expected handle on every server: one row per record, the dataset before
 * its files. A handle counts as registered when its own server holds it and no other does.
 */
async function handleRows(
  servers: HandleServer[],
  events: ExpectedEvent[],
): Promise<HandleRow[]> {
  const rows: HandleRow[] = [];
  for (const event of events) {
    const records = registrationOrder(event.mapped);
    for (const record of [records[records.length - 1], ...records.slice(0, -1)]) {
      const holders: string[] = [];
      let body: Record<string, unknown> | undefined;
      for (const server of servers) {
        const found = await getHandleIfServed(server.url, record.handle);
        if (found === undefined) continue;
        holders.push(server.profile.name);
        if (server.profile === event.profile) body = found;
      }
      const fields = body ? valueMap(body) : localFields(record);
      const level = fields.get("AGGREGATION_LEVEL") ?? "?";
      const retracted = fields.has("RETRACTED_ON") ? ", retracted" : "";
      rows.push({
        handle: record.handle,
        level,
        name: (level === "DATASET" ? fields.get("DATASET_ID") : fields.get("FILE_NAME")) ?? "?",
        detail: level === "DATASET"
          ? `${parts(fields.get("HAS_PARTS"))}${retracted}`
          : formatBytes(Number(fields.get("FILE_SIZE"))),
        servers: holders,
        registered: body !== undefined && holders.length === 1,
      });
    }
  }
  return rows;
}

/** The fields of a record that is not on the server, as the plugin mapped them. */
function localFields(record: HandleRecord): Map<string, string> {
  return new Map(
    Object.entries(record.data).map((
      [key, value],
    ) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
  );
}

/** "3 parts" from a `HAS_PARTS` JSON list. */
function parts(hasParts: string | undefined): string {
  let count = 0;
  try {
    const list = JSON.parse(hasParts ?? "[]");
    count = Array.isArray(list) ? list.length : 0;
  } catch {
    count = 0;
  }
  return `${count} part${count === 1 ? "" : "s"}`;
}

/** Bytes as text with a decimal unit, e.g. "209.9 MB". */
function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "?";
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Prints the handle table: a mark for each handle found on its own server, and who holds it. */
function printTable(rows: HandleRow[], events: number): void {
  const registered = rows.filter((row) => row.registered).length;
  console.log(
    `handles of the ${events} valid example events: ${registered} of ${rows.length} registered`,
  );
  const header = ["", "handle", "server", "type", "DATASET_ID / FILE_NAME", "parts/size"];
  const cells = rows.map((row) => [
    row.registered ? "✓" : "✗",
    row.handle,
    row.servers.join("+") || "-",
    row.level,
    row.level === "FILE" ? `  ${row.name}` : row.name,
    row.detail,
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...cells.map((line) => line[i].length))
  );
  for (const line of [header, ...cells]) {
    console.log(line.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd());
  }
}

/** Resolves a handle and prints the response, one value per line. */
async function printResolved(serverUrl: string, handle: string): Promise<void> {
  console.log(`GET ${serverUrl}/api/handles/${handle}`);
  const body = await getHandle(serverUrl, handle);
  if (body === undefined) throw new Error(`${handle} does not resolve (404)`);
  const { values, ...rest } = body;
  const head = JSON.stringify(rest);
  console.log(`${head.slice(0, -1)},"values":[`);
  const list = values as unknown[];
  list.forEach((value, i) =>
    console.log(`  ${JSON.stringify(value)}${i < list.length - 1 ? "," : ""}`)
  );
  console.log("]}");
}

/** Lists the files under `outputs/` with their line counts and the reasons of failures. */
async function printOutputs(workDir: string): Promise<void> {
  const files = await listFiles(join(workDir, "outputs"));
  console.log(`outputs/: ${files.length} file(s)`);
  for (const file of files) {
    const lines = (await Deno.readTextFile(file)).split("\n").filter((line) => line.trim());
    console.log(`  ${relative(workDir, file)}: ${lines.length} line(s)`);
    for (const line of lines) {
      const infos = parseInfos(line);
      if (!infos) continue;
      const source = infos.source ? shownSource(infos.source) : "?";
      console.log(`    ${source} ${infos.key ?? "(no key)"}: ${infos.reason ?? "?"}`);
    }
  }
}

/** The files under a folder, recursively, sorted; [] when it does not exist. */
async function listFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) files.push(...await listFiles(path));
      else if (entry.isFile) files.push(path);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return files.sort();
}

/** The `__infos__` of a failure or skipped line, if it has them. */
function parseInfos(
  line: string,
): { reason?: string; key?: string | null; source?: Provenance } | undefined {
  try {
    const infos = JSON.parse(line)?.__infos__;
    return typeof infos === "object" && infos !== null ? infos : undefined;
  } catch {
    return undefined;
  }
}

/** Provenance with example paths shown relative to the project. */
function shownSource(source: Provenance): string {
  return provenanceText(
    "file" in source ? { ...source, file: relative(PROJECT_ROOT, source.file) } : source,
  );
}

/** Sends a signal unless the process is already gone. */
function tryKill(child: Deno.ChildProcess, signal: Deno.Signal): void {
  try {
    child.kill(signal);
  } catch {
    // The process has already exited.
  }
}

if (import.meta.main) Deno.exit(await runDemo(Deno.args));
