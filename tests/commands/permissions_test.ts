/**
 * A Deno permission refusal is a configuration error (exit 2) that names the flag to
 * add, never a transient outage: without `--allow-net` no event is skipped or failed,
 * not even with `--force`, and nothing is recorded.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { makeCmip6Event, testItemId } from "../fixtures/events.ts";
import { readJsonLines, startTestHandleServer } from "../helpers.ts";
import { MAIN, makeWorkspace } from "../helpers.ts";

async function runWithout(
  flag: string,
  args: string[],
  cwd: string,
): Promise<{ code: number; stderr: string }> {
  const all = ["--allow-net", "--allow-read", "--allow-write", "--allow-env"];
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...all.filter((f) => f !== flag), MAIN, ...args],
    cwd,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
}

Deno.test("without --allow-net: exit 2 naming the flag, also with --force; nothing skipped or failed", async () => {
  const handles = await startTestHandleServer();
  const ws = await makeWorkspace({ handleUrl: handles.url });
  try {
    const events = [1, 2].map((m) => makeCmip6Event({ files: 1, itemId: testItemId("perm", m) }));
    await Deno.writeTextFile(
      join(ws.dir, "events.jsonl"),
      events.map((e) => JSON.stringify(e)).join("\n") + "\n",
    );
    for (const extra of [[], ["--force"]]) {
      const run = await runWithout(
        "--allow-net",
        ["-c", ws.config, "map", ...extra, "events.jsonl"],
        ws.dir,
      );
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /permission refused: Requires net access to .*--allow-net/);
      assert.doesNotMatch(run.stderr, /TRANSIENT/);
      assert.deepEqual(await readJsonLines(join(ws.dir, "outputs")), [], "something was recorded");
    }
    assert.equal(handles.size(), 0);
  } finally {
    await handles.close();
    await ws.remove();
  }
});

Deno.test("without --allow-write: the failure record cannot be written: exit 2 naming --allow-write", async () => {
  const ws = await makeWorkspace();
  try {
    await Deno.writeTextFile(join(ws.dir, "bad.jsonl"), "{not json\n");
    const run = await runWithout("--allow-write", ["-c", ws.config, "map", "bad.jsonl"], ws.dir);
    assert.equal(run.code, 2, run.stderr);
    // The log file is opened first, before any work: it is what is refused.
    assert.match(run.stderr, /permission refused: .*Requires write access .*--allow-write/);
  } finally {
    await ws.remove();
  }
});

Deno.test("consume without --allow-net: exit 2 naming the flag", async () => {
  const ws = await makeWorkspace({ bootstrap: "127.0.0.1:19092" });
  try {
    const run = await runWithout(
      "--allow-net",
      ["-c", ws.config, "consume", "--idle-timeout", "2"],
      ws.dir,
    );
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /--allow-net/);
  } finally {
    await ws.remove();
  }
});
