/** Failure lines can always be written: events that cannot be kept as JSON are kept as text. */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { MAX_REASON_CHARS, PermanentError, reasonLine } from "../../src/errors/mod.ts";
import type { KeyedEvent } from "../../src/events/mod.ts";
import { FailureRecorder } from "../../src/outcome/mod.ts";
import { KEPT_TEXT_CHARS } from "../../src/outcome/kept.ts";
import { readJsonLines } from "../helpers.ts";

function event(value: string, fault?: string): KeyedEvent {
  return {
    key: null,
    value,
    fault,
    source: { file: "f.jsonl", line: 3 },
    retries: 0,
    ack(): void {},
  };
}

Deno.test("a deep, a huge and a non-UTF-8 event each get a one-line failure record", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const failures = new FailureRecorder(dir, { maxEventBytes: 1_000_000 });
    const deep = `{"data":${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}}`;
    const huge = `{"data":"${"x".repeat(2_000_000)}"}`;
    const small = '{"data":{"payload":{}}}';
    await failures.record(event(deep), "JSON nests deeper than 100 levels (at character 107)");
    await failures.record(event(huge), "event is 2000011 bytes, over consumer.max_event_bytes");
    await failures.record(
      event('{"a":"\\xff"}', "value not UTF-8 at byte 6"),
      "value not UTF-8 at byte 6",
    );
    await failures.record(event(small), "missing data.payload");
    await failures.close();
    const lines = await readJsonLines(dir);
    assert.equal(lines.length, 4);
    for (const [line, text] of [[lines[0], deep], [lines[1], huge]] as const) {
      const infos = line.__infos__ as Record<string, unknown>;
      assert.equal(line.__raw__, text.slice(0, KEPT_TEXT_CHARS));
      assert.equal(infos.raw_bytes, text.length);
      assert.equal(infos.raw_sha256, createHash("sha256").update(text).digest("hex"));
      assert.equal(infos.raw_cut, text.length > KEPT_TEXT_CHARS);
      assert.match(
        String(infos.reason),
        /; event kept as text \((.*; )?\d+ bytes(, first 65536 characters)?\)$/,
      );
      assert.ok(String(infos.reason).length <= MAX_REASON_CHARS);
    }
    const utf8 = lines[2].__infos__ as Record<string, unknown>;
    assert.equal(lines[2].__raw__, '{"a":"\\xff"}');
    assert.equal(utf8.raw_cut, false);
    assert.match(String(utf8.reason), /^value not UTF-8 at byte 6; event kept as text/);
    assert.deepEqual(lines[3].__event__, JSON.parse(small), "a plain event stays JSON");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("reasons are one line of at most 300 characters", () => {
  const long = new PermanentError(
    `file:checksum "${"ab".repeat(500_000)}" is not a valid multihash`,
  );
  assert.equal(long.message.length, MAX_REASON_CHARS);
  assert.ok(long.message.endsWith("…"));
  assert.equal(reasonLine("a\r\nb\u0000c\u001b[31m"), "a b\\u0000c\\u001b[31m");
  assert.equal(reasonLine("x\ud800y"), "x\ufffdy");
  assert.equal(reasonLine("😀".repeat(400)).length, MAX_REASON_CHARS - 1);
});
