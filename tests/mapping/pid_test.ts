import assert from "node:assert/strict";
import { PermanentError } from "../../src/errors/mod.ts";
import {
  isUuid,
  pidFieldNames,
  resolveDatasetSuffix,
  resolveFileSuffix,
  suffixFromPid,
  URL_NAMESPACE,
  uuidV3Url,
} from "../../src/mapping/pid.ts";

const MRI_ID =
  "CMIP6.HighResMIP.MRI.MRI-AGCM3-2-H.highresSST-present.r1i1p1f1.6hrPlevPt.psl.gn.v20190820";
const UUID_A = "1b37978f-caf6-4e4a-9893-3266a93077a2";
const UUID_B = "4485e7f1-06fb-46a5-99b3-2fb951eeb80d";
const CMIP6_NAMING = { project: "CMIP6", legacy: true };
const CMIP6 = { fields: pidFieldNames("pid", CMIP6_NAMING) };
const CMIP6_FILE = { fields: pidFieldNames("tracking_id", CMIP6_NAMING) };

Deno.test("uuidV3Url gives the spec's check values", () => {
  assert.equal(URL_NAMESPACE, "6ba7b811-9dad-11d1-80b4-00c04fd430c8");
  assert.equal(uuidV3Url(MRI_ID), "b06058a6-1077-35cb-9500-1ccbd341d309");
  assert.equal(uuidV3Url(`${MRI_ID}#data0000`), "7afa385c-faa4-3a5f-85e6-79da95ef3add");
});

Deno.test("isUuid accepts canonical UUIDs only", () => {
  assert.ok(isUuid(UUID_A));
  assert.ok(isUuid(UUID_A.toUpperCase()));
  assert.ok(!isUuid("1b37978fcaf64e4a98933266a93077a2"));
  assert.ok(!isUuid("not-a-uuid"));
});

Deno.test("suffixFromPid takes the suffix of hdl:, prefixed and bare forms", () => {
  assert.equal(suffixFromPid(`hdl:21.14100/${UUID_A}`, "f"), UUID_A);
  assert.equal(suffixFromPid(`21.14100/${UUID_A.toUpperCase()}`, "f"), UUID_A);
  assert.equal(suffixFromPid(UUID_A, "f"), UUID_A);
  assert.equal(suffixFromPid("", "f"), undefined);
  assert.equal(suffixFromPid(null, "f"), undefined);
});

Deno.test("suffixFromPid: a number is a permanent error naming the field", () => {
  assert.throws(
    () => suffixFromPid(5.4, "properties.pid"),
    (error: unknown) =>
      error instanceof PermanentError && /properties\.pid must be a string/.test(error.message) &&
      /5\.4/.test(error.message),
  );
});

Deno.test("suffixFromPid: a non-UUID suffix is a permanent error naming the field", () => {
  assert.throws(
    () => suffixFromPid("hdl:21.14100/abc-123", 'properties["cmip6:pid"]'),
    (error: unknown) =>
      error instanceof PermanentError && /cmip6:pid/.test(error.message) &&
      /not a UUID/.test(error.message),
  );
});

Deno.test("pidFieldNames: canonical, lower-case variant and legacy field", () => {
  assert.deepEqual(pidFieldNames("pid", CMIP6_NAMING), ["CMIP6:pid", "cmip6:pid", "pid"]);
  assert.deepEqual(pidFieldNames("tracking_id", { project: "cmip7", legacy: false }), [
    "cmip7:tracking_id",
  ]);
});

Deno.test("resolveDatasetSuffix reads cmip6:pid, CMIP6:pid and legacy pid", () => {
  assert.equal(resolveDatasetSuffix(MRI_ID, { "cmip6:pid": `hdl:21.1/${UUID_A}` }, CMIP6), UUID_A);
  assert.equal(resolveDatasetSuffix(MRI_ID, { "CMIP6:pid": `hdl:21.1/${UUID_A}` }, CMIP6), UUID_A);
  assert.equal(resolveDatasetSuffix(MRI_ID, { pid: UUID_B }, CMIP6), UUID_B);
});

Deno.test("resolveDatasetSuffix: legacy pid is ignored without legacy", () => {
  const suffix = resolveDatasetSuffix(MRI_ID, { pid: UUID_B }, {
    fields: pidFieldNames("pid", { project: "CMIP7", legacy: false }),
  });
  assert.equal(suffix, uuidV3Url(MRI_ID));
});

Deno.test("resolveDatasetSuffix: agreeing fields are fine, empty ones are skipped", () => {
  const properties = { "cmip6:pid": `hdl:21.14100/${UUID_A}`, pid: UUID_A.toUpperCase() };
  assert.equal(resolveDatasetSuffix(MRI_ID, properties, CMIP6), UUID_A);
  assert.equal(resolveDatasetSuffix(MRI_ID, { "cmip6:pid": "", pid: UUID_B }, CMIP6), UUID_B);
});

Deno.test("resolveDatasetSuffix: disagreeing fields are a permanent error naming both", () => {
  assert.throws(
    () => resolveDatasetSuffix(MRI_ID, { "cmip6:pid": UUID_A, pid: UUID_B }, CMIP6),
    (error: unknown) =>
      error instanceof PermanentError && /conflicting/.test(error.message) &&
      error.message.includes('properties["cmip6:pid"]') &&
      error.message.includes("properties.pid"),
  );
});

Deno.test("resolveDatasetSuffix falls back to UUID v3 of the item id", () => {
  assert.equal(resolveDatasetSuffix(MRI_ID, {}, CMIP6), "b06058a6-1077-35cb-9500-1ccbd341d309");
});

Deno.test("resolveFileSuffix reads tracking ids and falls back to v3 of id#key", () => {
  const options = { ...CMIP6_FILE, itemId: MRI_ID, assetKey: "data0000" };
  assert.equal(
    resolveFileSuffix({ "cmip6:tracking_id": `hdl:21.14100/${UUID_A}` }, options),
    UUID_A,
  );
  assert.equal(resolveFileSuffix({ "CMIP6:tracking_id": UUID_A }, options), UUID_A);
  assert.equal(resolveFileSuffix({ tracking_id: `hdl:21.14100/${UUID_B}` }, options), UUID_B);
  assert.equal(resolveFileSuffix({}, options), "7afa385c-faa4-3a5f-85e6-79da95ef3add");
});

Deno.test("resolveFileSuffix: bad and conflicting tracking ids name the asset and field", () => {
  const options = { ...CMIP6_FILE, itemId: MRI_ID, assetKey: "data0004" };
  assert.throws(
    () => resolveFileSuffix({ tracking_id: 7 }, options),
    /asset data0004: tracking_id must be a string/,
  );
  assert.throws(
    () => resolveFileSuffix({ "cmip6:tracking_id": UUID_A, tracking_id: UUID_B }, options),
    /conflicting PID fields: asset data0004: cmip6:tracking_id/,
  );
});
