/**
 * `map --dry-run` with worker threads: large events are left as text by the file input
 * and decoded and mapped on a worker; the records and failures are those of a run with
 * every step on the main thread.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { makeCmip6Event, testItemId } from "../fixtures/events.ts";
import { makeWorkspace, readJsonLines, runCli } from "../helpers.ts";

/** Large (40 files) and small events, a large broken one, another project; items repeated. */
function lines(): string[] {
  return Array.from({ length: 60 }, (_, i) => {
    const files = i % 3 === 0 ? 2 : 40;
    const text = JSON.stringify(makeCmip6Event({ files, itemId: testItemId("mapw", i % 25) }));
    if (i === 7) return text.slice(0, -3); // large and not JSON
    if (i === 11) return text.replaceAll('"CMIP6"', '"OTHER"');
    return text;
  });
}

async function dryRun(workers: number): Promise<{
  stderr: string;
  records: string[];
  failures: string[];
}> {
  const ws = await makeWorkspace({ sections: { consumer: [`workers = ${workers}`] } });
  try {
    await Deno.writeTextFile(join(ws.dir, "events.jsonl"), lines().join("\n") + "\n");
    const run = await runCli(["-c", ws.config, "-v", "map", "--dry-run", "events.jsonl"], {
      cwd: ws.dir,
    });
    assert.equal(run.code, 1, run.stderr); // a failure is recorded, the run goes on, exit 1
    const outputs = join(ws.dir, "outputs");
    const records = (await readJsonLines(join(outputs, "handles")))
      .map((r) => JSON.stringify({ ...r, timestamp: undefined }));
    const failures = (await readJsonLines(join(outputs, "failures")))
      .map((f) => {
        const infos = f.__infos__ as Record<string, unknown>;
        return JSON.stringify({ reason: infos.reason, source: infos.source });
      });
    return { stderr: run.stderr, records, failures };
  } finally {
    await ws.remove();
  }
}

Deno.test("map --dry-run: large events on worker threads, the same records and failures", async () => {
  const here = await dryRun(0);
  const there = await dryRun(2);
  assert.match(there.stderr, /2 preparing thread\(s\) started/);
  assert.doesNotMatch(here.stderr, /preparing thread/);
  assert.ok(here.records.length > 1000);
  // The same lines (events about other items finish in any order).
  assert.deepEqual([...there.records].sort(), [...here.records].sort());
  // Events about the same item keep their order: each handle's lines by rising file line.
  for (const records of [here.records, there.records]) {
    const last = new Map<string, number>();
    for (const record of records.map((r) => JSON.parse(r))) {
      assert.ok((last.get(record.handle) ?? 0) < record.line, `${record.handle} out of order`);
      last.set(record.handle, record.line);
    }
  }
  assert.deepEqual(there.failures.sort(), here.failures.sort());
  assert.equal(here.failures.length, 1);
  assert.match(here.failures[0], /value is not JSON/);
  for (const name of ["messages", "handles", "errors", "filtered"]) {
    const count = (stderr: string): string | undefined =>
      new RegExp(`^summary: .*\\b${name}=(\\d+)`, "m").exec(stderr)?.[1];
    assert.equal(count(there.stderr), count(here.stderr), name);
  }
});
