/**
 * The throughput benchmark of issue 11, in one run: mapping (in process and through
 * `map`), the growth series (1, 1k, 10k, 50k files per event, `.json` and `.jsonl`),
 * Kafka ingest against Java `ConsumerPerformance` on the same topic, registration at
 * default settings with the adaptive limit's trace, and peak memory. Prints one table,
 * each figure next to its target.
 *
 * Usage: `deno run -A bench/throughput.ts [--kafka-events 100000] [--kafka-rounds 3]
 * [--map-events 1500] [--register-events 300] [--real-handle-events 200]
 * [--only map,process,growth,kafka,kafka-tls,register,real-handle]`
 * (`--only` runs just those parts; `kafka-tls`: the ingest rate over the broker's SASL_SSL
 * listener next to PLAINTEXT and Java's, `bench/kafka_ingest_tls.ts`). Everything runs with the V8 flags of the `piddiplatsch`
 * task (those the binary is compiled with): the CLI's processes, and this one too, which
 * starts itself again with them when it was started without. Uses the broker in
 * `KAFKA_BOOTSTRAP`, else starts one. `real-handle`: registration into a real Handle.Net
 * server, ours against its ceiling and pyhandle (`bench/real_handle.ts`).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { kafkaBootstrapForTests } from "../tools/kafka/broker.ts";
import { cliV8Flags } from "./cli_run.ts";
import { kafkaGrowth, kafkaIngest } from "./kafka_ingest.ts";
import { kafkaIngestTls } from "./kafka_ingest_tls.ts";
import { growth, mapInProcess, mapProcess } from "./mapping.ts";
import { realHandleRegistration } from "./real_handle.ts";
import { registration } from "./registration.ts";
import { machine, Report } from "./report.ts";

/** Set in the environment of this benchmark once it runs with the CLI's V8 flags. */
const WITH_CLI_FLAGS = "PIDDI_BENCH_WITH_CLI_FLAGS";

/**
 * Runs this benchmark again with the CLI's V8 flags (the in-process figures are then those of
 * the shipped settings) and exits with its status.
 */
async function rerunWithCliFlags(): Promise<never> {
  const flags = await cliV8Flags();
  console.log(`running with the CLI's V8 flags: ${flags.join(" ")}`);
  const status = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", ...flags, new URL(import.meta.url).pathname, ...Deno.args],
    env: { [WITH_CLI_FLAGS]: "1" },
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  Deno.exit(status.code);
}

async function main(): Promise<void> {
  const args = parseArgs({
    args: Deno.args,
    options: {
      "kafka-events": { type: "string", default: "100000" },
      "kafka-rounds": { type: "string", default: "3" },
      "map-events": { type: "string", default: "1500" },
      "register-events": { type: "string", default: "300" },
      "real-handle-events": { type: "string", default: "200" },
      only: { type: "string", multiple: true },
    },
  }).values;
  const parts = ["map", "process", "growth", "kafka", "kafka-tls", "register", "real-handle"];
  const only = args.only?.flatMap((o) => o.split(","));
  const unknown = only?.filter((o) => !parts.includes(o)) ?? [];
  if (unknown.length > 0) {
    console.error(`--only: unknown part(s) ${unknown.join(", ")}; parts: ${parts.join(", ")}`);
    Deno.exit(2);
  }
  if (Deno.env.get(WITH_CLI_FLAGS) !== "1") await rerunWithCliFlags();
  const report = new Report();
  const runs = (part: string): boolean => only === undefined || only.includes(part);
  if (runs("map")) mapInProcess(report);
  if (runs("process")) await mapProcess(report, Number(args["map-events"]));
  if (runs("growth")) await growth(report);
  if (runs("kafka") || runs("kafka-tls")) {
    if (!Deno.env.get("KAFKA_BOOTSTRAP")) console.log("\nstarting a local Kafka broker");
    // With its secure listeners too, for the ingest rate over SASL_SSL (kafka-tls).
    const kafka = await kafkaBootstrapForTests({ secure: true });
    const kafkaOptions = {
      events: Number(args["kafka-events"]),
      rounds: Number(args["kafka-rounds"]),
    };
    try {
      if (runs("kafka")) {
        await kafkaGrowth(report, kafka.bootstrap);
        await kafkaIngest(report, kafka.bootstrap, kafkaOptions);
      }
      if (runs("kafka-tls") && kafka.secureSettings) {
        const settings = JSON.parse(await Deno.readTextFile(kafka.secureSettings));
        await kafkaIngestTls(report, settings, kafkaOptions);
      } else if (runs("kafka-tls")) {
        console.log("kafka-tls: skipped, KAFKA_BOOTSTRAP is set without KAFKA_SECURE_SETTINGS");
      }
    } finally {
      await kafka.stop();
    }
  }
  if (runs("register")) await registration(report, Number(args["register-events"]));
  if (runs("real-handle")) {
    await realHandleRegistration(report, Number(args["real-handle-events"]));
  }
  console.log(`\nmachine: ${await machine()}\n\n${report.table()}`);
  // A kafkajs consumer that ran in this process (the growth series through Kafka) leaves a
  // handle open after it disconnected, which would keep the process alive; the CLI exits
  // explicitly too.
  Deno.exit(0);
}

if (import.meta.main) await main();
