/** JSON Patch of a STAC item: limits on operations, size and depth; refused prototype paths. */

import assert from "node:assert/strict";
import { PermanentError } from "../../src/errors/mod.ts";
import type { StacItem } from "../../src/events/item.ts";
import { applyItemPatch, type PatchLimits } from "../../src/stac/mod.ts";
import { measureJson } from "../../src/stac/measure.ts";
import { makeCmip6Item } from "../fixtures/events.ts";

const item = makeCmip6Item({ files: 2 }) as StacItem;

function fails(
  ops: unknown[],
  pattern: RegExp,
  limits?: Parameters<typeof applyItemPatch>[2],
): void {
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => applyItemPatch(item, ops as any, limits),
    (e: Error) => e instanceof PermanentError && pattern.test(e.message),
    String(pattern),
  );
}

Deno.test("applyItemPatch applies valid operations to a copy", () => {
  const patched = applyItemPatch(item, [
    { op: "replace", path: "/properties/retracted", value: true },
    { op: "copy", from: "/assets/data0000", path: "/assets/data0009" },
    { op: "remove", path: "/assets/data0001" },
  ]) as Record<string, Record<string, unknown>>;
  assert.equal(patched.properties.retracted, true);
  assert.deepEqual(Object.keys(patched.assets), ["reference_file", "data0000", "data0009"]);
  assert.equal((item.properties as Record<string, unknown>).retracted, false, "the input is kept");
});

Deno.test("applyItemPatch refuses paths through __proto__, constructor and prototype", () => {
  for (const segment of ["__proto__", "constructor", "prototype"]) {
    fails(
      [{ op: "add", path: `/properties/${segment}/polluted`, value: 1 }],
      new RegExp(`^invalid JSON Patch: operation 0 \\(add\\) path .* goes through "${segment}"`),
    );
    fails(
      [{ op: "copy", from: `/${segment}`, path: "/x" }],
      new RegExp(`operation 0 \\(copy\\) from .* goes through "${segment}", which is refused`),
    );
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("applyItemPatch stops doubling copies at the size limit, before memory grows", () => {
  const ops = [{ op: "add", path: "/properties/blob", value: "x".repeat(1000) }];
  for (let i = 0; i < 40; i++) {
    ops.push({ op: "copy", from: "/properties", path: `/properties/c${i}` } as never);
  }
  fails(
    ops,
    /^invalid JSON Patch: operation \d+ \(copy \/properties\/c\d+\): makes the item larger than 1000000 bytes/,
    {
      maxOperations: 1000,
      maxItemBytes: 1_000_000,
      maxDepth: 100,
    },
  );
  fails(
    Array.from({ length: 1001 }, () => ({ op: "test", path: "/id", value: item.id })),
    /^invalid JSON Patch: 1001 operations, over the limit of 1000$/,
  );
  const nest = Array.from({ length: 120 }, (_, i) => ({
    op: "add",
    path: "/properties/n" + "/n".repeat(i),
    value: {},
  }));
  fails(nest, /deeper than 100 levels/);
});

Deno.test("applyItemPatch names the operation that does not apply", () => {
  fails([], /^invalid JSON Patch: no operations$/);
  fails([{ op: "jump", path: "/x" }], /^invalid JSON Patch: operation 0 has op "jump"$/);
  fails([null], /^invalid JSON Patch: operation 0 has op null$/);
  fails(
    [{ op: "add", path: 7, value: 1 }],
    /operation 0 \(add\) has path 7, which is not a JSON Pointer/,
  );
  fails(
    [{ op: "remove", path: "/nope/deeper" }],
    /^invalid JSON Patch: operation 0 \(remove \/nope\/deeper\): path does not exist$/,
  );
  fails([{ op: "test", path: "/id", value: "other" }], /operation 0 \(test \/id\): test failed/);
  fails([{ op: "add", path: "/x" }], /operation 0 \(add\) has no value/);
  fails([{ op: "copy", path: "/x" }], /operation 0 \(copy\) has no from/);
  fails(
    [{ op: "move", from: "/properties", path: "/properties/inner" }],
    /operation 0 \(move \/properties\/inner\): from is a parent of path/,
  );
  fails(
    [{ op: "add", path: "/properties/tags/7", value: "x" }, { op: "x", path: "" }],
    /operation 1 has op "x"/,
  );
});

Deno.test("a path that is not a JSON Pointer is named and said to be none", () => {
  // one producer branch sent dotted paths
  fails(
    [{ op: "replace", path: "properties.retracted", value: true }],
    /^invalid JSON Patch: operation 0 \(replace\) has path "properties\.retracted", which is not a JSON Pointer/,
  );
  fails([{ op: "add", path: "/a~2b", value: 1 }], /"\/a~2b", which is not a JSON Pointer/);
});

Deno.test("RFC 6902 semantics: arrays, escapes, move, copy, test, the root", () => {
  const base = {
    id: "X.v1",
    properties: { tags: ["a", "c"], "a/b": 1, "m~n": 2 },
    assets: {},
  } as unknown as StacItem;
  const patched = applyItemPatch(base, [
    { op: "add", path: "/properties/tags/1", value: "b" },
    { op: "add", path: "/properties/tags/-", value: "d" },
    { op: "remove", path: "/properties/a~1b" },
    { op: "replace", path: "/properties/m~0n", value: 3 },
    { op: "copy", from: "/properties/tags", path: "/properties/copy" },
    { op: "move", from: "/properties/copy/0", path: "/properties/first" },
    { op: "test", path: "/properties/tags", value: ["a", "b", "c", "d"] },
  ]) as unknown as { properties: Record<string, unknown> };
  assert.deepEqual(patched.properties, {
    tags: ["a", "b", "c", "d"],
    "m~n": 3,
    copy: ["b", "c", "d"],
    first: "a",
  });
  const tags = (base as unknown as { properties: { tags: string[] } }).properties.tags;
  assert.deepEqual(tags, ["a", "c"], "the input is kept");
  assert.throws(
    () => applyItemPatch(base, [{ op: "add", path: "/properties/tags/01", value: 1 }]),
    /operation 0 \(add \/properties\/tags\/01\): path names no index of its array/,
  );
  const root = applyItemPatch(base, [{ op: "replace", path: "", value: { id: "Y.v2" } }]);
  assert.deepEqual(root, { id: "Y.v2" });
});

Deno.test("the three forms: a bare list, {operations}, and a merge patch", () => {
  const list = applyItemPatch(item, [{ op: "add", path: "/properties/retracted", value: true }]);
  const wrapped = applyItemPatch(item, {
    operations: [{ op: "add", path: "/properties/retracted", value: true }],
  });
  const merged = applyItemPatch(item, { merge: { properties: { retracted: true } } });
  for (const patched of [list, wrapped, merged]) {
    assert.equal((patched.properties as Record<string, unknown>).retracted, true);
    assert.deepEqual(Object.keys(patched.assets as object), Object.keys(item.assets as object));
  }
});

Deno.test("a merge patch merges objects, replaces the rest, and null removes (RFC 7396)", () => {
  const patched = applyItemPatch(item, {
    merge: {
      properties: { retracted: true, title: null, tags: ["x"] },
      assets: {
        data0001: null,
        "file.nc": { href: "https://node.example.org/f.nc", extra: null, nested: { a: null } },
        data0000: { alternate: { "replica.example.org": { href: "https://r.example.org/x" } } },
      },
    },
  }) as unknown as {
    properties: Record<string, unknown>;
    assets: Record<string, Record<string, unknown>>;
  };
  assert.equal(patched.properties.retracted, true);
  assert.equal("title" in patched.properties, false);
  assert.deepEqual(patched.properties.tags, ["x"]);
  assert.deepEqual(Object.keys(patched.assets), ["reference_file", "data0000", "file.nc"]);
  assert.deepEqual(patched.assets["file.nc"], {
    href: "https://node.example.org/f.nc",
    nested: {},
  });
  const original = (item.assets as Record<string, Record<string, unknown>>).data0000;
  assert.equal(patched.assets.data0000.href, original.href, "members not named are kept");
  assert.ok(
    "replica.example.org" in (patched.assets.data0000.alternate as Record<string, unknown>),
  );
});

Deno.test("a merge patch keeps the limits: members, size, prototype keys", () => {
  const merge = (patch: Record<string, unknown>, pattern: RegExp, limits?: PatchLimits): void =>
    assert.throws(
      () => applyItemPatch(item, { merge: patch }, limits),
      (e: Error) => e instanceof PermanentError && pattern.test(e.message),
      String(pattern),
    );
  for (const name of ["__proto__", "constructor", "prototype"]) {
    merge(
      JSON.parse(`{"properties": {"${name}": {"polluted": 1}}}`),
      new RegExp(`^invalid merge patch: member "/properties/${name}" member "${name}" is refused`),
    );
    merge(
      JSON.parse(`{"assets": {"new": {"${name}": {"polluted": 1}}}}`),
      new RegExp(`member "${name}" is refused`),
    );
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  const many = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`k${i}`, i]));
  merge({ properties: many }, /more than 1000 members, over the limit/);
  merge(
    { properties: { blob: "x".repeat(200_000) } },
    /member "\/properties\/blob" makes the item larger than 100000 bytes/,
    { maxOperations: 10, maxItemBytes: 100_000, maxDepth: 100 },
  );
});

Deno.test("re-adding existing members does not count them twice against the size limit", () => {
  // a replication patch that adds every asset again, each with its replica: the item grows by
  // the replicas only, not by a second copy of every asset
  const big = makeCmip6Item({ files: 40 }) as StacItem;
  const assets = big.assets as Record<string, Record<string, unknown>>;
  const size = JSON.stringify(big).length;
  const limits = { maxOperations: 1000, maxItemBytes: Math.round(size * 1.6), maxDepth: 100 };
  const operations = Object.entries(assets).map(([key, asset]) => ({
    op: "add",
    path: `/assets/${key}`,
    value: { ...asset, alternate: { "r.example.org": { href: "https://r.example.org/f" } } },
  }));
  const patched = applyItemPatch(big, operations, limits);
  assert.equal(Object.keys(patched.assets as object).length, Object.keys(assets).length);
  fails(
    [{ op: "copy", from: "/assets", path: "/properties/again" }],
    /makes the item larger/,
    {
      ...limits,
      maxItemBytes: measureJson(item, { maxBytes: Infinity, maxDepth: 100 }).bytes + 100,
    },
  );
});
