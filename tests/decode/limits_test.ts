/** Event limits: UTF-8 size, nesting depth without recursion, strict UTF-8 decoding. */

import assert from "node:assert/strict";
import {
  decodeEvent,
  decodeUtf8,
  findDepthExcess,
  invalidUtf8Offset,
  limitProblem,
  utf8Length,
} from "../../src/decode/mod.ts";
import { PermanentError } from "../../src/errors/mod.ts";
import { makeCmip6Event } from "../fixtures/events.ts";

Deno.test("utf8Length counts bytes as TextEncoder does", () => {
  for (const text of ["", "abc", "ä", "€", "😀", "a😀b€", "\ud800", "x\udc00y"]) {
    assert.equal(utf8Length(text), new TextEncoder().encode(text).length, JSON.stringify(text));
  }
});

Deno.test("findDepthExcess counts brackets outside strings only, in one pass", () => {
  assert.equal(findDepthExcess("[[[]]]", 3), undefined);
  assert.deepEqual(findDepthExcess("[[[[]]]]", 3), { offset: 3, maxDepth: 3 });
  assert.equal(findDepthExcess(`{"a":"[[[[[\\"[[["}`, 1), undefined);
  assert.deepEqual(findDepthExcess(`{"a\\\\":[1]}`, 1), { offset: 7, maxDepth: 1 });
  // 1,000,000 levels: no stack overflow, stops at the first bracket too deep
  assert.equal(findDepthExcess("[".repeat(1_000_000), 100)?.offset, 100);
});

Deno.test("decodeEvent refuses events over the size or nesting limit before parsing", () => {
  const event = JSON.stringify(makeCmip6Event({ files: 1 }));
  const limits = { maxEventBytes: 1024 * 1024, maxDepth: 100 };
  assert.equal(limitProblem(event, limits), undefined);
  assert.equal(decodeEvent(event, limits).method, "POST");
  assert.throws(
    () => decodeEvent(event, { maxEventBytes: 100, maxDepth: 100 }),
    (e: Error) =>
      e instanceof PermanentError &&
      /^event is \d+ bytes, over consumer\.max_event_bytes = 100$/.test(e.message),
  );
  const deep = `{"data":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
  assert.throws(
    () => decodeEvent(deep, limits),
    /^PermanentError: JSON nests deeper than 100 levels \(at character 107\)$/,
  );
});

Deno.test("decodeUtf8 finds the first bad byte and never replaces characters", () => {
  const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);
  assert.deepEqual(decodeUtf8(new TextEncoder().encode("aä€😀")), { text: "aä€😀" });
  assert.deepEqual(decodeUtf8(bytes(0xef, 0xbb, 0xbf, 0x7b)), { text: "\ufeff{" });
  const cases: Array<[Uint8Array, number]> = [
    [bytes(0x61, 0xff), 1], // never valid
    [bytes(0x61, 0x62, 0xc3), 2], // cut short
    [bytes(0xc0, 0xaf), 0], // overlong
    [bytes(0xe0, 0x80, 0xaf), 0], // overlong
    [bytes(0x61, 0xed, 0xa0, 0x80), 1], // a surrogate
    [bytes(0xf4, 0x90, 0x80, 0x80), 0], // above U+10FFFF
    [bytes(0x22, 0x80, 0x22), 1], // lone continuation byte
  ];
  for (const [input, offset] of cases) {
    assert.equal(invalidUtf8Offset(input), offset, String([...input]));
    const decoded = decodeUtf8(input);
    assert.equal(decoded.invalidAt, offset);
    assert.ok(!decoded.text.includes("\ufffd"));
    // the fatal decoder agrees that these bytes are not UTF-8
    assert.throws(() => new TextDecoder("utf-8", { fatal: true }).decode(input));
  }
  assert.equal(decodeUtf8(bytes(0x7b, 0x22, 0xff, 0x22, 0x7d)).text, '{"\\xff"}');
});
