/** Event files: `.json` is one event, `.jsonl` one event per non-empty line, keyed by item id. */

import assert from "node:assert/strict";
import { join } from "node:path";
import { fileEvents, readEventFile } from "../../src/inputs/files.ts";
import { TextLineStream } from "../../src/inputs/lines.ts";

Deno.test("TextLineStream splits across chunks, handles CRLF and a last line without newline", async () => {
  const chunks = ["a\r\nb", "b\n\nc", "c\nlast"];
  const stream = ReadableStream.from(chunks).pipeThrough(new TextLineStream());
  assert.deepEqual(await Array.fromAsync(stream), ["a", "bb", "", "cc", "last"]);
});

Deno.test("TextLineStream joins a line spread over many chunks, a CR at a chunk's end included", async () => {
  const long = "x".repeat(10_000);
  const chunks = [...Array.from({ length: 100 }, () => long), "\r", "\nnext\r", "\n", "tail"];
  const stream = ReadableStream.from(chunks).pipeThrough(new TextLineStream());
  const lines = await Array.fromAsync(stream);
  assert.equal(lines.length, 3);
  assert.equal(lines[0], long.repeat(100));
  assert.deepEqual(lines.slice(1), ["next", "tail"]);
});

Deno.test("readEventFile parses each line once and hands the parsed object along", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const many = join(dir, "many.jsonl");
    await Deno.writeTextFile(many, `{"data":{"payload":{"item":{"id":"A"}}}}\n[1]\n"text"\n`);
    const events = await Array.fromAsync(readEventFile(many));
    assert.deepEqual(events[0].json, { data: { payload: { item: { id: "A" } } } });
    assert.equal(events[0].key, "A");
    // Only a JSON object is handed along; the pipeline reports anything else from the text.
    assert.equal(events[1].json, undefined);
    assert.equal(events[2].json, undefined);
    const keyed = await Array.fromAsync(fileEvents([many]));
    assert.deepEqual(keyed[0].json, events[0].json);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readEventFile and fileEvents: keys, lines and provenance", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const one = join(dir, "one.json");
    const many = join(dir, "many.jsonl");
    await Deno.writeTextFile(
      one,
      JSON.stringify({ data: { payload: { item: { id: "A.v1" } } } }, null, 2),
    );
    await Deno.writeTextFile(
      many,
      `${JSON.stringify({ data: { payload: { item_id: "B.v1" } } })}\n\nnot json\n{"x":1}`,
    );
    const single = await Array.fromAsync(readEventFile(one));
    assert.equal(single.length, 1);
    assert.equal(single[0].key, "A.v1");
    const lines = await Array.fromAsync(readEventFile(many));
    assert.deepEqual(lines.map((l) => [l.line, l.key, l.value.slice(0, 8)]), [
      [1, "B.v1", '{"data":'],
      [3, null, "not json"],
      [4, null, '{"x":1}'],
    ]);
    const acked: string[] = [];
    const events = await Array.fromAsync(
      fileEvents([one, many], { onAck: (e, o) => acked.push(`${e.line}:${o}`) }),
    );
    assert.deepEqual(events.map((e) => e.source), [
      { file: one, line: 1 },
      { file: many, line: 1 },
      { file: many, line: 3 },
      { file: many, line: 4 },
    ]);
    events[2].ack("failed");
    assert.deepEqual(acked, ["3:failed"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
