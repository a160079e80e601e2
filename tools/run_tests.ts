/**
 * `deno task test`: the whole check, as CI runs it. Formatting, lint and type
 * checks; then one real Kafka broker for the suite (unless `KAFKA_BOOTSTRAP`
 * names a running one) and `deno test` with `KAFKA_BOOTSTRAP` set. The last line
 * is the plain tally `N passed, N failed, N skipped` (ignored tests count as skipped).
 * Extra arguments are passed to `deno test` (e.g. a test file or `--filter`).
 *
 * @module
 */

import { kafkaBootstrapForTests } from "./kafka/broker.ts";

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
function tally(output: string): string | undefined {
  // deno-lint-ignore no-control-regex
  const plain = output.replace(/\x1b\[[0-9;]*m/g, "");
  const count = (word: string): number =>
    Number(new RegExp(`(\\d+) ${word}`).exec(plain)?.[1] ?? 0);
  if (!/\d+ passed/.test(plain)) return undefined;
  return `${count("passed")} passed, ${count("failed")} failed, ${count("ignored")} skipped`;
}

const extra = Deno.args;
if (extra.length === 0) {
  await step("format", ["fmt", "--check"]);
  await step("lint", ["lint"]);
  await step("type check", ["check", "main.ts", "src/", "tests/", "bench/", "tools/"]);
}

if (!Deno.env.get("KAFKA_BOOTSTRAP")) {
  console.log("\n== kafka: starting a local broker for the suite");
}
const { bootstrap, stop } = await kafkaBootstrapForTests();
console.log(`kafka: ${bootstrap}`);
let code = 1;
try {
  console.log(`\n== test: deno test --allow-all --parallel ${extra.join(" ")}`);
  const [exit, output] = await deno(["test", "--allow-all", "--parallel", ...extra], {
    KAFKA_BOOTSTRAP: bootstrap,
    KAFKAJS_NO_PARTITIONER_WARNING: "1",
  });
  code = exit;
  const line = tally(output);
  if (line) console.log(`\n${line}`);
} finally {
  await stop();
}
Deno.exit(code);
