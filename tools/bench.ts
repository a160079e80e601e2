/**
 * `deno task bench`: the throughput benchmark of issue 11 (`bench/throughput.ts`: mapping,
 * growth series, Kafka ingest against Java `ConsumerPerformance` (over PLAINTEXT, and over the
 * local broker's SASL_SSL listener next to PLAINTEXT: `bench/kafka_ingest_tls.ts`), registration with the
 * adaptive limit, peak memory, registration into a real Handle.Net server against its
 * ceiling and pyhandle (`bench/real_handle.ts`); one table with targets). `deno task bench micro` runs the
 * in-process micro benchmarks (`deno bench -A bench/`), `deno task bench e2e` the
 * end-to-end Kafka registration benchmark (`bench/e2e_kafka.ts`). Arguments after `--`
 * go to `bench/throughput.ts` (e.g. `-- --kafka-events 100000`).
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** The project root, one folder above this module. */
const ROOT = fileURLToPath(new URL("../", import.meta.url));

async function step(name: string, args: string[]): Promise<void> {
  console.log(`\n== ${name}: deno ${args.join(" ")}`);
  const status = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env: { KAFKAJS_NO_PARTITIONER_WARNING: "1" },
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  if (!status.success) {
    console.error(`${name} failed (exit ${status.code})`);
    Deno.exit(status.code || 1);
  }
}

const split = Deno.args.indexOf("--");
const parts = split < 0 ? Deno.args : Deno.args.slice(0, split);
const extraArgs = split < 0 ? [] : Deno.args.slice(split + 1);
const unknown = parts.filter((p) => p !== "micro" && p !== "e2e");
if (unknown.length > 0) {
  console.error(`unknown argument(s) ${unknown.join(" ")}; expected micro, e2e or -- ...`);
  Deno.exit(2);
}
if (parts.length === 0) {
  await step("throughput", ["run", "--allow-all", "bench/throughput.ts", ...extraArgs]);
}
if (parts.includes("micro")) {
  await step("in-process micro benchmarks", ["bench", "--allow-all", "bench/"]);
}
if (parts.includes("e2e")) {
  await step("end-to-end Kafka benchmark", ["run", "--allow-all", "bench/e2e_kafka.ts"]);
}
