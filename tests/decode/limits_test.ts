/** Event limits: UTF-8 size, nesting depth without recursion, strict UTF-8 decoding. */

import assert from "node:assert/strict";
import fc from "fast-check";
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

Deno.test("decodeUtf8 (replacing decoder first) agrees with the strict decoder on any bytes", () => {
  const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  // Bytes around the UTF-8 edges, U+FFFD itself (EF BF BD) among them.
  const byte = fc.constantFrom(
    0x00,
    0x22,
    0x41,
    0x7f,
    0x80,
    0xbd,
    0xbf,
    0xc2,
    0xc3,
    0xe0,
    0xed,
    0xef,
    0xf0,
    0xf4,
    0xff,
  );
  fc.assert(
    fc.property(fc.array(byte, { maxLength: 24 }), (list) => {
      const bytes = new Uint8Array(list);
      const decoded = decodeUtf8(bytes);
      const bad = invalidUtf8Offset(bytes);
      if (bad < 0) {
        assert.deepEqual(decoded, { text: strict.decode(bytes) });
      } else {
        assert.equal(decoded.invalidAt, bad);
        assert.throws(() => strict.decode(bytes));
      }
    }),
    { numRuns: 3000 },
  );
  const replacement = new TextEncoder().encode("a\ufffdb");
  assert.deepEqual(decodeUtf8(replacement), { text: "a\ufffdb" }); // valid, kept as it is
});

Deno.test("findDepthExcess: counting brackets first changes no answer", () => {
  // The scan on its own, as before the count (the oracle).
  const scan = (text: string, maxDepth: number): number | undefined => {
    let depth = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === "\\") i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === "[" || c === "{") {
        if (++depth > maxDepth) return i;
      } else if (c === "]" || c === "}") depth = Math.max(0, depth - 1);
    }
    return undefined;
  };
  const piece = fc.constantFrom("[", "]", "{", "}", '"', "\\", "a", ":", ",", '"[[["', '"\\""');
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 60 }), fc.integer({ min: 0, max: 8 }), (p, max) => {
      const text = p.join("");
      assert.equal(findDepthExcess(text, max)?.offset, scan(text, max), text);
    }),
    { numRuns: 3000 },
  );
});
