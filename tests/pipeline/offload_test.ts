/**
 * The pipeline with its steps on worker threads (a real `PreparePool`): the same
 * records, failures and counts as with every step on the main thread, and events
 * about the same item still in their order.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { DEFAULT_EVENT_LIMITS } from "../../src/decode/mod.ts";
import { type KeyedEvent, type Outcome, provenanceText } from "../../src/events/mod.ts";
import { PreparePool } from "../../src/offload/mod.ts";
import { FailureRecorder, SkipRecorder } from "../../src/outcome/mod.ts";
import { Pipeline, routerOf } from "../../src/pipeline/mod.ts";
import { createPlugin } from "../../src/projects/mod.ts";
import type { HandleRecord } from "../../src/records/mod.ts";
import { JsonlRegistrar, type RegisterContext, type Registrar } from "../../src/register/mod.ts";
import { Stats } from "../../src/stats/mod.ts";
import { makeCmip6Event, testItemId } from "../fixtures/events.ts";
import { readJsonLines } from "../helpers.ts";

/** Big and small events, a few bad ones, another project, and items posted three times. */
function texts(): string[] {
  return Array.from({ length: 240 }, (_, i) => {
    // Items 0..59, each posted up to four times with another number of files.
    const text = JSON.stringify(
      makeCmip6Event({ files: 1 + (i * 7) % 45, itemId: testItemId("offload", i % 60) }),
    );
    if (i % 17 === 4) return text.replaceAll('"CMIP6"', '"OTHER"');
    if (i % 23 === 9) return text.slice(0, -1);
    return text;
  });
}

async function run(dir: string, offload?: PreparePool): Promise<{
  lines: Array<Record<string, unknown>>;
  failures: Array<Record<string, unknown>>;
  acks: Array<[number, Outcome]>;
  stats: Stats;
}> {
  const registrar = new JsonlRegistrar(dir, { now: () => new Date("2030-01-01T00:00:00Z") });
  const failures = new FailureRecorder(dir);
  const stats = new Stats();
  const acks: Array<[number, Outcome]> = [];
  const events: KeyedEvent[] = texts().map((value, i) => ({
    key: null,
    value,
    source: { topic: "t", partition: 0, offset: String(i) },
    retries: 0,
    ack: (outcome: Outcome) => acks.push([i, outcome]),
  }));
  const pipeline = new Pipeline({
    router: routerOf([{ plugin: createPlugin("cmip6"), registrar, prefix: "21.TEST" }]),
    failures,
    skipped: new SkipRecorder(dir),
    force: false,
    maxErrors: -1,
    concurrency: 8,
    stats,
    offload,
    now: () => new Date("2030-01-01T00:00:00Z"),
  });
  await pipeline.run((async function* (): AsyncGenerator<KeyedEvent> {
    yield* events;
  })());
  await registrar.close();
  await failures.close();
  const handles = join(dir, "handles", "handles_2030-01-01.jsonl");
  return {
    lines: await readJsonLines(handles),
    // A failure record's id and time are its own; the reason and the source must agree.
    failures: (await readJsonLines(join(dir, "failures"))).map((f) => {
      const infos = f.__infos__ as Record<string, unknown>;
      return { reason: infos.reason, source: infos.source };
    }),
    acks,
    stats,
  };
}

Deno.test("steps on worker threads: the same outcome, item order kept", async () => {
  const here = await Deno.makeTempDir();
  const there = await Deno.makeTempDir();
  const pool = new PreparePool({
    limits: DEFAULT_EVENT_LIMITS,
    projects: [{ project: "cmip6", settings: {}, prefix: "21.TEST", mapHere: true }],
  }, { workers: 2 });
  try {
    const a = await run(here);
    const b = await run(there, pool);
    assert.ok(texts().filter((t) => pool.takes(t)).length > 50, "too few events went to workers");
    const key = (l: Record<string, unknown>): string => `${l.handle} ${l.offset}`;
    // The clock of a worker is its own: publication times aside, every line is the same.
    const strip = (lines: Array<Record<string, unknown>>): string[] =>
      lines.map((l) => JSON.stringify({ ...l, timestamp: undefined })).sort();
    assert.equal(a.lines.length, b.lines.length);
    assert.deepEqual(strip(b.lines), strip(a.lines));
    // Per dataset handle, the events wrote it in their order (offsets rising).
    for (const lines of [a.lines, b.lines]) {
      const last = new Map<string, number>();
      for (const line of lines.filter((l) => !String(l.URL).includes(".nc"))) {
        const offset = Number(line.offset);
        assert.ok((last.get(String(line.handle)) ?? -1) < offset, key(line));
        last.set(String(line.handle), offset);
      }
    }
    assert.deepEqual(
      b.failures.map((f) => JSON.stringify(f)).sort(),
      a.failures.map((f) => JSON.stringify(f)).sort(),
    );
    assert.deepEqual(b.acks.sort((x, y) => x[0] - y[0]), a.acks.sort((x, y) => x[0] - y[0]));
    for (const name of ["messages", "handles", "errors", "filtered"] as const) {
      assert.equal(b.stats.get(name), a.stats.get(name), name);
    }
    assert.ok(a.stats.get("filtered") > 0 && a.stats.get("errors") > 0);
  } finally {
    pool.close();
    await Deno.remove(here, { recursive: true });
    await Deno.remove(there, { recursive: true });
  }
});

/** The records a registrar that takes only records (as REST does) is given, per event. */
async function records(offload?: PreparePool): Promise<Map<string, HandleRecord[]>> {
  const given = new Map<string, HandleRecord[]>();
  const registrar: Registrar = {
    register(records: HandleRecord[], context: RegisterContext): Promise<void> {
      given.set(provenanceText(context.source), records);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
  const dir = await Deno.makeTempDir();
  try {
    const pipeline = new Pipeline({
      router: routerOf([{ plugin: createPlugin("cmip6"), registrar, prefix: "21.TEST" }]),
      failures: new FailureRecorder(dir),
      skipped: new SkipRecorder(dir),
      force: false,
      maxErrors: -1,
      concurrency: 8,
      stats: new Stats(),
      offload,
      now: () => new Date("2030-01-01T00:00:00Z"),
    });
    await pipeline.run((async function* (): AsyncGenerator<KeyedEvent> {
      for (const [i, value] of texts().entries()) {
        yield {
          key: null,
          value,
          source: { topic: "t", partition: 0, offset: String(i) },
          retries: 0,
          ack: () => {},
        };
      }
    })());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return given;
}

Deno.test("steps on worker threads: a registrar that takes records gets the same records", async () => {
  const pool = new PreparePool({
    limits: DEFAULT_EVENT_LIMITS,
    projects: [{ project: "cmip6", settings: {}, prefix: "21.TEST", mapHere: true }],
  }, { workers: 1 });
  try {
    const here = await records();
    const there = await records(pool);
    assert.ok(here.size > 100);
    assert.deepEqual([...there.keys()].sort(), [...here.keys()].sort());
    // Publication times aside (a worker's clock is its own), record for record the same.
    const strip = (r: HandleRecord[]): string =>
      JSON.stringify(r).replaceAll(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "T");
    for (const [where, given] of here) assert.equal(strip(there.get(where)!), strip(given), where);
  } finally {
    pool.close();
  }
});
