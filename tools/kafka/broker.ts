/**
 * A real single-node Apache Kafka broker (KRaft, broker and controller in one JVM) for the
 * demo, the tests and CI. The broker's jars come from `tools/kafka/pom.xml` through Maven
 * and are cached; the broker runs with the machine's Java on 127.0.0.1 only. Its data lives
 * in a given folder (`dataDir`, kept and reused across restarts: the KRaft storage is
 * formatted only when it is not yet), or else in a fresh temporary folder that is removed
 * when the broker is stopped cleanly (and kept when it died on its own or failed to start,
 * for a look at its log).
 *
 * Its parts: ports (`ports.ts`), the KRaft configuration and storage
 * (`server_properties.ts`), Java process helpers (`processes.ts`) and the wait until the
 * started broker answers (`running.ts`). Every name the others import is exported here.
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { quietKafkajsWarnings } from "../../src/kafka/mod.ts";
import { ensureMavenJars } from "../maven.ts";
import { checkPortFree, freePort, HOST } from "./ports.ts";
import { runTool, spawnJava, tail } from "./processes.ts";
import { awaitReady, type KafkaBroker } from "./running.ts";
import {
  clusterId,
  isFormatted,
  serverProperties,
  type ServerPropertiesOptions,
} from "./server_properties.ts";
import {
  prepareSecurity,
  scramConfigArgs,
  scramFormatArgs,
  type SecureSettings,
  securityProperties,
  SETTINGS_FILE,
  writeClientSettings,
  writeKeyStore,
} from "./security.ts";

export { freePort } from "./ports.ts";
export type { KafkaBroker } from "./running.ts";
export type { SaslMechanism, SaslUser, SecureSettings } from "./security.ts";

/** The project root, two folders above this module. */
const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The Maven project that names the broker's jars. */
const POM_FILE = fileURLToPath(new URL("./pom.xml", import.meta.url));
/** The broker's logging configuration: warnings to the console. */
const LOG4J_FILE = fileURLToPath(new URL("./log4j2.properties", import.meta.url));

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
  /**
   * Opens a `SASL_SSL` and an `SSL` listener besides PLAINTEXT (`security.ts`): `true`
   * on free ports, or the ports to use (0 or undefined: a free one).
   */
  secure?: boolean | { saslSslPort?: number; sslPort?: number };
}

/** A Kafka bootstrap address for tests, with the means to release it. */
export interface KafkaForTests {
  /** The bootstrap address, `host:port`. */
  bootstrap: string;
  /**
   * With secure listeners: the path of their `client-settings.json` (for
   * `KAFKA_SECURE_SETTINGS`, see {@linkcode secureKafkaForTests}).
   */
  secureSettings?: string;
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
  const taken = new Set([port]);
  /** A port not yet taken by another listener of this broker. */
  const another = (wanted?: number): number => {
    let chosen = wanted ? checkPortFree(wanted) : freePort();
    while (!wanted && taken.has(chosen)) chosen = freePort();
    taken.add(chosen);
    return chosen;
  };
  const controllerPort = another();
  const wantedSecure = options.secure === true ? {} : options.secure || undefined;
  const securePorts = wantedSecure && {
    saslSslPort: another(wantedSecure.saslSslPort),
    sslPort: another(wantedSecure.sslPort),
  };
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
    const material = securePorts && await prepareSecurity(tempDir);
    let secure: ServerPropertiesOptions["secure"];
    if (material) {
      await writeKeyStore(material);
      secure = { ...securePorts, properties: securityProperties(material) };
    }
    await Deno.writeTextFile(
      propertiesFile,
      serverProperties({ port, controllerPort, dataDir, secure }),
    );

    const reused = await isFormatted(dataDir);
    if (reused) {
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
        ...(material ? scramFormatArgs(material) : []),
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
    const broker = await awaitReady(child, childLog, {
      bootstrap: `${HOST}:${port}`,
      logFile,
      tempDir,
      owned,
      timeoutMs: options.startTimeoutMs ?? 60_000,
    });
    if (!material || !securePorts) return broker;
    try {
      // Storage formatted earlier, perhaps without them: the SCRAM users are (re)set now.
      if (reused) await addScramUsers(material.users, { classPath, logConfig, broker });
      broker.secure = await writeClientSettings(material, {
        plaintext: broker.bootstrap,
        saslSsl: `${HOST}:${securePorts.saslSslPort}`,
        ssl: `${HOST}:${securePorts.sslPort}`,
      });
      return broker;
    } catch (error) {
      await broker.stop();
      throw error;
    }
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

/** Creates or resets the SCRAM users on the running broker (Kafka's ConfigCommand). */
async function addScramUsers(
  users: SecureSettings["users"],
  place: { classPath: string; logConfig: string; broker: KafkaBroker },
): Promise<void> {
  for (const user of users.filter((u) => u.mechanism !== "PLAIN")) {
    const result = await runTool("java", [
      place.logConfig,
      "-cp",
      place.classPath,
      "kafka.admin.ConfigCommand",
      ...scramConfigArgs(user, place.broker.bootstrap),
    ], { missing: "Java was not found on PATH; install Java 17 or newer" });
    if (!result.success) {
      throw new Error(`the SCRAM user ${user.username} could not be set: ${tail(result.output)}`);
    }
  }
}

/**
 * A Kafka broker for a test: the address in `KAFKA_BOOTSTRAP` when it is set (then `stop()`
 * does nothing), else a local broker on a free port (on the folder `KAFKA_DATA_DIR`, reused
 * across runs, when it is set; else a fresh temporary one). Never skips: when no broker can
 * be started, it throws, so that tests that need Kafka fail. With `secure`, a broker started
 * here also opens the secure listeners; an external one names its settings in
 * `KAFKA_SECURE_SETTINGS`.
 */
export async function kafkaBootstrapForTests(
  options: { secure?: boolean } = {},
): Promise<KafkaForTests> {
  const external = Deno.env.get("KAFKA_BOOTSTRAP")?.trim();
  if (external) {
    return {
      bootstrap: external,
      secureSettings: Deno.env.get("KAFKA_SECURE_SETTINGS")?.trim() || undefined,
      stop: (): Promise<void> => Promise.resolve(),
    };
  }
  const dataDir = Deno.env.get("KAFKA_DATA_DIR")?.trim() || undefined;
  const broker = await startKafkaBroker({ port: 0, dataDir, secure: options.secure });
  return {
    bootstrap: broker.bootstrap,
    secureSettings: broker.secure && join(broker.dir, "security", SETTINGS_FILE),
    stop: (): Promise<void> => broker.stop(),
  };
}

/** A broker with secure listeners for a test, with the means to release it. */
export interface SecureKafkaForTests {
  /** Its listeners, files and users. */
  settings: SecureSettings;
  /** Stops the broker this helper started; does nothing for an external one. */
  stop(): Promise<void>;
}

/**
 * A broker with `SASL_SSL` and `SSL` listeners for a test: the one described by the file
 * `KAFKA_SECURE_SETTINGS` names (its `security/client-settings.json`; then `stop()` does
 * nothing), else one started for the caller on free ports in a temporary folder.
 */
export async function secureKafkaForTests(): Promise<SecureKafkaForTests> {
  const external = Deno.env.get("KAFKA_SECURE_SETTINGS")?.trim();
  if (external) {
    const settings = JSON.parse(await Deno.readTextFile(external)) as SecureSettings;
    return { settings, stop: (): Promise<void> => Promise.resolve() };
  }
  const broker = await startKafkaBroker({ port: 0, secure: true });
  return { settings: broker.secure!, stop: (): Promise<void> => broker.stop() };
}
