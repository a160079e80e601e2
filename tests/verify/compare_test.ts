/** Comparing an expected record with what a Handle server holds. */

import assert from "node:assert/strict";
import { toHandleValues } from "../../src/records/mod.ts";
import { compareRecord } from "../../src/verify/compare.ts";

const record = {
  handle: "21.14100/ds",
  URL: "https://lp.example.org/ds",
  data: {
    AGGREGATION_LEVEL: "DATASET",
    HAS_PARTS: ["hdl:21.14100/a-1", "hdl:21.14100/b-2"],
  },
};

Deno.test("compareRecord: parts named in another case are the same parts; real gaps are named as expected", () => {
  const held = toHandleValues(record, { prefix: "21.14100" }).map((value) =>
    value.type === "HAS_PARTS"
      ? { ...value, data: { ...value.data, value: '["HDL:21.14100/A-1","hdl:21.14100/C-3"]' } }
      : value
  );
  const report = compareRecord(record, held, { prefix: "21.14100" });
  assert.equal(report.status, "different");
  assert.deepEqual(report.missingParts, ["hdl:21.14100/b-2"]);
  assert.deepEqual(report.extraParts, ["hdl:21.14100/C-3"]);

  const same = toHandleValues(record, { prefix: "21.14100" }).map((value) =>
    value.type === "HAS_PARTS"
      ? { ...value, data: { ...value.data, value: '["HDL:21.14100/A-1","HDL:21.14100/B-2"]' } }
      : value
  );
  assert.equal(compareRecord(record, same, { prefix: "21.14100" }).status, "ok");
  assert.equal(compareRecord(record, undefined, { prefix: "21.14100" }).status, "missing");
});
