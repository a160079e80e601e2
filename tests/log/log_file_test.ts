/** The log file: pid.log by default, opened at the first record, reopened on SIGHUP; JSON lines. */

import assert from "node:assert/strict";
import { join } from "node:path";
import { getLogger } from "@logtape/logtape";
import { DEFAULT_LOG_FILE, setupLogging } from "../../src/log/mod.ts";
import { runCli } from "../helpers.ts";

Deno.test("the log file is reopened on SIGHUP, so logrotate can move it", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "pid.log");
  const handle = await setupLogging({ logFile: path, console: () => {} });
  try {
    const log = getLogger(["piddiplatsch", "test"]);
    log.info("first");
    await Deno.rename(path, `${path}.1`);
    log.info("second, still in the moved file");
    Deno.kill(Deno.pid, "SIGHUP");
    await new Promise((r) => setTimeout(r, 200));
    log.info("third, in a new file");
    assert.match(await Deno.readTextFile(`${path}.1`), /first[\s\S]*second/);
    const fresh = await Deno.readTextFile(path);
    assert.match(fresh, /third/);
    assert.doesNotMatch(fresh, /first|second/);
  } finally {
    await handle.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--log-format json: console and file carry JSON lines", async () => {
  const dir = await Deno.makeTempDir();
  const lines: string[] = [];
  const path = join(dir, "x.log");
  const handle = await setupLogging({
    logFile: path,
    format: "json",
    console: (l) => lines.push(l),
  });
  try {
    getLogger(["piddiplatsch", "test"]).warn("value {v}", { v: "shown" });
  } finally {
    await handle.close();
  }
  const record = JSON.parse(lines[0]);
  assert.equal(record.level, "WARN");
  assert.equal(record.message, "value shown");
  assert.equal(record.logger, "piddiplatsch.test");
  assert.deepEqual(JSON.parse(await Deno.readTextFile(path)), record);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("CLI: pid.log without --debug; -v keeps summaries off the terminal", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "e.jsonl"), "not json\n");
    await Deno.writeTextFile(
      join(dir, "c.toml"),
      `[consumer]\noutput_dir = "${join(dir, "outputs")}"\n[stats]\nsummary_interval = 1\n`,
    );
    const run = await runCli(["-c", "c.toml", "-v", "map", "--dry-run", "e.jsonl"], { cwd: dir });
    assert.equal(run.code, 1, run.stderr); // the event failed
    const log = await Deno.readTextFile(join(dir, DEFAULT_LOG_FILE));
    assert.match(log, /\[ERR\] piddiplatsch·pipeline: e\.jsonl:1: failed: value is not JSON/);
    assert.match(log, /\[INF\] piddiplatsch·stats: messages=1/, "the periodic summary");
    assert.doesNotMatch(run.stderr, /piddiplatsch·stats/, "no summary record on the terminal");
    assert.match(run.stderr, /^summary: messages=1/m, "the final summary line stays");
    const json = await runCli(
      ["-c", "c.toml", "--log-format", "json", "-l", "j.log", "map", "--dry-run", "e.jsonl"],
      { cwd: dir },
    );
    assert.equal(json.code, 1, json.stderr);
    const records = (await Deno.readTextFile(join(dir, "j.log"))).trim().split("\n")
      .map((l) => JSON.parse(l));
    assert.ok(records.some((r) => r.logger === "piddiplatsch.pipeline" && r.level === "ERROR"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
