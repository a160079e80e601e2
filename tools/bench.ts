/**
 * `deno task bench`: the in-process benchmarks (`deno bench -A bench/`: mapping, handle
 * server) and then the end-to-end Kafka benchmark (`bench/e2e_kafka.ts`), which uses the
 * broker in `KAFKA_BOOTSTRAP` or starts one.
 *
 * `deno task bench inprocess` runs only the first part, `deno task bench e2e` only the
 * second; arguments after `--` go to `bench/e2e_kafka.ts` (e.g. `-- --events 100`).
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
const e2eArgs = split < 0 ? [] : Deno.args.slice(split + 1);
const unknown = parts.filter((p) => p !== "inprocess" && p !== "e2e");
if (unknown.length > 0) {
  console.error(`unknown argument(s) ${unknown.join(" ")}; expected inprocess, e2e or -- ...`);
  Deno.exit(2);
}
const all = parts.length === 0;
if (all || parts.includes("inprocess")) {
  await step("in-process benchmarks", ["bench", "--allow-all", "bench/"]);
}
if (all || parts.includes("e2e")) {
  await step("end-to-end Kafka benchmark", [
    "run",
    "--allow-all",
    "bench/e2e_kafka.ts",
    ...e2eArgs,
  ]);
}
