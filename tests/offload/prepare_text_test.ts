/** `TextPreparer`: decode, route and map an event's text as the pipeline would, as plain data. */

import assert from "node:assert/strict";
import { decodeEvent, DEFAULT_EVENT_LIMITS } from "../../src/decode/mod.ts";
import { type OffloadPlan, TextPreparer } from "../../src/offload/mod.ts";
import { createPlugin } from "../../src/projects/mod.ts";
import type { StacItem } from "../../src/events/item.ts";
import { recordFromText, recordText, registrationOrder } from "../../src/records/mod.ts";
import { makeCmip6Event, makePatchEvent } from "../fixtures/events.ts";

const plan = (mapHere = true): OffloadPlan => ({
  limits: DEFAULT_EVENT_LIMITS,
  projects: [{ project: "cmip6", settings: { maxParts: 2 }, prefix: "21.TEST", mapHere }],
});
const now = new Date("2030-01-01T00:00:00Z");

Deno.test("a selected POST event is mapped as the plugin maps it, records as JSON texts", () => {
  const text = JSON.stringify(makeCmip6Event({ files: 3 }));
  const answer = new TextPreparer(plan()).prepare(text, now);
  assert.ok("rendered" in answer && answer.rendered !== undefined);
  const decoded = decodeEvent(text);
  assert.equal(decoded.method, "POST");
  const expected = createPlugin("cmip6", { maxParts: 2 }).map(
    (decoded as { item: StacItem }).item,
    { prefix: "21.TEST", eventTime: decoded.time, collectionId: decoded.collectionId, now },
  );
  const { records, ...rest } = answer.rendered;
  const { dataset: _d, files: _f, ...expectedRest } = expected;
  assert.deepEqual(rest, expectedRest);
  // Registration order (files, then the dataset), each record as recordText gives it.
  assert.deepEqual(records, registrationOrder(expected).map(recordText));
  assert.deepEqual(records.map(recordFromText), registrationOrder(expected));
  assert.equal(answer.project, "CMIP6");
  assert.equal(answer.itemId, decoded.itemId);
  assert.equal(answer.decoded, undefined);
  assert.ok(expected.warnings.some((w) => /max_parts/.test(w))); // the settings reached the plugin
});

Deno.test("a project not selected comes back as its name only; a lookup route as the event", () => {
  const other = JSON.stringify(makeCmip6Event({ files: 1 })).replaceAll('"CMIP6"', '"CMIP7x"');
  assert.deepEqual(Object.keys(new TextPreparer(plan()).prepare(other, now)).sort(), [
    "itemId",
    "project",
  ]);
  const text = JSON.stringify(makeCmip6Event({ files: 1 }));
  const answer = new TextPreparer(plan(false)).prepare(text, now);
  assert.ok("decoded" in answer);
  assert.deepEqual(answer.decoded, decodeEvent(text));
  assert.equal(answer.rendered, undefined);
  const patch = JSON.stringify(makePatchEvent("CMIP6.a.b.v1", [{ op: "remove", path: "/x" }]));
  const patched = new TextPreparer(plan()).prepare(patch, now);
  assert.ok("decoded" in patched && patched.decoded?.method === "PATCH");
});

Deno.test("faults: decoding gives the decoder's reason, mapping names the project", () => {
  const preparer = new TextPreparer(plan());
  assert.deepEqual(preparer.prepare("{", now), {
    error: (() => {
      try {
        decodeEvent("{");
      } catch (error) {
        return (error as Error).message;
      }
    })(),
  });
  const event = makeCmip6Event({ files: 1 });
  const item = (event.data as { payload: { item: StacItem } }).payload.item;
  for (const asset of Object.values(item.assets ?? {})) asset.href = "ftp://x.example/a.nc";
  const answer = preparer.prepare(JSON.stringify(event), now);
  assert.ok("mapError" in answer && answer.mapError !== undefined);
  assert.equal(answer.project, "CMIP6");
  assert.equal(answer.mapError.internal, undefined);
  assert.match(answer.mapError.reason, /http/);
});

Deno.test("a plan naming an unknown project is refused", () => {
  assert.throws(
    () =>
      new TextPreparer({
        limits: DEFAULT_EVENT_LIMITS,
        projects: [{ project: "nope", settings: {}, prefix: "21.X", mapHere: true }],
      }),
    /unknown project nope/,
  );
});
