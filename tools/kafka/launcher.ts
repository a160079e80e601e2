/**
 * `deno task kafka [--data-dir DIR] [--secure]`: runs a local single-node Kafka broker on
 * 127.0.0.1:$KAFKA_PORT (default 9092) until Ctrl-C or SIGTERM, then stops it. With
 * `--data-dir` its data stays in DIR and the next start goes on from it (topics,
 * messages, committed offsets); without, it lives in a temporary folder that is removed
 * on a clean stop and kept when the broker died on its own.
 *
 * With `--secure` (or `KAFKA_SECURE=1`) it also opens a `SASL_SSL` listener on
 * $KAFKA_SASL_SSL_PORT (default 9093; users for PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512)
 * and an `SSL` listener that requires a client certificate on $KAFKA_SSL_PORT (default
 * 9094), with a CA and certificates of its own; the client settings (CA file, users,
 * client key and certificate, ready `[kafka]` snippets) are written to the broker
 * folder's `security/` and their place is printed.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type KafkaBroker, startKafkaBroker } from "./broker.ts";
import { describeError } from "../../src/errors/mod.ts";

/** The port used when `KAFKA_PORT` is not set. */
const DEFAULT_PORT = 9092;

/** Parses a port variable (`KAFKA_PORT`, ...); throws on anything that is not a port number. */
function portFromEnv(name: string, fallback: number): number {
  const text = Deno.env.get(name)?.trim();
  if (!text) return fallback;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new Error(`${name} must be a port number (1-65535), got "${text}"`);
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
    const { values } = parseArgs({
      args: Deno.args,
      options: { "data-dir": { type: "string" }, secure: { type: "boolean" } },
    });
    dataDir = values["data-dir"];
    const secure = values.secure || /^(1|true|yes)$/i.test(Deno.env.get("KAFKA_SECURE") ?? "");
    running = await startKafkaBroker({
      port: portFromEnv("KAFKA_PORT", DEFAULT_PORT),
      dataDir,
      secure: secure && {
        saslSslPort: portFromEnv("KAFKA_SASL_SSL_PORT", DEFAULT_PORT + 1),
        sslPort: portFromEnv("KAFKA_SSL_PORT", DEFAULT_PORT + 2),
      },
    });
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
  if (running.secure) {
    const { saslSsl, ssl, toml } = running.secure;
    console.log(`kafka: SASL_SSL on ${saslSsl} (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)`);
    console.log(`kafka: SSL with client certificates on ${ssl}`);
    console.log(`kafka: client settings: ${toml.saslSsl}, ${toml.ssl}`);
  }

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
