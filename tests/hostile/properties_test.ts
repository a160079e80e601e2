/**
 * Property-based tests (fast-check) of decode, UTF-8, JSON Patch, mapping and
 * failure lines: for arbitrary input, only a permanent failure or records that
 * pass an independent validation; never another error.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeEvent, decodeUtf8, findDepthExcess } from "../../src/decode/mod.ts";
import { MAX_REASON_CHARS, PermanentError } from "../../src/errors/mod.ts";
import { recordLine } from "../../src/outcome/mod.ts";
import { createPlugin } from "../../src/projects/mod.ts";
import type { StacItem } from "../../src/events/item.ts";
import { registrationOrder, toHandleValues } from "../../src/records/mod.ts";
import { applyItemPatch } from "../../src/stac/mod.ts";
import { makeCmip6Event, makeCmip6Item } from "../fixtures/events.ts";
import { valueProblems } from "./record_check.ts";

type Json = Record<string, unknown>;

const RUNS = { numRuns: 300 };
const context = {
  prefix: "21.TEST",
  now: new Date("2026-01-01T00:00:00Z"),
  eventTime: "2026-01-02",
};
const plugins = [
  createPlugin("cmip6", { strictMode: true }),
  createPlugin("cmip6", { strictMode: false }),
];

/** Either the result, or a PermanentError with a one-line reason of bounded length. */
function permanentOr<T>(run: () => T): T | undefined {
  try {
    return run();
  } catch (error) {
    assert.ok(error instanceof PermanentError, `not a permanent failure: ${error}`);
    assert.ok(!/[\r\n]/.test(error.message), "reason not one line");
    assert.ok(error.message.length <= MAX_REASON_CHARS, "reason too long");
    return undefined;
  }
}

/** Strings that go for the weak spots: control characters, surrogates, URL and host tricks. */
const nasty = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.string({ unit: "grapheme-ascii" }),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.domain(),
  fc.constantFrom(
    "javascript:alert(1)",
    "file:///etc/passwd",
    "https://u:p@h.example/f.nc",
    "https://h.example/a b.nc",
    "https://h.example/a%0Ab.nc",
    "https://h.example/\r\nx.nc",
    "https://h.example/\ud800.nc",
    "hdl:21.14100/not-a-uuid",
    "1220" + "ab".repeat(32),
    "CMIP6.a.b\u0000.v1",
    "-1",
    "",
  ),
);
const anyValue = fc.oneof(fc.jsonValue(), nasty);

/** Paths of an item that the mapping reads. */
const PATHS = [
  "id",
  "collection",
  "properties",
  "properties.project",
  "properties.retracted",
  "properties.cmip6:pid",
  "properties.pid",
  "properties.created",
  "assets",
  "assets.data0000",
  "assets.data0000.href",
  "assets.data0000.file:size",
  "assets.data0000.file:checksum",
  "assets.data0000.alternate",
  "assets.data0000.alternate:name",
  "assets.data0000.cmip6:tracking_id",
  "assets.data0000.tracking_id",
  "assets.data0000.published_on",
  "assets.data0001.href",
  "assets.reference_file.alternate:name",
  "assets.reference_file.href",
];

function setPath(target: Json, path: string, value: unknown): void {
  const keys = path.split(".");
  let at: unknown = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof at !== "object" || at === null) return;
    at = (at as Json)[key];
  }
  if (typeof at === "object" && at !== null) (at as Json)[keys[keys.length - 1]] = value;
}

/** A valid item with arbitrary values at some of the paths the mapping reads. */
const spoiledItem = fc.tuple(
  fc.array(fc.tuple(fc.constantFrom(...PATHS), anyValue), { maxLength: 4 }),
  fc.array(fc.tuple(nasty, fc.record({ href: anyValue, published_on: anyValue })), {
    maxLength: 3,
  }),
).map(([changes, alternates]) => {
  const item = makeCmip6Item({ files: 2, replicas: ["r.example.org"] }) as Json;
  for (const [path, value] of changes) setPath(item, path, value);
  const asset = ((item.assets as Json)?.data0001 ?? {}) as Json;
  if (typeof asset === "object" && asset !== null && alternates.length > 0) {
    asset.alternate = Object.fromEntries(alternates);
  }
  return item;
});

function checkMapped(item: unknown): void {
  for (const plugin of plugins) {
    const mapped = permanentOr(() => plugin.map(item as StacItem, context));
    if (mapped === undefined) continue;
    for (const record of registrationOrder(mapped)) {
      assert.match(record.handle, /^21\.TEST\/[0-9a-f-]{36}$/);
      const values = toHandleValues(record, { prefix: "21.TEST" });
      const problems = values.flatMap((v) => valueProblems(v.type, v.data.value));
      assert.deepEqual(problems, [], problems.join("; "));
    }
  }
}

Deno.test("decode: arbitrary text is an event or a permanent failure", () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: "binary" }), fc.json()), (text) => {
      permanentOr(() => decodeEvent(text));
    }),
    RUNS,
  );
});

Deno.test("decode: an arbitrary JSON envelope is an event or a permanent failure", () => {
  const envelope = fc.record({
    metadata: fc.oneof(fc.jsonValue(), fc.record({ time: anyValue })),
    data: fc.oneof(
      fc.jsonValue(),
      fc.record({
        type: fc.oneof(fc.constant("STAC"), anyValue),
        payload: fc.record({
          method: fc.oneof(fc.constantFrom("POST", "PUT", "PATCH", "post"), anyValue),
          collection_id: fc.oneof(fc.constant("CMIP6"), anyValue),
          item: fc.oneof(fc.constant({ id: "CMIP6.a.v1" }), fc.jsonValue()),
          item_id: anyValue,
          patch: fc.oneof(fc.jsonValue(), fc.record({ operations: fc.jsonValue() })),
        }, { requiredKeys: [] }),
      }, { requiredKeys: [] }),
    ),
  }, { requiredKeys: [] });
  fc.assert(
    fc.property(envelope, (value) => {
      permanentOr(() => decodeEvent(JSON.stringify(value)));
    }),
    RUNS,
  );
});

Deno.test("mapping: an arbitrary item is a permanent failure or records that pass validation", () => {
  fc.assert(fc.property(fc.jsonValue(), (item) => checkMapped(item)), RUNS);
});

Deno.test("mapping: a valid item with arbitrary values in its fields fails or maps to safe records", () => {
  fc.assert(fc.property(spoiledItem, (item) => checkMapped(item)), { numRuns: 1000 });
});

Deno.test("mapping: a decoded arbitrary event fails or maps to safe records", () => {
  fc.assert(
    fc.property(spoiledItem, (item) => {
      const event = makeCmip6Event({ files: 1 });
      ((event.data as Json).payload as Json).item = item;
      const decoded = permanentOr(() => decodeEvent(JSON.stringify(event)));
      if (decoded?.method === "POST") checkMapped(decoded.item);
    }),
    RUNS,
  );
});

/** The nesting depth of a parsed JSON value (reference for the text scan). */
function depthOf(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depthOf));
}

Deno.test("findDepthExcess agrees with the depth of the parsed value", () => {
  const text = fc.oneof(
    fc.json({ depthSize: "large" }),
    fc.jsonValue().map((v) => JSON.stringify(v, null, 1)),
    fc.string({ unit: "binary" }).map((s) => JSON.stringify([s, { "\\": [s] }])),
  );
  fc.assert(
    fc.property(text, fc.integer({ min: 0, max: 6 }), (json, max) => {
      const depth = depthOf(JSON.parse(json));
      assert.equal(findDepthExcess(json, max) === undefined, depth <= max, json);
    }),
    { numRuns: 1000 },
  );
});

Deno.test("decodeUtf8 agrees with the fatal TextDecoder on arbitrary bytes", () => {
  const fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      const decoded = decodeUtf8(bytes);
      let expected: string | undefined;
      try {
        expected = fatal.decode(bytes);
      } catch {
        expected = undefined;
      }
      if (expected === undefined) {
        assert.ok(decoded.invalidAt !== undefined && decoded.invalidAt < bytes.length);
        // every byte before the first bad one is valid UTF-8
        fatal.decode(bytes.subarray(0, decoded.invalidAt));
      } else {
        assert.deepEqual(decoded, { text: expected });
      }
    }),
    { numRuns: 2000 },
  );
});

Deno.test("applyItemPatch: arbitrary operations give an item or a permanent failure", () => {
  const pointer = fc.oneof(
    fc.constantFrom("", "/id", "/properties", "/assets/data0000", "/assets/-", "/__proto__/x"),
    fc.array(fc.constantFrom("properties", "assets", "data0000", "href", "0", "-", "constructor"), {
      maxLength: 4,
    }).map((keys) => keys.map((k) => `/${k}`).join("")),
    fc.string(),
  );
  const operation = fc.record({
    op: fc.oneof(fc.constantFrom("add", "remove", "replace", "move", "copy", "test"), fc.string()),
    path: fc.oneof(pointer, fc.jsonValue()),
    from: pointer,
    value: fc.jsonValue(),
  }, { requiredKeys: ["op"] });
  const item = makeCmip6Item({ files: 2 }) as StacItem;
  fc.assert(
    fc.property(fc.array(operation, { maxLength: 8 }), (operations) => {
      // deno-lint-ignore no-explicit-any
      permanentOr(() => applyItemPatch(item, operations as any));
      assert.equal(({} as Json).x, undefined, "Object.prototype is untouched");
    }),
    RUNS,
  );
});

Deno.test("failure lines: any event text gives a line that is JSON", () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: "binary" }), fc.json()), (value) => {
      const line = recordLine(
        { key: null, value, source: { file: "f", line: 1 }, retries: 0, ack(): void {} },
        { retries: 0, reason: "r", key: null, source: { file: "f", line: 1 } },
      );
      const parsed = JSON.parse(JSON.stringify(line));
      assert.equal(parsed.__infos__.reason, "r");
    }),
    RUNS,
  );
});
