/**
 * A torn last line left by an earlier version (a record cut short by a full disk or a
 * crash) is recognised by `retry` and `verify`: they say so and leave it out, instead of
 * replaying it as "not JSON" (exit 1, file kept).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { readRetryFile } from "../../src/inputs/retry.ts";
import { FailureRecorder, isTornRecordLine } from "../../src/outcome/mod.ts";
import { makeCmip6Event } from "../fixtures/events.ts";
import { makeWorkspace, runCli } from "../helpers.ts";

/** A failure file with two whole lines and a torn third one (no newline at its end). */
async function tornFile(dir: string): Promise<string> {
  const recorder = new FailureRecorder(dir);
  for (const n of [1, 2]) {
    const itemId = `CMIP6.CMIP.TEST-INST.TEST-ESM1-0.historical.r${n}i1p1f1.Amon.tas.gn.v20240101`;
    await recorder.record({
      key: null,
      value: JSON.stringify(makeCmip6Event({ files: 1, itemId })),
      source: { file: "mem", line: n },
      retries: 0,
      ack: () => {},
    }, "HTTP 500 from the test");
  }
  const path = recorder.pathFor(0);
  await recorder.close();
  const text = await Deno.readTextFile(path);
  const second = text.trim().split("\n")[1];
  await Deno.writeTextFile(path, text + second.slice(0, Math.floor(second.length / 2)));
  return path;
}

Deno.test("isTornRecordLine: a record begun and cut short; whole records and other text are not", () => {
  const whole = JSON.stringify({ __infos__: { id: "a", format: 2 }, __event__: { x: 1 } });
  assert.equal(isTornRecordLine(whole), false);
  assert.equal(isTornRecordLine(whole.slice(0, 30)), true);
  assert.equal(
    isTornRecordLine("{not json"),
    false,
    "a bad event recorded as text is no torn record",
  );
});

Deno.test("retry and verify leave a torn last line out and say so", async () => {
  const ws = await makeWorkspace();
  try {
    const path = await tornFile(join(ws.dir, "old"));
    const lines = await readRetryFile(path);
    assert.equal(lines.length, 2, "the torn line is left out");

    const retry = await runCli(["-c", ws.config, "retry", "--dry-run", path], { cwd: ws.dir });
    assert.equal(retry.code, 0, retry.stderr + retry.stdout);
    assert.match(retry.stderr, /a record cut short/);
    assert.match(retry.stdout, /2 event\(s\), 2 succeeded, 0 failed/);

    const verify = await runCli(["-c", ws.config, "verify", path], { cwd: ws.dir });
    assert.match(verify.stderr, /a record cut short/);
    assert.doesNotMatch(verify.stderr + verify.stdout, /not JSON/);
  } finally {
    await ws.remove();
  }
});
