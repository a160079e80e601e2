/** The command tree: help, version, and the log options of the Python tool. */

import assert from "node:assert/strict";
import { join } from "node:path";
import { makeWorkspace, runCli } from "../helpers.ts";

Deno.test("--help lists every command and the global options; --version prints the version", async () => {
  const help = await runCli(["--help"]);
  assert.equal(help.code, 0);
  for (
    const word of [
      "consume",
      "map",
      "retry",
      "send",
      "handle-server",
      "verify",
      "publish",
      "config",
      "--config",
      "--verbose",
      "--debug",
      "--log",
      "--version",
    ]
  ) {
    assert.ok(help.stdout.includes(word), `--help lacks ${word}`);
  }
  const config = await runCli(["config", "--help"]);
  assert.match(config.stdout, /validate/);
  assert.match(config.stdout, /show/);
  const version = await runCli(["--version"]);
  const denoJson = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  assert.equal(version.stdout.split("\n")[0], `piddiplatsch ${denoJson.version}`);
  const unknown = await runCli(["nonsense"]);
  assert.equal(unknown.code, 2, "a usage error");
});

Deno.test("--debug writes debug records to pid.log; --log FILE chooses the file; no secret in either", async () => {
  const ws = await makeWorkspace({ sections: { handle: ['password = "log-secret-123"'] } });
  try {
    await Deno.writeTextFile(join(ws.dir, "e.jsonl"), "not json\n");
    const debug = await runCli(["-c", ws.config, "--debug", "map", "--dry-run", "e.jsonl"], {
      cwd: ws.dir,
    });
    assert.equal(debug.code, 1, debug.stderr); // an event failed
    const pidLog = await Deno.readTextFile(join(ws.dir, "pid.log"));
    assert.match(pidLog, /\[ERR\] piddiplatsch·pipeline: e\.jsonl:1: failed: value is not JSON/);
    assert.match(pidLog, /\[INF\] piddiplatsch·stats: Final messages=1/);
    const custom = await runCli(
      ["-c", ws.config, "--log", "my.log", "map", "--dry-run", "e.jsonl"],
      { cwd: ws.dir },
    );
    assert.equal(custom.code, 1, custom.stderr);
    assert.match(await Deno.readTextFile(join(ws.dir, "my.log")), /failed: value is not JSON/);
    for (const text of [pidLog, debug.stderr, debug.stdout, custom.stderr]) {
      assert.ok(!text.includes("log-secret-123"));
    }
  } finally {
    await ws.remove();
  }
});
