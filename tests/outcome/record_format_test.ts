/**
 * The failure/skipped line format: what the recorders write, `parseRecordLine` (used by
 * `retry` and `verify`) gives back whole, and the earlier layout and the Python tool's
 * are read too.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import type { KeyedEvent } from "../../src/events/mod.ts";
import {
  FailureRecorder,
  parseRecordLine,
  readRecordLine,
  recordedIdOf,
  recordId,
  recordLine,
  SkipRecorder,
} from "../../src/outcome/mod.ts";

function event(value: string, extra: Partial<KeyedEvent> = {}): KeyedEvent {
  return {
    key: "k1",
    value,
    source: { topic: "t", partition: 0, offset: "5" },
    retries: 2,
    ack(): void {},
    ...extra,
  };
}

const infos = {
  retries: 2,
  reason: "PERMANENT bad",
  project: "cmip6",
  key: "k1",
  source: { topic: "t", partition: 0, offset: "5" },
};

Deno.test("record line round trip: objects, texts and events with reserved fields come back whole", () => {
  const values = [
    '{"type":"Feature","id":"a","properties":{"n":1}}',
    '{"__infos__":{"format":2,"id":"x"},"__raw__":"forged","__event__":{}}',
    "not json at all",
    "[1,2]",
    '{"size": 1e400}',
  ];
  for (const value of values) {
    const line = JSON.stringify(recordLine(event(value), infos));
    const back = parseRecordLine(line);
    assert.ok(back, value);
    if ("__raw__" in JSON.parse(line)) assert.equal(back.value, value);
    else assert.deepEqual(JSON.parse(back.value), JSON.parse(value));
    assert.equal(back.key, "k1");
    assert.equal(back.retries, 2);
    assert.equal(back.project, "cmip6");
    assert.equal(back.reason, "PERMANENT bad");
    assert.equal(back.identity, recordId(infos.source, "k1", value));
    assert.equal(recordedIdOf(line), back.identity);
  }
});

Deno.test("record line: the earlier layout and the Python tool's are read", () => {
  // Earlier layout: the event's fields beside __infos__ (with a source).
  const earlier = parseRecordLine(JSON.stringify({
    type: "Feature",
    id: "a",
    __infos__: { reason: "r", retries: 1, key: "k", source: { file: "f", line: 3 } },
  }));
  assert.deepEqual(earlier && JSON.parse(earlier.value), { type: "Feature", id: "a" });
  assert.equal(earlier?.retries, 1);
  assert.equal(earlier?.key, "k");
  // The Python tool's: no format, no id, no source; a text kept as __raw__.
  const python = parseRecordLine(
    '{"__raw__": "garbage", "__infos__": {"reason": "JSONDecodeError", "retries": 0}}',
  );
  assert.equal(python?.value, "garbage");
  assert.equal(python?.key, null);
  assert.equal(python?.identity, recordId(null, null, "garbage"));
  const pythonEvent = parseRecordLine(
    '{"data": {"payload": {"item": {"id": "x"}}}, "__infos__": {"failure_timestamp": "2026-01-16T10:00:00", "retries": 3, "reason": "KeyError"}}',
  );
  assert.deepEqual(pythonEvent && JSON.parse(pythonEvent.value), {
    data: { payload: { item: { id: "x" } } },
  });
  assert.equal(pythonEvent?.retries, 3);
});

Deno.test("record line: anything else is no record (plain events, torn lines, not JSON)", () => {
  for (const text of ['{"type":"Feature"}', '{"__infos__":{"id":"', "x", "[]", '{"__infos__":1}']) {
    assert.equal(parseRecordLine(text), undefined, text);
    assert.equal(recordedIdOf(text), undefined, text);
  }
  // This layout without its event is no record either.
  assert.equal(parseRecordLine('{"__infos__":{"format":2,"id":"0123"}}'), undefined);
  // retry replays any such line as its own text, with the fallback key.
  assert.deepEqual(readRecordLine("x", "fk"), { value: "x", key: "fk", retries: 0 });
});

Deno.test("record line: an event replayed by retry is recorded again under its first id", async () => {
  const dir = await Deno.makeTempDir();
  const now = (): Date => new Date("2026-01-16T10:00:00Z");
  try {
    const first = new SkipRecorder(dir, { now });
    await first.record(event('{"a":1}'), { reason: "TRANSIENT x", attempts: 3 });
    await first.close();
    const path = join(dir, "skipped", "skipped_items_2026-01-16.jsonl");
    const line = (await Deno.readTextFile(path)).trim();
    const restored = readRecordLine(line, null);
    // Skipped again from the retry file: same id, so today's file does not grow.
    const again = new SkipRecorder(dir, { now });
    await again.record(
      event(restored.value, {
        source: { file: path, line: 1 },
        recordId: restored.identity,
        retries: 3,
      }),
      { reason: "TRANSIENT x", attempts: 3 },
    );
    await again.close();
    assert.equal((await Deno.readTextFile(path)).trim().split("\n").length, 1);
    // Failed on retry: a line in failures/r3 with the same id as the skipped one.
    const failures = new FailureRecorder(dir, { now });
    await failures.record(
      event(restored.value, { source: { file: path, line: 1 }, recordId: restored.identity }),
      "PERMANENT y",
    );
    await failures.close();
    const failed = (await Deno.readTextFile(failures.pathFor(2))).trim();
    assert.equal(parseRecordLine(failed)?.identity, restored.identity);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
