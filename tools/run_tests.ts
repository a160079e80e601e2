/**
 * `deno task test`: the whole check, as CI runs it. Formatting, lint and type
 * checks; then one real Kafka broker for the suite (unless `KAFKA_BOOTSTRAP`
 * names a running one) and `deno test` with `KAFKA_BOOTSTRAP` set. The last line
 * is the plain tally `N passed, N failed, N skipped` (ignored tests count as skipped). The
 * whole check then runs the tests that consume through the commands a second time on
 * kafkajs, the other client (`consumer.kafka_client`); the tally counts both runs.
 * Extra arguments are passed to `deno test` (e.g. a test file or `--filter`), and only
 * that runs.
 *
 * @module
 */

import { kafkaBootstrapForTests } from "./kafka/broker.ts";
import { prepareHandleNet } from "./handle_net/prepare.ts";

/** Runs `deno <args>`, echoing its output; returns the exit code and what it printed. */
async function deno(args: string[], env: Record<string, string> = {}): Promise<[number, string]> {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let seen = "";
  const decoder = new TextDecoder();
  for await (const chunk of child.stdout) {
    await Deno.stdout.write(chunk);
    seen = (seen + decoder.decode(chunk, { stream: true })).slice(-4096);
  }
  return [(await child.status).code, seen];
}

async function step(name: string, args: string[]): Promise<void> {
  console.log(`\n== ${name}: deno ${args.join(" ")}`);
  const [code] = await deno(args);
  if (code !== 0) {
    console.error(`${name} failed (exit ${code})`);
    Deno.exit(code || 1);
  }
}

/** The counts of deno test's closing line `ok | 229 passed (6 steps) | 0 failed | 1 ignored`. */
function tally(output: string): [number, number, number] | undefined {
  // deno-lint-ignore no-control-regex
  const plain = output.replace(/\x1b\[[0-9;]*m/g, "");
  const count = (word: string): number =>
    Number(new RegExp(`(\\d+) ${word}`).exec(plain)?.[1] ?? 0);
  if (!/\d+ passed/.test(plain)) return undefined;
  return [count("passed"), count("failed"), count("ignored")];
}

/** A tally as the last line shows it. */
function tallyLine([passed, failed, skipped]: [number, number, number]): string {
  return `${passed} passed, ${failed} failed, ${skipped} skipped`;
}

/** The tests that consume through the commands, run a second time on kafkajs. */
const KAFKAJS_AGAIN = [
  "commands/consume_test.ts",
  "commands/operations_test.ts",
  "commands/projects_test.ts",
  "commands/scale_out_test.ts",
  "monitor/endpoint_test.ts",
];

const extra = Deno.args;
if (extra.length === 0) {
  await step("format", ["fmt", "--check"]);
  await step("lint", ["lint"]);
  await step("type check", ["check", "main.ts", "src/", "tests/", "bench/", "tools/"]);
}

// The real Handle.Net servers' jars, fetched once before the tests start them in parallel.
console.log(`\n== handle.net: ${await prepareHandleNet()}`);

if (!Deno.env.get("KAFKA_BOOTSTRAP")) {
  console.log("\n== kafka: starting a local broker for the suite");
}
// The secure listeners too (SASL_SSL, SSL with client certificates): tests/kafka/security_test.ts.
const { bootstrap, stop, secureSettings } = await kafkaBootstrapForTests({ secure: true });
console.log(`kafka: ${bootstrap}`);
const secureEnv: Record<string, string> = secureSettings
  ? { KAFKA_SECURE_SETTINGS: secureSettings }
  : {};
let code = 1;
try {
  console.log(`\n== test: deno test --allow-all --parallel ${extra.join(" ")}`);
  const [exit, output] = await deno(["test", "--allow-all", "--parallel", ...extra], {
    KAFKA_BOOTSTRAP: bootstrap,
    KAFKAJS_NO_PARTITIONER_WARNING: "1",
    ...secureEnv,
  });
  code = exit;
  let counts = tally(output);
  if (extra.length === 0) {
    // The other Kafka client (consumer.kafka_client = "kafkajs") through the commands
    // that consume: the input tests already run on both clients in the suite above.
    const files = KAFKAJS_AGAIN.map((f) => `tests/${f}`);
    console.log(`\n== test on kafkajs: deno test ${files.join(" ")}`);
    const [again, againOutput] = await deno(["test", "--allow-all", "--parallel", ...files], {
      KAFKA_BOOTSTRAP: bootstrap,
      KAFKAJS_NO_PARTITIONER_WARNING: "1",
      PIDDI_KAFKA_CLIENT: "kafkajs",
    });
    if (code === 0) code = again;
    const more = tally(againOutput);
    if (counts && more) {
      console.log(
        `\nsuite: ${tallyLine(counts)}; again on kafkajs: ${tallyLine(more)}`,
      );
      counts = [counts[0] + more[0], counts[1] + more[1], counts[2] + more[2]];
    } else counts = undefined;
  }
  if (counts) console.log(`\n${tallyLine(counts)}`);
} finally {
  await stop();
}
Deno.exit(code);
