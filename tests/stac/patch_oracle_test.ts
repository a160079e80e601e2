/**
 * The RFC 6902 applier against an independent one (fast-json-patch) as an oracle, on
 * arbitrary operations over a STAC item: where the oracle applies a patch, ours gives the
 * same item; where the oracle refuses it, ours refuses it too (a permanent failure).
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import jsonpatch from "fast-json-patch";
import { PermanentError } from "../../src/errors/mod.ts";
import type { StacItem } from "../../src/events/item.ts";
import { applyItemPatch } from "../../src/stac/mod.ts";
import { makeCmip6Item } from "../fixtures/events.ts";

const item = makeCmip6Item({ files: 2 }) as StacItem;

const key = fc.constantFrom(
  "properties",
  "assets",
  "data0000",
  "data0001",
  "href",
  "alternate",
  "roles",
  "0",
  "1",
  "2",
  "-",
  "01",
  "new",
  "a~1b",
  "",
);
// root paths left out: the oracle applies a move from a missing path to the root
const pointer = fc.array(key, { minLength: 1, maxLength: 4 }).map((keys) =>
  keys.map((k) => `/${k}`).join("")
);
const value = fc.oneof(
  fc.constantFrom(null, true, 1, "x", [], {}, ["data"], { href: "https://n.example/f.nc" }),
  fc.jsonValue({ maxDepth: 2 }),
);
const operation = fc.oneof(
  fc.record({ op: fc.constantFrom("add", "replace", "test"), path: pointer, value }),
  fc.record({ op: fc.constant("remove"), path: pointer }),
  fc.record({ op: fc.constantFrom("move", "copy"), from: pointer, path: pointer }),
);

Deno.test("applyItemPatch agrees with an independent RFC 6902 implementation", () => {
  fc.assert(
    fc.property(fc.array(operation, { minLength: 1, maxLength: 6 }), (operations) => {
      let expected: unknown;
      let refused = false;
      try {
        expected = jsonpatch.applyPatch(
          structuredClone(item),
          structuredClone(operations) as jsonpatch.Operation[],
          true,
          true,
        ).newDocument;
      } catch {
        refused = true;
      }
      let actual: unknown;
      let error: unknown;
      try {
        actual = applyItemPatch(item, structuredClone(operations) as never);
      } catch (e) {
        error = e;
      }
      if (refused) {
        assert.ok(error instanceof PermanentError, `accepted what the oracle refused: ${error}`);
      } else {
        assert.equal(error, undefined, `refused what the oracle applied: ${error}`);
        assert.deepEqual(actual, expected);
      }
    }),
    { numRuns: 3000 },
  );
});

/** RFC 7396's MergePatch, as the RFC writes it (recursive): the reference of the merge form. */
function mergeReference(target: unknown, patch: unknown): unknown {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete result[name];
    else result[name] = mergeReference(result[name], value);
  }
  return result;
}

Deno.test("a merge patch gives what RFC 7396's MergePatch gives", () => {
  const name = fc.constantFrom(
    "properties",
    "assets",
    "data0000",
    "href",
    "alternate",
    "retracted",
    "roles",
    "new",
  );
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof(
      { depthSize: "small" },
      fc.constantFrom(null, true, 0, "x", [], ["a", null]),
      fc.dictionary(name, tie("tree"), { maxKeys: 4 }),
    ),
  }));
  fc.assert(
    fc.property(fc.dictionary(name, tree, { minKeys: 1, maxKeys: 4 }), (merge) => {
      const patched = applyItemPatch(item, { merge: merge as Record<string, unknown> });
      assert.deepEqual(patched, mergeReference(structuredClone(item), merge));
    }),
    { numRuns: 3000 },
  );
});
