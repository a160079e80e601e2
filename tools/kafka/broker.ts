/**
 * A real single-node Apache Kafka broker (KRaft, broker and controller in one JVM) for the
 * demo, the tests and CI. The broker's jars come from `tools/kafka/pom.xml` through Maven
 * and are cached; the broker runs with the machine's Java on 127.0.0.1 only. Its data lives
 * in a given folder (`dataDir`, kept and reused across restarts: the KRaft storage is
 * formatted only when it is not yet), or else in a fresh temporary folder that is removed
 * when the broker is stopped cleanly (and kept when it died on its own or failed to start,
 * for a look at its log).
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Kafka, logLevel } from "kafkajs";
import { ConfigurationError, describeError } from "../../src/errors/mod.ts";
import { quietKafkajsWarnings } from "../../src/kafka/mod.ts";
import { ensureMavenJars } from "../maven.ts";

/** The only host the broker listens on and announces. */
const HOST = "127.0.0.1";
/** The project root, two folders above this module. */
const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The Maven project that names the broker's jars. */
const POM_FILE = fileURLToPath(new URL("./pom.xml", import.meta.url));
/** The broker's logging configuration: warnings to the console. */
const LOG4J_FILE = fileURLToPath(new URL("./log4j2.properties", import.meta.url));
/** Written into the jar folder after a complete copy; lists the jar names. */
/** How long `stop()` waits after SIGTERM before it sends SIGKILL. */
const STOP_GRACE_MS = 15_000;
/** How many log lines an error about a failed start quotes. */
const LOG_TAIL_LINES = 20;

/** Options of {@linkcode ensureKafkaJars}. */
export interface KafkaJarsOptions {
  /** Where the jars are cached; default `<project>/.cache/kafka-libs`. */
  cacheDir?: string;
}

/** Options of {@linkcode startKafkaBroker}. */
export interface KafkaBrokerOptions extends KafkaJarsOptions {
  /** The broker's port on 127.0.0.1; 0 or undefined picks a free port. */
  port?: number;
  /** The folder of the broker's log file; default the broker's temporary folder. */
  logDir?: string;
  /** How long to wait until the broker answers Kafka requests; default 60000 ms. */
  startTimeoutMs?: number;
  /**
   * The broker's folder (configuration, log, data), created if missing, never removed;
   * a broker started again on it has the topics, messages and offsets of the last one.
   * Default: a new temporary folder.
   */
  dataDir?: string;
}

/** A running local Kafka broker. */
export interface KafkaBroker {
  /** The bootstrap address, `127.0.0.1:PORT`. */
  bootstrap: string;
  /** The file that holds the broker's stdout and stderr. */
  logFile: string;
  /** Resolves when the java process has exited, for whatever reason. */
  exited: Promise<Deno.CommandStatus>;
  /** The java process id. */
  pid: number;
  /** The broker's folder: `dataDir`, or the temporary folder made for it. */
  dir: string;
  /**
   * Stops the broker (SIGTERM, then SIGKILL after 15 s). A temporary folder made for it is
   * removed when this stop ended it; when the broker had died on its own, it is kept.
   */
  stop(): Promise<void>;
}

/** A Kafka bootstrap address for tests, with the means to release it. */
export interface KafkaForTests {
  /** The bootstrap address, `host:port`. */
  bootstrap: string;
  /** Stops the broker this helper started; does nothing for an external broker. */
  stop(): Promise<void>;
}

/**
 * Makes sure the broker's jars are in the cache folder, copying them with Maven only when
 * the folder is missing or incomplete, and returns the folder.
 *
 * @throws {ConfigurationError} when Maven is missing or the copy fails.
 */
export function ensureKafkaJars(options: KafkaJarsOptions = {}): Promise<string> {
  return ensureMavenJars({
    pom: POM_FILE,
    cacheDir: options.cacheDir ?? join(PROJECT_ROOT, ".cache", "kafka-libs"),
    expectJar: "kafka_",
    what: "the Kafka broker",
  });
}

/**
 * Starts a fresh single-node Kafka broker on 127.0.0.1 and resolves once it answers Kafka
 * metadata requests. The broker's data and (by default) its log live in a new temporary
 * folder, removed by `stop()`.
 *
 * @throws {ConfigurationError} when Java or Maven is missing or the port is taken.
 * @throws {Error} when the broker exits early (the message quotes its log) or does not
 * answer within `startTimeoutMs`.
 */
export async function startKafkaBroker(options: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  quietKafkajsWarnings();
  const port = options.port ? checkPortFree(options.port) : freePort();
  let controllerPort = freePort();
  while (controllerPort === port) controllerPort = freePort();
  const jarDir = await ensureKafkaJars({ cacheDir: options.cacheDir });
  const classPath = join(jarDir, "*");
  const logConfig = `-Dlog4j2.configurationFile=${LOG4J_FILE}`;

  const owned = options.dataDir === undefined;
  const tempDir = options.dataDir ?? await Deno.makeTempDir({ prefix: "piddiplatsch-kafka-" });
  if (!owned) await Deno.mkdir(tempDir, { recursive: true });
  const logFile = join(options.logDir ?? tempDir, `kafka-${port}.log`);
  let logHandle: Deno.FsFile | undefined;
  try {
    if (options.logDir) await Deno.mkdir(options.logDir, { recursive: true });
    const propertiesFile = join(tempDir, "server.properties");
    const dataDir = join(tempDir, "data");
    await Deno.writeTextFile(propertiesFile, serverProperties(port, controllerPort, dataDir));

    if (await isFormatted(dataDir)) {
      await Deno.writeTextFile(logFile, `kafka: reusing the storage in ${dataDir}\n`, {
        append: true,
      });
    } else {
      const format = await runTool("java", [
        logConfig,
        "-cp",
        classPath,
        "kafka.tools.StorageTool",
        "format",
        "-t",
        clusterId(),
        "-c",
        propertiesFile,
      ], { cwd: tempDir, missing: "Java was not found on PATH; install Java 17 or newer" });
      await Deno.writeTextFile(logFile, format.output, { append: true });
      if (!format.success) {
        throw new Error(
          `Kafka storage format failed (exit ${format.code}): ${tail(format.output)}`,
        );
      }
    }

    logHandle = await Deno.open(logFile, { append: true });
    const child = spawnJava([
      "-Xmx512m",
      logConfig,
      "-cp",
      classPath,
      "kafka.Kafka",
      propertiesFile,
    ], tempDir);
    // From here on awaitReady owns the log file: it closes it when the output ends.
    const childLog = logHandle;
    logHandle = undefined;
    return await awaitReady(child, childLog, {
      bootstrap: `${HOST}:${port}`,
      logFile,
      tempDir,
      owned,
      timeoutMs: options.startTimeoutMs ?? 60_000,
    });
  } catch (error) {
    logHandle?.close();
    // Kept for a look at the log (the message quotes its end); a temporary folder is
    // removed only on a clean stop.
    if (error instanceof Error && !error.message.includes(tempDir)) {
      error.message += ` (broker folder kept: ${tempDir})`;
    }
    throw error;
  }
}

/** Whether a KRaft log folder has been formatted (holds `meta.properties`). */
async function isFormatted(dataDir: string): Promise<boolean> {
  try {
    return (await Deno.stat(join(dataDir, "meta.properties"))).isFile;
  } catch {
    return false;
  }
}

/**
 * A Kafka broker for a test: the address in `KAFKA_BOOTSTRAP` when it is set (then `stop()`
 * does nothing), else a local broker on a free port (on the folder `KAFKA_DATA_DIR`, reused
 * across runs, when it is set; else a fresh temporary one). Never skips: when no broker can
 * be started, it throws, so that tests that need Kafka fail.
 */
export async function kafkaBootstrapForTests(): Promise<KafkaForTests> {
  const external = Deno.env.get("KAFKA_BOOTSTRAP")?.trim();
  if (external) return { bootstrap: external, stop: (): Promise<void> => Promise.resolve() };
  const dataDir = Deno.env.get("KAFKA_DATA_DIR")?.trim() || undefined;
  const broker = await startKafkaBroker({ port: 0, dataDir });
  return { bootstrap: broker.bootstrap, stop: (): Promise<void> => broker.stop() };
}

/** A port on 127.0.0.1 that was free a moment ago: listens on port 0 and closes again. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: HOST, port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

/** Returns the port when nothing listens on it on 127.0.0.1, else throws. */
function checkPortFree(port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigurationError(`Kafka port ${port} is not a port number (1-65535)`);
  }
  try {
    Deno.listen({ hostname: HOST, port }).close();
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      throw new ConfigurationError(`port ${HOST}:${port} is already in use`);
    }
    throw error;
  }
  return port;
}

/** The KRaft configuration of a combined broker and controller with node id 1. */
function serverProperties(port: number, controllerPort: number, dataDir: string): string {
  const settings: Record<string, string | number | boolean> = {
    "process.roles": "broker,controller",
    "node.id": 1,
    "controller.quorum.voters": `1@${HOST}:${controllerPort}`,
    "listeners": `PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}`,
    "advertised.listeners": `PLAINTEXT://${HOST}:${port}`,
    "controller.listener.names": "CONTROLLER",
    "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "inter.broker.listener.name": "PLAINTEXT",
    "log.dirs": dataDir,
    "num.partitions": 3,
    "offsets.topic.replication.factor": 1,
    "offsets.topic.num.partitions": 3,
    "transaction.state.log.replication.factor": 1,
    "transaction.state.log.min.isr": 1,
    "share.coordinator.state.topic.replication.factor": 1,
    "share.coordinator.state.topic.min.isr": 1,
    "group.initial.rebalance.delay.ms": 0,
    "auto.create.topics.enable": true,
  };
  // Backslashes (Windows paths) must be escaped in a Java properties file.
  return Object.entries(settings)
    .map(([key, value]) => `${key}=${String(value).replaceAll("\\", "\\\\")}`)
    .join("\n") + "\n";
}

/** A random Kafka cluster id: 16 bytes, unpadded URL-safe base64, not starting with "-". */
function clusterId(): string {
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    const id = btoa(String.fromCharCode(...bytes))
      .replaceAll("+", "-")
      .replaceAll("/", "_")
      .replace(/=+$/, "");
    if (!id.startsWith("-")) return id;
  }
}

/** Where a broker lives, for {@linkcode awaitReady}. */
interface BrokerPlace {
  bootstrap: string;
  logFile: string;
  tempDir: string;
  /** Whether `tempDir` was made for this broker (then a clean stop removes it). */
  owned: boolean;
  timeoutMs: number;
}

/**
 * Writes the child's output to the log, waits until the broker answers a metadata request,
 * and returns the broker's handle. On failure the child is killed and the error thrown.
 */
async function awaitReady(
  child: Deno.ChildProcess,
  logHandle: Deno.FsFile,
  place: BrokerPlace,
): Promise<KafkaBroker> {
  const drained = Promise.all([
    drain(child.stdout, logHandle),
    drain(child.stderr, logHandle),
  ]).finally(() => logHandle.close());
  let exitStatus: Deno.CommandStatus | undefined;
  const exited = child.status.then((status) => (exitStatus = status));
  const killOnUnload = (): void => {
    if (!exitStatus) tryKill(child, "SIGKILL");
  };
  globalThis.addEventListener("unload", killOnUnload);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async (): Promise<void> => {
      const diedAlone = exitStatus !== undefined;
      if (!exitStatus) {
        tryKill(child, "SIGTERM");
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timeout = new Promise<"timeout">((resolve) => {
          timer = setTimeout(() => resolve("timeout"), STOP_GRACE_MS);
        });
        const outcome = await Promise.race([exited, timeout]);
        clearTimeout(timer);
        if (outcome === "timeout") tryKill(child, "SIGKILL");
      }
      await exited;
      await drained.catch(() => {});
      globalThis.removeEventListener("unload", killOnUnload);
      if (place.owned && !diedAlone && !failedStart) {
        await Deno.remove(place.tempDir, { recursive: true }).catch(() => {});
      }
    })();
    return stopping;
  };

  let failedStart = false;
  const broker: KafkaBroker = {
    bootstrap: place.bootstrap,
    logFile: place.logFile,
    exited,
    pid: child.pid,
    dir: place.tempDir,
    stop,
  };
  const deadline = Date.now() + place.timeoutMs;
  let lastError = "no answer yet";
  try {
    for (;;) {
      if (exitStatus) {
        await drained.catch(() => {});
        throw new Error(
          `the Kafka broker exited early (exit ${exitStatus.code}): ${
            tail(await readText(place.logFile))
          }`,
        );
      }
      if (Date.now() >= deadline) {
        throw new Error(
          `the Kafka broker did not answer within ${place.timeoutMs} ms (${lastError}): ${
            tail(await readText(place.logFile))
          }`,
        );
      }
      try {
        await probe(place.bootstrap);
        return broker;
      } catch (error) {
        lastError = describeError(error);
      }
      await Promise.race([exited, sleep(250)]);
    }
  } catch (error) {
    const keepLog = place.logFile.startsWith(place.tempDir) ? "" : ` (log: ${place.logFile})`;
    failedStart = true;
    await stop();
    if (error instanceof Error && keepLog) error.message += keepLog;
    throw error;
  }
}

/** Asks the broker for its topics: succeeds only when it really answers Kafka requests. */
async function probe(bootstrap: string): Promise<void> {
  const kafka = new Kafka({
    clientId: "piddiplatsch-kafka-probe",
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 3_000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    await admin.listTopics();
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** Starts java with piped output; a missing java becomes a {@linkcode ConfigurationError}. */
function spawnJava(args: string[], cwd: string): Deno.ChildProcess {
  try {
    return new Deno.Command("java", {
      args,
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new ConfigurationError("Java was not found on PATH; install Java 17 or newer");
    }
    throw error;
  }
}

/** The outcome of a finished tool run: stdout and stderr together. */
interface ToolResult {
  success: boolean;
  code: number;
  output: string;
}

/** Runs a tool to its end; a missing tool becomes a {@linkcode ConfigurationError}. */
async function runTool(
  command: string,
  args: string[],
  options: { cwd?: string; missing: string },
): Promise<ToolResult> {
  try {
    const result = await new Deno.Command(command, {
      args,
      cwd: options.cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    return {
      success: result.success,
      code: result.code,
      output: decoder.decode(result.stdout) + decoder.decode(result.stderr),
    };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new ConfigurationError(options.missing);
    throw error;
  }
}

/** Copies a stream into an open file until the stream ends. */
async function drain(stream: ReadableStream<Uint8Array>, file: Deno.FsFile): Promise<void> {
  for await (const chunk of stream) {
    let written = 0;
    while (written < chunk.length) written += await file.write(chunk.subarray(written));
  }
}

/** Sends a signal unless the process is already gone. */
function tryKill(child: Deno.ChildProcess, signal: Deno.Signal): void {
  try {
    child.kill(signal);
  } catch {
    // The process has already exited.
  }
}

/** The text of a file, or "" when it cannot be read. */
async function readText(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return "";
  }
}

/**
 * The last non-empty lines of a text without Java stack frames, joined with " | " so that
 * an error stays one line.
 */
function tail(text: string, lines = LOG_TAIL_LINES): string {
  const last = text.split(/\r?\n/)
    .filter((line) => line.trim() !== "" && !/^\s+(at |\.\.\. \d+ more)/.test(line))
    .slice(-lines);
  return last.length > 0 ? last.join(" | ") : "(no output)";
}

/** Resolves after the given milliseconds. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
