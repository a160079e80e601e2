/**
 * The pipeline with real parts: real event text, the cmip6 plugin, the real
 * handle-server over HTTP (or a registrar written for the case), real outcome files.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigurationError, TransientError } from "../../src/errors/mod.ts";
import type { KeyedEvent, Outcome } from "../../src/events/mod.ts";
import { startHandleServer } from "../../src/handle_server/mod.ts";
import { FailureRecorder, SkipRecorder } from "../../src/outcome/mod.ts";
import { Pipeline, type PipelineOptions, routerOf } from "../../src/pipeline/mod.ts";
import { createPlugin } from "../../src/projects/mod.ts";
import type { HandleRecord } from "../../src/records/mod.ts";
import { HandleRestClient, type Registrar, RestRegistrar } from "../../src/register/mod.ts";
import { Stats } from "../../src/stats/mod.ts";
import { makeCmip6Event } from "../fixtures/events.ts";
import { readJsonLines } from "../helpers.ts";

function itemId(n: number): string {
  return `CMIP6.CMIP.TEST-INST.TEST-ESM1-0.historical.r${n}i1p1f1.Amon.tas.gn.v20240101`;
}

function events(values: string[], acks: Array<[number, Outcome]>): KeyedEvent[] {
  return values.map((value, i) => ({
    key: null,
    value,
    source: { file: "mem", line: i + 1 },
    retries: 0,
    ack: (outcome: Outcome) => acks.push([i + 1, outcome]),
  }));
}

/** Events without end; aborts the controller at the fifth. */
async function* endless(
  controller: AbortController,
  acks: Array<[number, Outcome]>,
): AsyncGenerator<KeyedEvent> {
  for (let n = 1;; n++) {
    if (n === 5) controller.abort();
    yield {
      key: null,
      value: JSON.stringify(makeCmip6Event({ files: 1, itemId: itemId(n) })),
      source: { file: "mem", line: n },
      retries: 0,
      ack: (o: Outcome) => acks.push([n, o]),
    };
  }
}

async function* feed(list: KeyedEvent[]): AsyncGenerator<KeyedEvent> {
  yield* list;
}

function options(
  dir: string,
  registrar: Registrar,
  extra: Partial<PipelineOptions> = {},
): PipelineOptions {
  return {
    router: routerOf([{ plugin: createPlugin("cmip6"), registrar, prefix: "21.TEST" }]),
    failures: new FailureRecorder(dir),
    skipped: new SkipRecorder(dir),
    force: false,
    maxErrors: -1,
    concurrency: 4,
    stats: new Stats(),
    ...extra,
  };
}

/** Records what it is asked to register; fails as told. */
class ProbeRegistrar implements Registrar {
  calls: string[] = [];
  active = 0;
  maxActive = 0;
  constructor(readonly fail: (handle: string) => Error | undefined = () => undefined) {}
  async register(records: HandleRecord[]): Promise<void> {
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      await new Promise((r) => setTimeout(r, 5));
      const dataset = records.at(-1)!.handle;
      const error = this.fail(dataset);
      if (error) throw error;
      this.calls.push(dataset);
    } finally {
      this.active--;
    }
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

Deno.test("registers through handle-server, acknowledges each event once with its outcome", async () => {
  const dir = await Deno.makeTempDir();
  const server = await startHandleServer({
    prefix: "21.TEST",
    username: "300:21.TEST/u",
    password: "p",
  });
  const registrar = new RestRegistrar(
    new HandleRestClient({
      serverUrl: server.url,
      prefix: "21.TEST",
      username: "300:21.TEST/u",
      password: "p",
      timeout: 5,
      concurrency: 4,
      policy: { retries: 0, backoffInitial: 0, backoffMax: 0 },
    }),
  );
  try {
    const acks: Array<[number, Outcome]> = [];
    const cmip7 = { data: { payload: { collection_id: "CMIP7", item: { id: "CMIP7.x.v1" } } } };
    const values = [
      JSON.stringify(makeCmip6Event({ files: 2, itemId: itemId(1) })),
      "garbage",
      JSON.stringify(cmip7),
      JSON.stringify(makeCmip6Event({ files: 3, itemId: itemId(2) })),
    ];
    const o = options(dir, registrar);
    const result = await new Pipeline(o).run(feed(events(values, acks)));
    await registrar.close();
    await o.failures.close();
    assert.equal(result.stop, undefined);
    assert.deepEqual(acks.sort((a, b) => a[0] - b[0]), [[1, "registered"], [2, "failed"], [
      3,
      "filtered",
    ], [4, "registered"]]);
    assert.equal(server.size(), 3 + 4);
    assert.equal(o.stats.get("handles"), 7);
    assert.equal(o.stats.get("messages"), 4);
    const failures = await readJsonLines(join(dir, "failures"));
    assert.equal(failures.length, 1);
    assert.deepEqual((failures[0].__infos__ as { source: unknown }).source, {
      file: "mem",
      line: 2,
    });
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("several events in flight, bounded; events of one item keep their order", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const registrar = new ProbeRegistrar();
    const acks: Array<[number, Outcome]> = [];
    // item 1 three times (v1 retracted, then again), interleaved with others
    const values = [1, 2, 1, 3, 4, 1, 5, 6, 7, 8].map((n, i) =>
      JSON.stringify(
        makeCmip6Event({ files: 1, itemId: itemId(n), time: `2025-01-01T00:00:0${i}` }),
      )
    );
    await new Pipeline(options(dir, registrar, { concurrency: 3 })).run(feed(events(values, acks)));
    assert.equal(registrar.calls.length, 10);
    assert.ok(registrar.maxActive > 1, "events ran in parallel");
    assert.ok(registrar.maxActive <= 3, `at most 3 in flight, saw ${registrar.maxActive}`);
    const sameItem = acks.map(([line]) => line).filter((line) => [1, 3, 6].includes(line));
    assert.deepEqual(sameItem, [1, 3, 6]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("max_errors: the failure is recorded and acknowledged, then the run stops", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const acks: Array<[number, Outcome]> = [];
    const values = [
      "bad 1",
      ...Array.from(
        { length: 20 },
        (_, i) => JSON.stringify(makeCmip6Event({ files: 1, itemId: itemId(i + 1) })),
      ),
    ];
    const o = options(dir, new ProbeRegistrar(), { maxErrors: 1, concurrency: 1 });
    const result = await new Pipeline(o).run(feed(events(values, acks)));
    await o.failures.close();
    assert.equal(result.stop?.kind, "max_errors");
    assert.deepEqual(acks[0], [1, "failed"]);
    assert.ok(acks.length < values.length, "the run went on after max_errors");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("transient: stop and leave the event unacknowledged; with force: skipped and acknowledged", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const values = [1, 2, 3].map((n) =>
      JSON.stringify(makeCmip6Event({ files: 1, itemId: itemId(n) }))
    );
    const down = (): Error => new TransientError("Handle service down");
    const acks: Array<[number, Outcome]> = [];
    const stopRun = await new Pipeline(options(dir, new ProbeRegistrar(down), { concurrency: 1 }))
      .run(feed(events(values, acks)));
    assert.equal(stopRun.stop?.kind, "transient");
    assert.match(stopRun.stop!.reason, /^TRANSIENT Handle service down/);
    assert.deepEqual(acks, [], "nothing acknowledged: the next run takes the event again");

    const forced: Array<[number, Outcome]> = [];
    const o = options(dir, new ProbeRegistrar(down), { force: true, concurrency: 1 });
    const forceRun = await new Pipeline(o).run(feed(events(values, forced)));
    await o.skipped.close();
    assert.equal(forceRun.stop, undefined);
    assert.deepEqual(forced, [[1, "skipped"], [2, "skipped"], [3, "skipped"]]);
    const skipped = await readJsonLines(join(dir, "skipped"));
    assert.equal(skipped.length, 3);
    for (const line of skipped) {
      assert.equal((line.__infos__ as Record<string, unknown>).project, "cmip6");
    }
    assert.equal(o.stats.getProject("cmip6", "skipped"), 3, "counted for the project");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a configuration error (401/403) stops at once, nothing more acknowledged", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const acks: Array<[number, Outcome]> = [];
    const values = [1, 2, 3].map((n) =>
      JSON.stringify(makeCmip6Event({ files: 1, itemId: itemId(n) }))
    );
    const registrar = new ProbeRegistrar(() =>
      new ConfigurationError("HTTP 401 for user 300:21.TEST/u")
    );
    const result = await new Pipeline(options(dir, registrar, { concurrency: 1 })).run(
      feed(events(values, acks)),
    );
    assert.equal(result.stop?.kind, "configuration");
    assert.deepEqual(acks, []);
    assert.deepEqual(await readJsonLines(join(dir, "failures")), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an abort signal stops fetching and finishes the events in flight", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const acks: Array<[number, Outcome]> = [];
    const controller = new AbortController();
    const result = await new Pipeline(options(dir, new ProbeRegistrar(), { concurrency: 2 }))
      .run(endless(controller, acks), { signal: controller.signal });
    assert.equal(result.stop, undefined);
    assert.ok(acks.length >= 4 && acks.length <= 6, `acknowledged ${acks.length}`);
    assert.ok(acks.every(([, o]) => o === "registered"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
