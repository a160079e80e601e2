/**
 * `deno task kafka [--data-dir DIR]`: runs a local single-node Kafka broker on
 * 127.0.0.1:$KAFKA_PORT (default 9092) until Ctrl-C or SIGTERM, then stops it. With
 * `--data-dir` its data stays in DIR and the next start goes on from it (topics,
 * messages, committed offsets); without, it lives in a temporary folder that is removed
 * on a clean stop and kept when the broker died on its own.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type KafkaBroker, startKafkaBroker } from "./broker.ts";
import { describeError } from "../../src/errors/mod.ts";

/** The port used when `KAFKA_PORT` is not set. */
const DEFAULT_PORT = 9092;

/** Parses `KAFKA_PORT`; throws on anything that is not a port number. */
function portFromEnv(): number {
  const text = Deno.env.get("KAFKA_PORT")?.trim();
  if (!text) return DEFAULT_PORT;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new Error(`KAFKA_PORT must be a port number (1-65535), got "${text}"`);
  }
  return port;
}

/** The last lines of a file, or "" when it cannot be read. */
async function logTail(path: string, lines: number): Promise<string> {
  try {
    return (await Deno.readTextFile(path)).trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** Starts the broker, prints its address, and returns the process exit code when it ends. */
async function main(): Promise<number> {
  let running: KafkaBroker;
  let dataDir: string | undefined;
  try {
    const { values } = parseArgs({ args: Deno.args, options: { "data-dir": { type: "string" } } });
    dataDir = values["data-dir"];
    running = await startKafkaBroker({ port: portFromEnv(), dataDir });
  } catch (error) {
    console.error(`kafka: ${describeError(error)}`);
    return 1;
  }

  const signalled = Promise.withResolvers<Deno.Signal>();
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const signal of signals) {
    Deno.addSignalListener(signal, () => signalled.resolve(signal));
  }
  console.log(
    `kafka: listening on ${running.bootstrap} (log: ${running.logFile}${
      dataDir ? `, data: ${running.dir}` : ""
    })`,
  );

  const outcome = await Promise.race([signalled.promise, running.exited]);
  if (typeof outcome === "string") {
    console.log(`kafka: ${outcome}, stopping`);
    await running.stop();
    console.log("kafka: stopped");
    return 0;
  }
  console.error(`kafka: the broker exited unexpectedly (exit ${outcome.code})`);
  console.error(await logTail(running.logFile, 20));
  await running.stop();
  console.error(`kafka: its folder is kept: ${running.dir}`);
  return 1;
}

if (import.meta.main) {
  Deno.exit(await main());
}
