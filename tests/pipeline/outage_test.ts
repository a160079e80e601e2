/**
 * The pipeline waiting out outages (`on_outage = "wait"`): events that need a service that
 * is down are held, unacknowledged; the other profile's events go on; the held ones are
 * registered once the service answers again, those about one item in their order; intake
 * pauses at the bound; records that cannot be written hold the event too.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { TransientError } from "../../src/errors/mod.ts";
import type { KeyedEvent, Outcome } from "../../src/events/mod.ts";
import { FailureRecorder, SkipRecorder } from "../../src/outcome/mod.ts";
import {
  type DependencyState,
  Pipeline,
  type PipelineOptions,
  routerOf,
} from "../../src/pipeline/mod.ts";
import { createPlugin } from "../../src/projects/mod.ts";
import type { HandleRecord } from "../../src/records/mod.ts";
import type { Registrar } from "../../src/register/mod.ts";
import { Stats } from "../../src/stats/mod.ts";
import { makeCmip6Event } from "../fixtures/events.ts";
import { projectEvent } from "../fixtures/projects.ts";
import { readJsonLines } from "../helpers.ts";

function itemId(n: number): string {
  return `CMIP6.CMIP.TEST-INST.TEST-ESM1-0.historical.r${n}i1p1f1.Amon.tas.gn.v20240101`;
}

/** A registrar that fails with a transient error while `down` is set. */
class Switchable implements Registrar {
  down = false;
  datasets: string[] = [];
  async register(records: HandleRecord[]): Promise<void> {
    await Promise.resolve();
    if (this.down) throw new TransientError("Handle service http://x: connection refused");
    this.datasets.push(records[records.length - 1].handle);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

function event(n: number, acks: Array<[number, Outcome]>, version = "v20240101"): KeyedEvent {
  const id = itemId(n).replace("v20240101", version);
  return {
    key: null,
    value: JSON.stringify(makeCmip6Event({ files: 1, itemId: id })),
    source: { file: "mem", line: n },
    retries: 0,
    ack: (outcome: Outcome) => acks.push([n, outcome]),
  };
}

/** An input that hands out what is pushed, until ended (or closed by the pipeline). */
class Queue implements AsyncIterable<KeyedEvent> {
  #items: KeyedEvent[] = [];
  #wake?: () => void;
  #ended = false;
  taken = 0;
  push(...events: KeyedEvent[]): void {
    this.#items.push(...events);
    this.#wake?.();
  }
  end(): void {
    this.#ended = true;
    this.#wake?.();
  }
  [Symbol.asyncIterator](): AsyncIterator<KeyedEvent> {
    return {
      next: async (): Promise<IteratorResult<KeyedEvent>> => {
        for (;;) {
          const next = this.#items.shift();
          if (next) {
            this.taken++;
            return { done: false, value: next };
          }
          if (this.#ended) return { done: true, value: undefined };
          await new Promise<void>((resolve) => this.#wake = resolve);
        }
      },
      return: (): Promise<IteratorResult<KeyedEvent>> => {
        this.end();
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function options(
  dir: string,
  routes: Array<{ project: string; registrar: Registrar; profile: string }>,
  extra: Partial<PipelineOptions> = {},
): PipelineOptions {
  return {
    router: routerOf(routes.map((r) => ({
      plugin: createPlugin(r.project),
      registrar: r.registrar,
      prefix: "21.TEST",
      profile: r.profile,
    }))),
    failures: new FailureRecorder(dir),
    skipped: new SkipRecorder(dir),
    force: false,
    maxErrors: -1,
    concurrency: 4,
    stats: new Stats(),
    outages: {
      policy: { probeInitial: 0.02, probeMax: 0.05 },
      maxEvents: 100,
      maxBytes: 64 * 1024 * 1024,
    },
    ...extra,
  };
}

Deno.test("wait: a service down holds its events unacknowledged, no stop; they go on when it answers", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const registrar = new Switchable();
    registrar.down = true;
    const states: DependencyState[] = [];
    const held: number[] = [];
    const o = options(dir, [{ project: "cmip6", registrar, profile: "p1" }], {
      outages: {
        policy: { probeInitial: 0.02, probeMax: 0.05 },
        maxEvents: 100,
        maxBytes: 1 << 26,
        observer: { dependency: (s) => states.push(s), held: (n) => held.push(n) },
      },
    });
    const pipeline = new Pipeline(o);
    const acks: Array<[number, Outcome]> = [];
    const input = new Queue();
    // Two events about one item (versions differ in the item id: same key only when equal).
    input.push(event(1, acks), event(2, acks), event(3, acks));
    const run = pipeline.run(input);
    await until(() => pipeline.heldEvents === 3, "three events held");
    assert.equal(acks.length, 0, "nothing acknowledged while the service is down");
    assert.deepEqual(pipeline.waitingFor().map((w) => w.name), ["Handle service p1"]);
    assert.match(pipeline.waitingFor()[0].reason ?? "", /connection refused/);
    // Several probes fail while it stays down: still no stop.
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(pipeline.heldEvents, 3);
    registrar.down = false;
    await until(() => acks.length === 3, "the held events registered");
    input.end();
    const result = await run;
    assert.equal(result.stop, undefined);
    assert.deepEqual(acks.map(([, o]) => o), ["registered", "registered", "registered"]);
    assert.equal(o.stats.get("messages"), 3, "a held event is counted once");
    assert.deepEqual(states.map((s) => s.up), [false, true]);
    assert.equal(held.at(-1), 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("wait: one profile down, the other profile's events are registered meanwhile", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const up = new Switchable();
    const down = new Switchable();
    down.down = true;
    const o = options(dir, [
      { project: "cmip6", registrar: up, profile: "six" },
      { project: "cmip6plus", registrar: down, profile: "plus" },
    ], { concurrency: 2 });
    const pipeline = new Pipeline(o);
    const acks: Array<[number, Outcome]> = [];
    const input = new Queue();
    const run = pipeline.run(input);
    const plus = async (n: number): Promise<KeyedEvent> => {
      const value = await projectEvent("cmip6plus", { withPids: false, version: `v2030010${n}` });
      return { ...event(n, acks), value: JSON.stringify(value) };
    };
    for (let n = 1; n <= 9; n++) input.push(await plus(100 + n), event(n, acks));
    await until(() => up.datasets.length === 9, "the cmip6 events registered");
    await until(() => pipeline.heldEvents === 9, "the cmip6plus events held");
    assert.ok(acks.every(([n]) => n < 100), "no held event acknowledged");
    down.down = false;
    await until(() => acks.length === 18, "all registered");
    input.end();
    assert.equal((await run).stop, undefined);
    assert.ok(acks.every(([, outcome]) => outcome === "registered"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("wait: events about one item keep their order across the outage; intake pauses at max_waiting", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const registrar = new Switchable();
    registrar.down = true;
    const o = options(dir, [{ project: "cmip6", registrar, profile: "p" }], {
      outages: { policy: { probeInitial: 0.02, probeMax: 0.05 }, maxEvents: 5, maxBytes: 1 << 26 },
    });
    const pipeline = new Pipeline(o);
    const acks: Array<[number, Outcome]> = [];
    const input = new Queue();
    // 1 and 2 are about the same item: 2 must be registered after 1.
    const same = (n: number): KeyedEvent => ({ ...event(n, acks), value: event(1, acks).value });
    input.push(same(1), same(2));
    for (let n = 3; n <= 20; n++) input.push(event(n, acks));
    const run = pipeline.run(input);
    await until(() => pipeline.heldEvents >= 5, "the bound reached");
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(input.taken <= 6, `intake paused at the bound (taken ${input.taken})`);
    registrar.down = false;
    await until(() => acks.length === 20, "all registered");
    input.end();
    assert.equal((await run).stop, undefined);
    const order = acks.filter(([n]) => n <= 2).map(([n]) => n);
    assert.deepEqual(order, [1, 2]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("stop (no outages option): a transient failure still stops the run, nothing acknowledged", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const registrar = new Switchable();
    registrar.down = true;
    const o = options(dir, [{ project: "cmip6", registrar, profile: "p" }], {
      outages: undefined,
    });
    const acks: Array<[number, Outcome]> = [];
    const input = new Queue();
    input.push(event(1, acks));
    input.end();
    const result = await new Pipeline(o).run(input);
    assert.equal(result.stop?.kind, "transient");
    assert.deepEqual(acks, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("wait: a failure record that cannot be written holds the event; written once the folder is writable", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const blocked = join(dir, "out");
    // A file where the failures folder must go: mkdir fails (not a folder) until removed.
    await Deno.writeTextFile(blocked, "");
    const o = options(blocked, [{ project: "cmip6", registrar: new Switchable(), profile: "p" }]);
    const pipeline = new Pipeline(o);
    const acks: Array<[number, Outcome]> = [];
    const input = new Queue();
    input.push({ ...event(1, acks), value: "{not json" });
    const run = pipeline.run(input);
    await until(() => pipeline.heldEvents === 1, "the event held").catch(() => {});
    const held = pipeline.heldEvents;
    const waits = pipeline.waitingFor().map((w) => w.name);
    await Deno.remove(blocked);
    await until(() => acks.length === 1, "the failure recorded");
    input.end();
    await run;
    await o.failures.close();
    assert.equal(held, 1, "held while the folder could not be written");
    assert.deepEqual(waits, ["output folder"]);
    assert.deepEqual(acks, [[1, "failed"]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("wait: a stop signal while events are held ends the run at once, the held events unacknowledged", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const registrar = new Switchable();
    registrar.down = true;
    const pipeline = new Pipeline(options(dir, [{ project: "cmip6", registrar, profile: "p" }]));
    const acks: Array<[number, Outcome]> = [];
    const input = new Queue();
    input.push(event(1, acks), event(2, acks));
    const controller = new AbortController();
    const run = pipeline.run(input, { signal: controller.signal });
    await until(() => pipeline.heldEvents === 2, "two events held");
    controller.abort();
    const result = await run;
    assert.equal(result.stop, undefined);
    assert.equal(acks.length, 0, "held events stay unacknowledged (read again after a restart)");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("wait with force: --force keeps its meaning, the event is recorded as skipped and acknowledged", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const registrar = new Switchable();
    registrar.down = true;
    const o = options(dir, [{ project: "cmip6", registrar, profile: "p" }], { force: true });
    const pipeline = new Pipeline(o);
    const acks: Array<[number, Outcome]> = [];
    const input = new Queue();
    input.push(event(1, acks), event(2, acks));
    input.end();
    const result = await pipeline.run(input);
    await o.skipped.close();
    assert.equal(result.stop, undefined);
    assert.deepEqual(acks.sort(([a], [b]) => a - b), [[1, "skipped"], [2, "skipped"]]);
    assert.equal(pipeline.heldEvents, 0);
    assert.equal((await readJsonLines(join(dir, "skipped"))).length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
