/** Event files split as bytes: each line decoded as strict UTF-8 on its own. */

import assert from "node:assert/strict";
import { join } from "node:path";
import { byteLines } from "../../src/inputs/byte_lines.ts";
import { readEventFile } from "../../src/inputs/files.ts";

function streamOf(...chunks: number[][]): ReadableStream<Uint8Array> {
  return ReadableStream.from(chunks.map((c) => new Uint8Array(c)));
}

async function lines(stream: ReadableStream<Uint8Array>): Promise<number[][]> {
  const out: number[][] = [];
  for await (const line of byteLines(stream)) out.push([...line]);
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
