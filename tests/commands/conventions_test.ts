/**
 * CLI conventions scripts rely on, through the real CLI: usage errors exit 2 (commander's
 * and ours); `map` exits 1 when events failed; `-` reads events from standard input;
 * `--version` names the runtime and the Kafka clients; `--log-format json` makes every
 * line on standard error JSON; an unwritable log file is one line and exit 2 before any
 * work; `--summary-json` writes the run's counts and exit code.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { makeCmip6Event, testItemId } from "../fixtures/events.ts";
import { exists, listFiles, MAIN, makeWorkspace, runCli } from "../helpers.ts";

/** Runs the CLI with `input` on its standard input. */
async function runWithStdin(
  args: string[],
  input: string,
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", MAIN, ...args],
    cwd,
    env: { NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const output = await child.output();
  const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

/** Asserts that every non-empty line is a JSON log record. */
function assertJsonLines(text: string, what: string): Record<string, unknown>[] {
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  assert.ok(lines.length > 0, `${what}: nothing on standard error`);
  return lines.map((line) => {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line);
    } catch {
      assert.fail(`${what}: not JSON: ${line}`);
    }
    assert.equal(typeof record.message, "string", line);
    assert.equal(typeof record.level, "string", line);
    return record;
  });
}

Deno.test("usage errors exit 2, commander's and ours", async () => {
  const ws = await makeWorkspace();
  try {
    const cases = [
      ["map", "--bogus", "x.json"],
      ["map"],
      ["--log-format", "yaml", "map", "x.json"],
      ["handle-server", "--port", "70000"],
      ["-c", ws.config, "map", "missing.json"],
      ["-c", ws.config, "verify", "--format", "xml", "missing.json"],
      ["-c", ws.config, "verify"],
      ["-c", ws.config, "config", "show", "--origin", "--key", "handle.prefix"],
    ];
    for (const args of cases) {
      const run = await runCli(args, { cwd: ws.dir });
      assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
    }
  } finally {
    await ws.remove();
  }
});

Deno.test("--version names the version, Deno, V8 and the Kafka clients", async () => {
  const run = await runCli(["--version"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^piddiplatsch \d+\.\d+\.\d+$/m);
  assert.match(run.stdout, new RegExp(`^deno ${Deno.version.deno.replaceAll(".", "\\.")}$`, "m"));
  assert.match(run.stdout, new RegExp(`^v8 ${Deno.version.v8.replaceAll(".", "\\.")}$`, "m"));
  assert.match(run.stdout, /^kafka clients: kafkajs \d+\.\d+\.\d+, @platformatic\/kafka \d+/m);
});

Deno.test("an unwritable log file: one line, exit 2, nothing done", async () => {
  const ws = await makeWorkspace();
  try {
    const event = makeCmip6Event({ files: 1, itemId: testItemId("log", 1) });
    await Deno.writeTextFile(join(ws.dir, "e.json"), JSON.stringify(event));
    for (const format of ["text", "json"]) {
      const run = await runCli(
        [
          "-c",
          ws.config,
          "--log",
          join(ws.dir, "no", "such", "dir", "x.log"),
          "--log-format",
          format,
          "map",
          "--dry-run",
          "e.json",
        ],
        { cwd: ws.dir },
      );
      assert.equal(run.code, 2, run.stderr);
      const lines = run.stderr.trim().split("\n");
      assert.equal(lines.length, 1, run.stderr);
      assert.match(lines[0], /log file .*x\.log cannot be written/);
      if (format === "json") assertJsonLines(run.stderr, "unwritable log");
      assert.equal(await exists(join(ws.dir, "outputs", "handles")), false, "work was done");
    }
  } finally {
    await ws.remove();
  }
});

Deno.test("map - reads standard input; exit 1 when events failed; JSON stderr and --summary-json", async () => {
  const ws = await makeWorkspace();
  try {
    const good = makeCmip6Event({ files: 1, itemId: testItemId("stdin", 1) });
    const bad = makeCmip6Event({ files: 1, itemId: testItemId("stdin", 2) });
    (bad.data as { payload: { item: { properties: Record<string, unknown> } } }).payload.item
      .properties["cmip6:pid"] = 5.4;
    const summaryFile = join(ws.dir, "summary.json");

    const clean = await runWithStdin(
      ["-c", ws.config, "--summary-json", summaryFile, "map", "--dry-run", "-"],
      JSON.stringify(good) + "\n",
      ws.dir,
    );
    assert.equal(clean.code, 0, clean.stderr);
    const [handles] = await listFiles(join(ws.dir, "outputs", "handles"));
    const lines = (await Deno.readTextFile(join(ws.dir, "outputs", "handles", handles)))
      .trim().split("\n").map((line) => JSON.parse(line));
    assert.equal(lines.length, 2, "a file and its dataset");
    assert.deepEqual([lines[0].file, lines[0].line], ["-", 1]);
    const cleanSummary = JSON.parse(await Deno.readTextFile(summaryFile));
    assert.equal(cleanSummary.command, "map");
    assert.equal(cleanSummary.exit_code, 0);
    assert.equal(cleanSummary.counts.messages, 1);
    assert.equal(cleanSummary.counts.handles, 2);

    const failed = await runWithStdin(
      [
        "-c",
        ws.config,
        "--log-format",
        "json",
        "--summary-json",
        summaryFile,
        "map",
        "--dry-run",
        "-",
      ],
      `${JSON.stringify(good)}\n${JSON.stringify(bad)}\n`,
      ws.dir,
    );
    assert.equal(failed.code, 1, failed.stderr);
    const records = assertJsonLines(failed.stderr, "map with a failure");
    assert.ok(records.some((r) => /^summary: /.test(String(r.message))), failed.stderr);
    assert.ok(records.some((r) => /cmip6:pid/.test(String(r.message))), failed.stderr);
    const summary = JSON.parse(await Deno.readTextFile(summaryFile));
    assert.equal(summary.exit_code, 1);
    assert.equal(summary.counts.messages, 2);
    assert.equal(summary.counts.errors, 1);

    // A configuration error is JSON too, and still leaves a summary with its code.
    await Deno.writeTextFile(join(ws.dir, "bad.toml"), "[consumer]\nmax_errors = 'x'\n");
    const invalid = await runCli(
      ["-c", "bad.toml", "--log-format", "json", "--summary-json", summaryFile, "map", "x.json"],
      { cwd: ws.dir },
    );
    assert.equal(invalid.code, 2, invalid.stderr);
    assertJsonLines(invalid.stderr, "invalid configuration");
    const invalidSummary = JSON.parse(await Deno.readTextFile(summaryFile));
    assert.equal(invalidSummary.exit_code, 2);
    assert.match(invalidSummary.error, /configuration/);
  } finally {
    await ws.remove();
  }
});
