import assert from "node:assert/strict";
import fc from "fast-check";
import { PermanentError } from "../../src/errors/mod.ts";
import { buildDatasetRecord, isRetracted, splitItemId } from "../../src/mapping/dataset.ts";

Deno.test("splitItemId: DATASET_ID without last segment, version as is", () => {
  assert.deepEqual(splitItemId("CMIP6.A.B.v20190820"), {
    itemId: "CMIP6.A.B.v20190820",
    datasetId: "CMIP6.A.B",
    version: "v20190820",
  });
  assert.deepEqual(splitItemId("a.b"), { itemId: "a.b", datasetId: "a", version: "b" });
});

Deno.test("splitItemId: non-string or fewer than two segments is a permanent error", () => {
  for (const bad of [undefined, 7, "", "CMIP6", "CMIP6..v1", "CMIP6.v1."]) {
    assert.throws(() => splitItemId(bad), PermanentError, String(bad));
  }
});

Deno.test("splitItemId: takes exactly the ids of two or more non-empty dot-separated segments", () => {
  const id = fc.string({ unit: fc.constantFrom("a", "B", "1", ".", " ", "-"), maxLength: 12 });
  fc.assert(
    fc.property(id, (text) => {
      // the rule as written: split at every dot (after trimming), at least two segments, none empty
      const segments = text.trim().split(".");
      const valid = segments.length >= 2 && segments.every((segment) => segment !== "");
      if (!valid) {
        assert.throws(() => splitItemId(text), PermanentError, text);
        return;
      }
      const parts = splitItemId(text);
      assert.equal(parts.itemId, text.trim());
      assert.equal(parts.version, segments.at(-1));
      assert.equal(parts.datasetId, segments.slice(0, -1).join("."));
    }),
    { numRuns: 2000 },
  );
});

Deno.test("isRetracted: true and strings true/1/yes in any case", () => {
  for (const value of [true, "true", "TRUE", "1", "yes", "Yes"]) assert.ok(isRetracted(value));
  for (const value of [false, "false", "0", "no", "", null, undefined, 1]) {
    assert.ok(!isRetracted(value), String(value));
  }
});

Deno.test("buildDatasetRecord: fields in table order, empty ones left out", () => {
  const record = buildDatasetRecord(splitItemId("P.x.v2"), {
    prefix: "21.TEST",
    suffix: "s",
    landingPageUrl: "https://lp.example/lp/",
    previousVersion: "P.x.v1",
    hasParts: ["hdl:21.TEST/f"],
    hosting: {
      hostingNode: { host: "h", published_on: "t" },
      replicaNodes: [{ host: "r", published_on: "t" }],
    },
    retractedOn: "2025-01-01T00:00:00Z",
    esgfMarker: "M",
  });
  assert.equal(record.handle, "21.TEST/s");
  assert.equal(record.URL, "https://lp.example/lp/21.TEST/s");
  assert.deepEqual(Object.keys(record.data), [
    "AGGREGATION_LEVEL",
    "DATASET_ID",
    "DATASET_VERSION",
    "PREVIOUS_VERSION",
    "HAS_PARTS",
    "HOSTING_NODE",
    "REPLICA_NODES",
    "RETRACTED_ON",
    "ESGF",
  ]);
  const bare = buildDatasetRecord(splitItemId("P.x.v2"), {
    prefix: "21.TEST",
    suffix: "s",
    landingPageUrl: "https://lp.example/lp",
    hasParts: [],
    hosting: { hostingNode: { host: "h", published_on: "t" }, replicaNodes: [] },
    esgfMarker: "M",
  });
  assert.deepEqual(Object.keys(bare.data), [
    "AGGREGATION_LEVEL",
    "DATASET_ID",
    "DATASET_VERSION",
    "HOSTING_NODE",
    "ESGF",
  ]);
});
