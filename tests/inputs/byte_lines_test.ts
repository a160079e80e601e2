/** Event files split as bytes: each line decoded as strict UTF-8 on its own. */

import assert from "node:assert/strict";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { byteLines, fileChunks, HEAD_BYTES } from "../../src/inputs/byte_lines.ts";
import { readEventFile } from "../../src/inputs/files.ts";

function streamOf(...chunks: number[][]): ReadableStream<Uint8Array> {
  return ReadableStream.from(chunks.map((c) => new Uint8Array(c)));
}

async function lines(stream: ReadableStream<Uint8Array>): Promise<number[][]> {
  const out: number[][] = [];
  for await (const line of byteLines(stream)) {
    assert.ok(line instanceof Uint8Array);
    out.push([...line]);
  }
  return out;
}

Deno.test("byteLines splits at LF and CRLF across chunks and keeps a last line", async () => {
  assert.deepEqual(await lines(streamOf([1, 10, 2], [3, 13], [10, 4, 10, 10], [5])), [
    [1],
    [2, 3],
    [4],
    [],
    [5],
  ]);
  assert.deepEqual(await lines(streamOf([1, 2, 10])), [[1, 2]]);
  assert.deepEqual(await lines(streamOf()), []);
});

Deno.test("fileChunks: a file read a few bytes at a time gives the same lines, in fresh buffers", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "e.jsonl");
    const text = "first line\r\nsecond\n\nthird, longer than a chunk\nlast";
    await Deno.writeTextFile(file, text);
    for (const size of [1, 3, 7, 64]) {
      using handle = await Deno.open(file, { read: true });
      const chunks: Uint8Array[] = [];
      for await (const chunk of fileChunks(handle, { size })) chunks.push(chunk);
      assert.equal(new Set(chunks.map((c) => c.buffer)).size, chunks.length, "a buffer reused");
      assert.equal(new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c]))), text);
      using again = await Deno.open(file, { read: true });
      const found: string[] = [];
      for await (const line of byteLines(fileChunks(again, { size }))) {
        assert.ok(line instanceof Uint8Array);
        found.push(new TextDecoder().decode(line));
      }
      assert.deepEqual(found, ["first line", "second", "", "third, longer than a chunk", "last"]);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readEventFile: a line that is not UTF-8 carries its fault; the file's BOM is dropped", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "e.jsonl");
    const text = (s: string): number[] => [...new TextEncoder().encode(s)];
    await Deno.writeFile(
      file,
      new Uint8Array([
        ...[0xef, 0xbb, 0xbf],
        ...text('{"a":1}\n'),
        ...text('{"b":"'),
        0xff,
        ...text('"}\r\n\n'),
        ...text('{"c":"é"}'),
      ]),
    );
    const events = [];
    for await (const event of readEventFile(file)) events.push(event);
    assert.deepEqual(events.map((e) => [e.line, e.value, e.fault]), [
      [1, '{"a":1}', undefined],
      [2, '{"b":"\\xff"}', "not UTF-8 at byte 6"],
      [4, '{"c":"é"}', undefined],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("events over max_event_bytes are not held whole: their start, size and SHA-256", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const big = "x".repeat(300_000);
    const line = `{"pad":"${big}"}`;
    await Deno.writeTextFile(join(dir, "e.jsonl"), `{"a":1}\n${line}\n{"b":2}\n`);
    await Deno.writeTextFile(join(dir, "e.json"), line);
    const sha256 = createHash("sha256").update(line).digest("hex");
    for (const [file, count] of [["e.jsonl", 3], ["e.json", 1]] as const) {
      const events = [];
      for await (const e of readEventFile(join(dir, file), { maxEventBytes: 100_000 })) {
        events.push(e);
      }
      assert.equal(events.length, count);
      const cut = events.find((e) => e.cut !== undefined)!;
      assert.deepEqual(cut.cut, { bytes: line.length, sha256 });
      assert.equal(cut.value, line.slice(0, HEAD_BYTES));
      assert.equal(
        cut.fault,
        `event is ${line.length} bytes, over consumer.max_event_bytes = 100000`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
