/**
 * `deno task test`: the whole check, as CI runs it. Formatting, lint and type
 * checks; then one real Kafka broker for the suite (unless `KAFKA_BOOTSTRAP`
 * names a running one) and `deno test` with `KAFKA_BOOTSTRAP` set.
 * Extra arguments are passed to `deno test` (e.g. a test file or `--filter`).
 *
 * @module
 */

import { startKafkaBroker } from "./kafka/broker.ts";

async function step(name: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  console.log(`\n== ${name}: deno ${args.join(" ")}`);
  const status = await new Deno.Command(Deno.execPath(), {
    args,
    env,
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  if (!status.success) {
    console.error(`${name} failed (exit ${status.code})`);
    Deno.exit(status.code || 1);
  }
}

const extra = Deno.args;
if (extra.length === 0) {
  await step("format", ["fmt", "--check"]);
  await step("lint", ["lint"]);
  await step("type check", ["check", "main.ts", "src/", "tests/", "bench/", "tools/"]);
}

let bootstrap = Deno.env.get("KAFKA_BOOTSTRAP");
let stop = (): Promise<void> => Promise.resolve();
if (!bootstrap) {
  console.log("\n== kafka: starting a local broker for the suite");
  const broker = await startKafkaBroker();
  bootstrap = broker.bootstrap;
  stop = broker.stop;
  console.log(`kafka: ${bootstrap}`);
}
try {
  await step("test", ["test", "--allow-all", "--parallel", ...extra], {
    KAFKA_BOOTSTRAP: bootstrap,
    KAFKAJS_NO_PARTITIONER_WARNING: "1",
  });
} finally {
  await stop();
}
