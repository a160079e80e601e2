import assert from "node:assert/strict";
import {
  datasetIdOf,
  newestLowerVersion,
  versionNumber,
  versionOf,
} from "../../src/lookup/versions.ts";

const DATASET = "CMIP6.HighResMIP.MRI.MRI-AGCM3-2-H.highresSST-present.r1i1p1f1.6hrPlevPt.psl.gn";

Deno.test("datasetIdOf and versionOf split off the last segment", () => {
  assert.equal(datasetIdOf(`${DATASET}.v20190820`), DATASET);
  assert.equal(versionOf(`${DATASET}.v20190820`), "v20190820");
  assert.equal(datasetIdOf("noversion"), "");
  assert.equal(versionOf("noversion"), "noversion");
});

Deno.test("versionNumber reads v<digits> only", () => {
  assert.equal(versionNumber("v20190820"), 20190820);
  assert.equal(versionNumber("v1"), 1);
  assert.equal(versionNumber("v009"), 9);
  assert.equal(versionNumber("20190820"), undefined);
  assert.equal(versionNumber("v1-r1"), undefined);
  assert.equal(versionNumber("v"), undefined);
  assert.equal(versionNumber("v99999999999999999999"), undefined);
});

Deno.test("newestLowerVersion picks the highest strictly lower version of the same dataset", () => {
  const item = `${DATASET}.v20190820`;
  const candidates = [
    item,
    `${DATASET}.v20180101`,
    `${DATASET}.v20190601`,
    `${DATASET}.v20190101`,
    `${DATASET}.v20200101`,
    `${DATASET}.v20190820`,
    `${DATASET.replace(".psl.", ".tas.")}.v20190701`,
    `${DATASET}.latest`,
  ];
  assert.equal(newestLowerVersion(item, candidates), `${DATASET}.v20190601`);
});

Deno.test("newestLowerVersion compares numbers, not text", () => {
  const item = `${DATASET}.v10`;
  assert.equal(newestLowerVersion(item, [`${DATASET}.v9`, `${DATASET}.v2`]), `${DATASET}.v9`);
});

Deno.test("newestLowerVersion is undefined without a lower version", () => {
  const item = `${DATASET}.v20190820`;
  assert.equal(newestLowerVersion(item, []), undefined);
  assert.equal(newestLowerVersion(item, [item, `${DATASET}.v20200101`]), undefined);
  assert.equal(newestLowerVersion(`${DATASET}.latest`, [`${DATASET}.v1`]), undefined);
  assert.equal(newestLowerVersion("v2", ["v1"]), undefined);
});
