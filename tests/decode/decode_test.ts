/** Decoding the event envelope; every fault is one permanent, one-line reason. */

import assert from "node:assert/strict";
import { decodeEvent } from "../../src/decode/mod.ts";
import { PermanentError } from "../../src/errors/mod.ts";
import { makeCmip6Event, makePatchEvent } from "../fixtures/events.ts";

Deno.test("POST and PUT carry the item; PATCH carries item_id and operations", () => {
  const post = decodeEvent(JSON.stringify(makeCmip6Event({ files: 1 })));
  assert.equal(post.method, "POST");
  assert.equal(post.collectionId, "CMIP6");
  assert.equal(post.time, "2025-03-14T09:26:53.589793");
  const put = makeCmip6Event({ files: 1 }) as { data: { payload: { method: string } } };
  put.data.payload.method = "PUT";
  assert.equal(decodeEvent(put).method, "POST");
  const patch = decodeEvent(makePatchEvent("CMIP6.a.b.v1", [{ op: "add", path: "/x", value: 1 }]));
  assert.equal(patch.method, "PATCH");
  assert.equal(patch.itemId, "CMIP6.a.b.v1");
});

Deno.test("each malformed envelope fails with a reason naming what is missing", () => {
  const cases: Array<[unknown, RegExp]> = [
    ["{nope", /^value is not JSON/],
    ["[1,2]", /not a JSON object \(got an array\)/],
    ["5", /not a JSON object \(got a number\)/],
    [{ metadata: {} }, /missing data object/],
    [{ data: {} }, /missing data\.payload/],
    [{ data: { payload: { method: "POST" } } }, /POST without data\.payload\.item/],
    [
      { data: { payload: { method: "POST", item: { id: 5 } } } },
      /item\.id must be a non-empty string/,
    ],
    [
      { data: { payload: { method: "PATCH", collection_id: "CMIP6", patch: { operations: [] } } } },
      /PATCH without data\.payload\.item_id/,
    ],
    [
      { data: { payload: { method: "PATCH", collection_id: "CMIP6", item_id: "x" } } },
      /^PATCH without data\.payload\.patch$/,
    ],
    [
      { data: { payload: { method: "PATCH", collection_id: "CMIP6", item_id: "x", patch: 5 } } },
      /^data\.payload\.patch is a number, not a list of operations or an object$/,
    ],
    [
      {
        data: {
          payload: {
            method: "PATCH",
            collection_id: "CMIP6",
            item_id: "x",
            patch: { operations: {} },
          },
        },
      },
      /^data\.payload\.patch\.operations is an object, not a list$/,
    ],
    [{ data: { payload: { method: "DELETE" } } }, /unsupported data\.payload\.method "DELETE"/],
    [{ data: { type: "OTHER", payload: {} } }, /data\.type is "OTHER"/],
    [
      { data: { payload: { method: "POST", item: { id: "X.v1", properties: {} } } } },
      /^no project: /,
    ],
  ];
  for (const [input, reason] of cases) {
    const raw = typeof input === "string" ? input : JSON.stringify(input);
    assert.throws(() => decodeEvent(raw), (e: unknown) => {
      assert.ok(e instanceof PermanentError, `${raw}: ${e}`);
      assert.match(e.message, reason);
      assert.ok(!e.message.includes("\n"));
      return true;
    });
  }
});

Deno.test("PATCH: a bare list, {operations: [...]} and a merge patch are all read", () => {
  const operations = [{ op: "add", path: "/properties/retracted", value: true }];
  const envelope = (patch: unknown): Record<string, unknown> => {
    const event = makePatchEvent("CMIP6.a.b.v1", []) as {
      data: { payload: Record<string, unknown> };
    };
    event.data.payload.patch = patch;
    return event;
  };
  const of = (patch: unknown): unknown => {
    const decoded = decodeEvent(JSON.stringify(envelope(patch)));
    assert.equal(decoded.method, "PATCH");
    return decoded.method === "PATCH" ? decoded.patch : undefined;
  };
  assert.deepEqual(of(operations), { operations });
  assert.deepEqual(of({ operations }), { operations });
  const merge = { properties: { retracted: true }, assets: { data0001: null } };
  assert.deepEqual(of(merge), { merge });
});
