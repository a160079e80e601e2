/** Outcome files: daily JSONL with whole lines, failure / skipped / dump layouts. */

import assert from "node:assert/strict";
import { join } from "node:path";
import type { KeyedEvent } from "../../src/events/mod.ts";
import {
  DailyJsonlWriter,
  DumpRecorder,
  FailureRecorder,
  SkipRecorder,
} from "../../src/outcome/mod.ts";
import { parseRetryLine } from "../../src/inputs/retry.ts";

function event(value: string, retries = 0): KeyedEvent {
  return {
    key: "k",
    value,
    source: { topic: "t", partition: 1, offset: "7" },
    retries,
    ack(): void {},
  };
}

const fixedNow = (): Date => new Date("2026-01-16T10:00:00Z");

Deno.test("DailyJsonlWriter appends whole lines, rotates by UTC date, and closes a torn line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    let now = new Date("2026-01-16T23:59:59Z");
    const writer = new DailyJsonlWriter(dir, "x", { now: () => now });
    await Promise.all([writer.append({ a: 1 }), writer.append({ a: 2 }, { a: 3 })]);
    now = new Date("2026-01-17T00:00:01Z");
    await writer.append({ a: 4 });
    await writer.close();
    assert.equal(
      await Deno.readTextFile(join(dir, "x_2026-01-16.jsonl")),
      '{"a":1}\n{"a":2}\n{"a":3}\n',
    );
    assert.equal(await Deno.readTextFile(join(dir, "x_2026-01-17.jsonl")), '{"a":4}\n');

    // A crash left half a line: the next record starts on a line of its own.
    await Deno.writeTextFile(join(dir, "x_2026-01-17.jsonl"), '{"half":', { append: true });
    const again = new DailyJsonlWriter(dir, "x", { now: () => now });
    await again.append({ a: 5 });
    await again.close();
    const lines = (await Deno.readTextFile(join(dir, "x_2026-01-17.jsonl"))).split("\n");
    assert.deepEqual(lines, ['{"a":4}', '{"half":', '{"a":5}', ""]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("DailyJsonlWriter batches appends made while a write is under way, in order", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const writer = new DailyJsonlWriter(dir, "x", { now: fixedNow, durable: true });
    const appends = Array.from({ length: 50 }, (_, i) => writer.append({ i }));
    await Promise.all(appends);
    // 50 durable appends from one turn: far fewer batches (each one write and one fdatasync).
    assert.ok(writer.writes < 10, `${writer.writes} batches`);
    await writer.append({ i: 50 });
    await writer.close();
    const lines = (await Deno.readTextFile(join(dir, "x_2026-01-16.jsonl"))).trim().split("\n");
    assert.deepEqual(lines.map((l) => JSON.parse(l).i), Array.from({ length: 51 }, (_, i) => i));

    // A batch that cannot be written rejects every append in it.
    const blocked = join(dir, "file");
    await Deno.writeTextFile(blocked, "");
    const broken = new DailyJsonlWriter(join(blocked, "sub"), "x", { now: fixedNow });
    const results = await Promise.allSettled([broken.append({ a: 1 }), broken.append({ a: 2 })]);
    assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected"]);
    await broken.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("FailureRecorder writes the event as received plus __infos__ under failures/r<retries>/", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const failures = new FailureRecorder(dir, { now: fixedNow });
    await failures.record(
      event('{"data":{"payload":{}},"metadata":{"time":"t"}}', 2),
      "missing item",
    );
    await failures.record(event("not json\nat all"), "value is not JSON");
    await failures.close();
    const r2 = JSON.parse(
      await Deno.readTextFile(join(dir, "failures/r2/failed_items_2026-01-16.jsonl")),
    );
    assert.deepEqual(r2.data, { payload: {} });
    assert.deepEqual(r2.__infos__, {
      failure_timestamp: "2026-01-16T10:00:00.000Z",
      retries: 2,
      reason: "missing item",
      key: "k",
      source: { topic: "t", partition: 1, offset: "7" },
    });
    const r0 = JSON.parse(
      await Deno.readTextFile(join(dir, "failures/r0/failed_items_2026-01-16.jsonl")),
    );
    assert.equal(r0.__raw__, "not json\nat all");
    // and retry restores both exactly, one retry more
    const restored = parseRetryLine({ key: null, value: JSON.stringify(r0), file: "f", line: 1 });
    assert.deepEqual(restored, { value: "not json\nat all", key: "k", retries: 1 });
    const restored2 = parseRetryLine({ key: null, value: JSON.stringify(r2), file: "f", line: 1 });
    assert.deepEqual(JSON.parse(restored2.value), {
      data: { payload: {} },
      metadata: { time: "t" },
    });
    assert.equal(restored2.retries, 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SkipRecorder and DumpRecorder use the Python tool's names", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const skipped = new SkipRecorder(dir, { now: fixedNow });
    await skipped.record(event('{"x":1}'), { reason: "TRANSIENT STAC API down", attempts: 4 });
    await skipped.close();
    const line = JSON.parse(
      await Deno.readTextFile(join(dir, "skipped/skipped_items_2026-01-16.jsonl")),
    );
    assert.equal(line.x, 1);
    assert.equal(line.__infos__.skip_timestamp, "2026-01-16T10:00:00.000Z");
    assert.equal(line.__infos__.retries, 0);
    assert.equal(line.__infos__.attempts, 4);
    assert.match(line.__infos__.reason, /^TRANSIENT /);

    const dump = new DumpRecorder(dir, { now: fixedNow });
    await dump.record(event('{\n  "pretty": true\n}'));
    await dump.record(event("raw\ntext"));
    await dump.close();
    assert.equal(
      await Deno.readTextFile(join(dir, "dump/dump_messages_2026-01-16.jsonl")),
      '{"pretty":true}\nraw\\ntext\n',
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
