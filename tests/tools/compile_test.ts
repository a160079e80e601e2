/**
 * The compiled binary and its permissions. The permission flags are those
 * `tools/compile.ts` (the `compile` task) compiles with; every command is run with exactly those flags through
 * `deno run` (stdin closed, so a missing permission is a denial, not a prompt). The
 * compile itself needs the `denort` runtime and runs only where `DENORT_BIN` names one.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../../tools/kafka/broker.ts";
import { COMPILE_ARGS } from "../../tools/compile.ts";
import { makeCmip6Event, testItemId } from "../fixtures/events.ts";
import { MAIN, produce, readJsonLines, startKafkaServices } from "../helpers.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const EXAMPLES = join(ROOT, "examples", "events");
const DENIAL = /NotCapable|PermissionDenied|Requires [a-z]+ access|permission prompt/i;
const kafkaTest = { sanitizeOps: false, sanitizeResources: false };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The words of a `deno.json` task after `deno` (tasks here use no quoting). */
async function taskWords(name: string): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  const task = config.tasks?.[name];
  assert.equal(typeof task, "string", `deno.json has no task ${name}`);
  const words = (task as string).trim().split(/\s+/);
  assert.equal(words[0], "deno", `task ${name} does not start with deno: ${task}`);
  return words.slice(1);
}

/** The permission flags among a task's words. */
function permissionFlags(words: string[]): string[] {
  return words.filter((w) => /^--(allow|deny)-/.test(w) || w === "-A");
}

function compileFlags(): string[] {
  return permissionFlags([...COMPILE_ARGS]);
}

/** `deno run <flags> main.ts <args>` in `cwd`, stdin closed. */
function restricted(flags: string[], args: string[], cwd: string): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, MAIN, ...args],
    cwd,
    env: { NO_COLOR: "1", KAFKAJS_NO_PARTITIONER_WARNING: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

async function run(command: Deno.Command): Promise<Run> {
  const output = await command.output();
  return {
    code: output.code,
    stdout: new TextDecoder().decode(output.stdout),
    stderr: new TextDecoder().decode(output.stderr),
  };
}

/** The compiled binary with `args` in `cwd`, stdin closed. */
function runBinary(binary: string, cwd: string, args: string[]): Promise<Run> {
  return run(
    new Deno.Command(binary, {
      args,
      cwd,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }),
  );
}

function assertAllowed(result: Run, what: string, code = 0): void {
  assert.doesNotMatch(result.stderr, DENIAL, `${what}: a permission was denied:\n${result.stderr}`);
  assert.equal(result.code, code, `${what}: exit ${result.code}:\n${result.stderr}`);
}

/** Reads a stream until `needle` appears (or it ends); the rest is drained in the background. */
async function readUntil(
  stream: ReadableStream<Uint8Array>,
  needle: string,
  timeoutMs: number,
): Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const deadline = Date.now() + timeoutMs;
  while (!text.includes(needle) && Date.now() < deadline) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const next = await Promise.race([
      reader.read(),
      new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), deadline - Date.now());
      }),
    ]);
    clearTimeout(timer);
    if (next === "timeout" || next.done) break;
    text += next.value;
  }
  (async (): Promise<void> => {
    while (!(await reader.read()).done) { /* drain */ }
  })().catch(() => {});
  return text;
}

Deno.test("the compile and piddiplatsch tasks run with the same V8 flags", async () => {
  const v8 = (words: readonly string[]): string[] =>
    words.filter((w) => w.startsWith("--v8-flags"));
  const compiled = v8(COMPILE_ARGS);
  assert.equal(compiled.length, 1, `the compile task should set --v8-flags once: ${compiled}`);
  assert.deepEqual(v8(await taskWords("piddiplatsch")), compiled);
});

Deno.test("the compile and piddiplatsch tasks grant the same explicit permissions", async () => {
  const compile = [...COMPILE_ARGS];
  const flags = permissionFlags(compile);
  assert.ok(flags.length > 0, "the compile task grants no permission");
  assert.ok(
    !flags.some((f) => f === "-A" || f === "--allow-all"),
    `the compile task should grant explicit permissions, not ${flags.join(" ")}`,
  );
  assert.deepEqual(
    [...permissionFlags(await taskWords("piddiplatsch"))].sort(),
    [...flags].sort(),
  );
  // src/config/load.ts reads the packaged defaults next to the code: they must be embedded.
  const include = compile.indexOf("--include");
  assert.ok(include >= 0, "the compile task does not --include the default configuration");
  assert.equal(compile[include + 1], "config/default.toml");
});

Deno.test(
  "every command runs with the compile task's permissions, without a denial",
  kafkaTest,
  async (t) => {
    const flags = compileFlags();
    const dir = await Deno.makeTempDir({ prefix: "piddi-perm-" });
    try {
      await t.step("--help", async () => {
        const result = await run(restricted(flags, ["--help"], dir));
        assertAllowed(result, "--help");
        assert.match(result.stdout, /consume/);
      });

      await t.step("config validate", async () => {
        const result = await run(restricted(flags, ["config", "validate"], dir));
        assertAllowed(result, "config validate");
        assert.match(result.stdout + result.stderr, /configuration OK/);
      });

      await t.step("config show: the same as with every permission", async () => {
        const result = await run(restricted(flags, ["config", "show"], dir));
        assertAllowed(result, "config show");
        const full = await run(restricted(["--allow-all"], ["config", "show"], dir));
        assert.equal(full.code, 0, full.stderr);
        assert.ok(result.stdout.length > 0);
        assert.equal(result.stdout, full.stdout);
      });

      await t.step("map --dry-run: the same records as with every permission", async () => {
        const limited = join(dir, "limited");
        const full = join(dir, "full");
        await Deno.mkdir(limited);
        await Deno.mkdir(full);
        const result = await run(restricted(flags, ["map", "--dry-run", EXAMPLES], limited));
        // the examples hold two faulty events on purpose: map exits 1 for them
        assertAllowed(result, "map --dry-run", 1);
        const reference = await run(
          restricted(["--allow-all"], ["map", "--dry-run", EXAMPLES], full),
        );
        assert.equal(reference.code, result.code, reference.stderr);
        const records = await readJsonLines(join(limited, "outputs", "handles"));
        assert.ok(records.length > 0, `no records written:\n${result.stderr}`);
        assert.equal(
          records.length,
          (await readJsonLines(join(full, "outputs", "handles"))).length,
        );
      });

      await t.step("handle-server: serves, then stops on SIGTERM", async () => {
        const port = freePort();
        const child = restricted(flags, ["handle-server", "--port", String(port)], dir).spawn();
        const stderr = new Response(child.stderr).text();
        const seen = await readUntil(child.stdout, "listening on", 20_000);
        let answered = 0;
        if (seen.includes("listening on")) {
          const response = await fetch(`http://127.0.0.1:${port}/api/handles/21.TEST/missing`);
          await response.body?.cancel();
          answered = response.status;
        }
        child.kill("SIGTERM");
        const status = await child.status;
        const errors = await stderr;
        assert.doesNotMatch(errors, DENIAL, errors);
        assert.match(seen, /listening on/, `handle-server did not start:\n${seen}\n${errors}`);
        assert.equal(answered, 404);
        assert.equal(status.code, 0, errors);
      });

      await t.step("send and consume against the broker, with the stats database", async () => {
        const { kafka, handles, ws, stop } = await startKafkaServices({
          workspace: {
            sections: {
              stats: ["enable_db = true", `db_path = "${join(dir, "stats.db")}"`],
              // A preparing thread (the 30-file event is large enough to go to it).
              consumer: ["workers = 1"],
            },
          },
        });
        try {
          const events = [2, 3, 30].map((files, i) =>
            makeCmip6Event({ files, itemId: testItemId("permissions", i + 1) })
          );
          const file = join(ws.dir, "events.jsonl");
          await Deno.writeTextFile(file, events.map((e) => JSON.stringify(e)).join("\n") + "\n");
          await produce(kafka.bootstrap, ws.topic, []); // creates the topic
          const sent = await run(restricted(flags, ["-c", ws.config, "send", file], ws.dir));
          assertAllowed(sent, "send");

          const consumed = await run(
            restricted(flags, ["-c", ws.config, "-v", "consume", "--idle-timeout", "3"], ws.dir),
          );
          assertAllowed(consumed, "consume");
          assert.equal(handles.size(), 3 + 4 + 31, consumed.stderr);
          assert.match(consumed.stderr, /handles=38\b/);
          assert.match(consumed.stderr, /1 preparing thread\(s\) started/);
          assert.ok((await Deno.stat(join(dir, "stats.db"))).size > 0);
        } finally {
          await stop();
        }
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test({
  name: "deno task compile builds a binary that runs --help and config show",
  ignore: !Deno.env.get("DENORT_BIN"),
  async fn(): Promise<void> {
    const dir = await Deno.makeTempDir({ prefix: "piddi-compile-" });
    try {
      // The task's words, but the binary goes to a temporary folder, not dist/.
      const words = [...COMPILE_ARGS];
      const output = words.indexOf("--output");
      assert.ok(output >= 0, "the compile task names no --output");
      const binary = join(dir, "piddiplatsch");
      words[output + 1] = binary;
      const compiled = await run(
        new Deno.Command(Deno.execPath(), {
          args: words,
          cwd: ROOT,
          env: { DENORT_BIN: Deno.env.get("DENORT_BIN")! },
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
        }),
      );
      assert.equal(compiled.code, 0, compiled.stderr);

      const work = join(dir, "work");
      await Deno.mkdir(work);
      const help = await runBinary(binary, work, ["--help"]);
      assertAllowed(help, "binary --help");
      assert.match(help.stdout, /^Usage: piddiplatsch/m);
      assert.match(help.stdout, /consume/);

      // The embedded defaults: the same configuration as the sources give.
      const shown = await runBinary(binary, work, ["config", "show"]);
      assertAllowed(shown, "binary config show");
      const reference = await run(restricted(["--allow-all"], ["config", "show"], work));
      assert.equal(reference.code, 0, reference.stderr);
      assert.ok(shown.stdout.length > 0);
      assert.equal(shown.stdout, reference.stdout);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
