/** `Flow`: the order, bounds and stops of a run's scheduling, with steps written here. */

import assert from "node:assert/strict";
import type { KeyedEvent } from "../../src/events/mod.ts";
import { Flow, type FlowSteps } from "../../src/pipeline/flow.ts";
import type { Prepared } from "../../src/pipeline/prepare.ts";

/** Events `0..count-1` with item keys `item % items`; `other` marks every n-th as filtered. */
function events(count: number, options: { items: number; other?: number }): KeyedEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `item${i % options.items}`,
    value: options.other && i % options.other === 0 ? "other" : "mine",
    source: { topic: "t", partition: 0, offset: String(i) },
    retries: 0,
    ack: () => {},
  }));
}

async function* input(list: KeyedEvent[]): AsyncGenerator<KeyedEvent> {
  yield* list;
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

interface Log {
  started: number[];
  ended: number[];
  filtered: number[];
  maxInFlight: number;
  inFlight: number;
  byItem: Map<string, number[]>;
}

/** Steps that record what happened; `process` takes a tick. */
function recordingSteps(options: {
  concurrency: number;
  prepare?: (event: KeyedEvent) => Prepared | Promise<Prepared>;
  stopAfter?: number;
}): { steps: FlowSteps; log: Log } {
  const log: Log = {
    started: [],
    ended: [],
    filtered: [],
    maxInFlight: 0,
    inFlight: 0,
    byItem: new Map(),
  };
  const offset = (e: KeyedEvent): number => Number((e.source as { offset: string }).offset);
  const steps: FlowSteps = {
    prepare: options.prepare ?? ((event) => ({ orderKey: event.key ?? undefined })),
    filtered: (event) => {
      if (event.value !== "other") return false;
      log.filtered.push(offset(event));
      return true;
    },
    process: async (event) => {
      log.started.push(offset(event));
      log.inFlight++;
      log.maxInFlight = Math.max(log.maxInFlight, log.inFlight);
      const item = log.byItem.get(event.key!) ?? [];
      item.push(offset(event));
      log.byItem.set(event.key!, item);
      await tick();
      log.inFlight--;
      log.ended.push(offset(event));
    },
    concurrency: () => options.concurrency,
    stopped: () => options.stopAfter !== undefined && log.ended.length >= options.stopAfter,
  };
  return { steps, log };
}

Deno.test("flow: at most `concurrency` in flight; the events of one item one after another", async () => {
  const { steps, log } = recordingSteps({ concurrency: 4 });
  const list = events(60, { items: 7, other: 5 });
  await new Flow(input(list), steps, { window: 1, windowChars: 1 << 20 }).run();
  assert.equal(log.maxInFlight, 4);
  assert.deepEqual(log.filtered, list.map((_, i) => i).filter((i) => i % 5 === 0));
  assert.equal(log.ended.length, 60 - 12);
  for (const [item, offsets] of log.byItem) {
    assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b), item);
  }
  // One item's events never overlap: each started after the one before it ended.
  for (const offsets of log.byItem.values()) {
    for (let i = 1; i < offsets.length; i++) {
      assert.ok(log.ended.indexOf(offsets[i - 1]) < log.started.indexOf(offsets[i]));
    }
  }
});

Deno.test("flow: events prepared elsewhere, answered out of order, are handed on in input order", async () => {
  const { steps, log } = recordingSteps({
    concurrency: 1,
    // Later events are prepared sooner.
    prepare: (event) =>
      new Promise<Prepared>((resolve) =>
        setTimeout(() => resolve({}), 30 - Number((event.source as { offset: string }).offset))
      ),
  });
  await new Flow(input(events(30, { items: 30 })), steps, { window: 64, windowChars: 1 << 20 })
    .run();
  assert.deepEqual(log.started, Array.from({ length: 30 }, (_, i) => i));
});

Deno.test("flow: once stopped, nothing more is started and the run ends", async () => {
  const { steps, log } = recordingSteps({ concurrency: 2, stopAfter: 5 });
  await new Flow(input(events(100, { items: 100 })), steps, { window: 1, windowChars: 1 << 20 })
    .run();
  // At most the events in flight when the fifth ended (two) went on after it.
  assert.ok(log.started.length >= 5 && log.started.length <= 7, `${log.started.length}`);
  assert.equal(log.ended.length, log.started.length);
});

Deno.test("flow: an input that throws ends the run with its error", async () => {
  const { steps, log } = recordingSteps({ concurrency: 3 });
  async function* failing(): AsyncGenerator<KeyedEvent> {
    yield* events(3, { items: 3 });
    throw new Error("broker gone");
  }
  await assert.rejects(
    new Flow(failing(), steps, { window: 1, windowChars: 1 }).run(),
    /broker gone/,
  );
  assert.deepEqual(log.started, [0, 1, 2]); // the events taken before it were started
});
