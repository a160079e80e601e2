/**
 * A started Kafka broker process: waiting until it answers Kafka requests, and the handle
 * that stops it (removing a temporary folder made for it only on a clean stop).
 *
 * @module
 */

import { Kafka, logLevel } from "kafkajs";
import { describeError } from "../../src/errors/mod.ts";
import { drain, readText, sleep, tail, tryKill } from "./processes.ts";
import type { SecureSettings } from "./security.ts";

/** How long `stop()` waits after SIGTERM before it sends SIGKILL. */
const STOP_GRACE_MS = 15_000;

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
  /** With secure listeners: their addresses, files and users (also in `security/client-settings.json`). */
  secure?: SecureSettings;
  /**
   * Stops the broker (SIGTERM, then SIGKILL after 15 s). A temporary folder made for it is
   * removed when this stop ended it; when the broker had died on its own, it is kept.
   */
  stop(): Promise<void>;
}

/** Where a broker lives, for {@linkcode awaitReady}. */
export interface BrokerPlace {
  /** The bootstrap address, `127.0.0.1:PORT`. */
  bootstrap: string;
  /** The file that holds the broker's output. */
  logFile: string;
  /** The broker's folder. */
  tempDir: string;
  /** Whether `tempDir` was made for this broker (then a clean stop removes it). */
  owned: boolean;
  /** How long to wait until the broker answers. */
  timeoutMs: number;
}

/**
 * Writes the child's output to the log, waits until the broker answers a metadata request,
 * and returns the broker's handle. On failure the child is killed and the error thrown.
 */
export async function awaitReady(
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
