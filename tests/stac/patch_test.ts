/** JSON Patch of a STAC item: limits on operations, size and depth; refused prototype paths. */

import assert from "node:assert/strict";
import { PermanentError } from "../../src/errors/mod.ts";
import type { StacItem } from "../../src/plugins/types.ts";
import { applyItemPatch } from "../../src/stac/mod.ts";
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
    /^invalid JSON Patch: operation \d+ \(copy \/properties\/c\d+\) makes the item larger than 1000000 bytes/,
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
  fails([{ op: "add", path: 7, value: 1 }], /operation 0 \(add\) has path 7, not a JSON Pointer/);
  fails(
    [{ op: "remove", path: "/nope/deeper" }],
    /^invalid JSON Patch: operation 0 \(remove \/nope\/deeper\): OPERATION_PATH_UNRESOLVABLE$/,
  );
  fails(
    [{ op: "test", path: "/id", value: "other" }],
    /operation 0 \(test \/id\): TEST_OPERATION_FAILED/,
  );
});
