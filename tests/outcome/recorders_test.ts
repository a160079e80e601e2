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
import { recordId, recordLine } from "../../src/outcome/mod.ts";
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

Deno.test("FailureRecorder writes __infos__ and the event whole under failures/r<retries>/", async () => {
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
    assert.deepEqual(r2.__event__, { data: { payload: {} }, metadata: { time: "t" } });
    assert.deepEqual(r2.__infos__, {
      id: recordId(
        { topic: "t", partition: 1, offset: "7" },
        "k",
        '{"data":{"payload":{}},"metadata":{"time":"t"}}',
      ),
      format: 2,
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
    assert.deepEqual(
      { ...restored, identity: undefined },
      { value: "not json\nat all", key: "k", retries: 1, identity: undefined },
    );
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
    assert.deepEqual(line.__event__, { x: 1 });
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

Deno.test("no field of an event passes for bookkeeping: __raw__, __infos__ and __event__ in an event are kept as they are", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const embedded = JSON.stringify({
      data: { payload: { method: "POST", item: { id: "other" } } },
    });
    const hostile = {
      __raw__: embedded,
      __infos__: { retries: 99, key: "spoofed", format: 2 },
      __event__: { data: "spoofed" },
      data: { payload: { method: "POST" } },
    };
    const value = JSON.stringify(hostile);
    const failures = new FailureRecorder(dir, { now: fixedNow });
    await failures.record(event(value), "missing item");
    await failures.close();
    const text = await Deno.readTextFile(join(dir, "failures/r0/failed_items_2026-01-16.jsonl"));
    const line = JSON.parse(text);
    assert.deepEqual(line.__event__, hostile, "the event is kept whole");
    assert.equal(line.__infos__.retries, 0);
    const restored = parseRetryLine({ key: null, value: text.trim(), file: "f", line: 1 });
    assert.deepEqual(JSON.parse(restored.value), hostile, "retry replays what failed");
    assert.equal(restored.key, "k");
    assert.equal(restored.retries, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("retry reads the earlier layout and the Python tool's: the event's fields beside __infos__", () => {
  const restored = (record: unknown): ReturnType<typeof parseRetryLine> =>
    parseRetryLine({ key: "file-key", value: JSON.stringify(record), file: "f", line: 1 });
  // earlier piddiplatsch: event fields + __infos__ with source
  const earlier = restored({
    data: { payload: {} },
    __infos__: { retries: 1, reason: "r", key: "k", source: { file: "e.jsonl", line: 2 } },
  });
  assert.deepEqual(JSON.parse(earlier.value), { data: { payload: {} } });
  assert.equal(earlier.key, "k");
  assert.equal(earlier.retries, 2);
  // earlier piddiplatsch: a text that was not an object
  const raw = restored({ __raw__: "{not json", __infos__: { retries: 0, key: null } });
  assert.equal(raw.value, "{not json");
  assert.equal(raw.key, "file-key");
  // Python tool: data + __infos__ (no key, no source)
  const python = restored({
    data: { payload: { method: "POST" } },
    __infos__: { reason: "error", retries: 2, failure_timestamp: "2026-01-16T10:00:00" },
  });
  assert.deepEqual(JSON.parse(python.value), { data: { payload: { method: "POST" } } });
  assert.equal(python.retries, 3);
  // a line of the new layout with neither __event__ nor __raw__ is not a record: its own text
  const broken = JSON.stringify({ __infos__: { format: 2, retries: 4 } });
  const odd = parseRetryLine({ key: null, value: broken, file: "f", line: 1 });
  assert.equal(odd.value, broken);
  assert.equal(odd.identity, undefined);
});

Deno.test("an event recorded again (read again after a stop) is not written twice, across restarts", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "failures/r0/failed_items_2026-01-16.jsonl");
    const first = new FailureRecorder(dir, { now: fixedNow });
    await first.record(event('{"a":1}'), "bad");
    await Promise.all([
      first.record(event('{"a":1}'), "bad"),
      first.record(event('{"a":2}'), "bad"),
    ]);
    await first.close();
    const restarted = new FailureRecorder(dir, { now: fixedNow });
    await restarted.record(event('{"a":1}'), "bad again");
    await restarted.close();
    const lines = (await Deno.readTextFile(file)).trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.__event__), [{ a: 1 }, { a: 2 }]);
    // the same text at another offset is another event
    const other = new FailureRecorder(dir, { now: fixedNow });
    await other.record(
      { ...event('{"a":1}'), source: { topic: "t", partition: 1, offset: "8" } },
      "bad",
    );
    await other.close();
    assert.equal((await Deno.readTextFile(file)).trim().split("\n").length, 3);

    // A line torn by a crash does not count as recorded: the event is written again.
    const skippedFile = join(dir, "skipped/skipped_items_2026-01-16.jsonl");
    const skipped = new SkipRecorder(dir, { now: fixedNow });
    await skipped.record(event('{"b":1}'), { reason: "TRANSIENT down", attempts: 1 });
    await skipped.close();
    const whole = await Deno.readTextFile(skippedFile);
    await Deno.writeTextFile(skippedFile, whole.slice(0, whole.length - 10));
    const again = new SkipRecorder(dir, { now: fixedNow });
    await again.record(event('{"b":1}'), { reason: "TRANSIENT down", attempts: 1 });
    await again.close();
    const after = (await Deno.readTextFile(skippedFile)).trim().split("\n");
    assert.equal(after.length, 2);
    assert.deepEqual(JSON.parse(after[1]).__event__, { b: 1 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an event with a number JSON cannot carry is kept as its text; other objects under __event__", () => {
  const line = (value: string): Record<string, unknown> =>
    recordLine(event(value), {
      retries: 0,
      reason: "r",
      key: "k",
      source: { file: "f", line: 1 },
    }) as unknown as Record<string, unknown>;
  assert.equal(line('{"size": 1e400}').__raw__, '{"size": 1e400}');
  assert.deepEqual(line('{"sum": "9e0214ab"}').__event__, { sum: "9e0214ab" });
  assert.equal(line("[1, 2]").__raw__, "[1, 2]");
});
