import assert from "node:assert/strict";
import { PermanentError } from "../../src/errors/mod.ts";
import { mapStacItem, type StacMapperOptions } from "../../src/mapping/mapper.ts";
import { uuidV3Url } from "../../src/mapping/pid.ts";
import type { StacItem } from "../../src/events/item.ts";

const CMIP7: StacMapperOptions = {
  project: "CMIP7",
  datasetPidFields: ["CMIP7:pid", "cmip7:pid"],
  filePidFields: ["CMIP7:tracking_id", "cmip7:tracking_id"],
  landingPageUrl: "https://lp.example/lp",
  maxParts: -1,
  excludedAssetKeys: ["reference_file"],
  esgfMarker: "M",
  strict: true,
};
const DATASET = "1f062cde-b12d-335d-a30b-988188098842";
const FILE = "7c4a583c-0bfe-4517-98fa-325084b02684";

function cmip7Item(): StacItem {
  return {
    id: "MIP-DRS7.CMIP7.CMIP.X.Y.piControl.r1i1p1f1.glb.mon.tas.tavg.g1.v20250101",
    collection: "CMIP7",
    properties: { project: "CMIP7", "cmip7:pid": `hdl:21.14107/${DATASET}`, pid: "ignored" },
    assets: {
      "tas.nc": {
        href: "https://node.example/tas.nc",
        "file:size": 10,
        "file:checksum": `1220${"00".repeat(32)}`,
        "cmip7:tracking_id": `hdl:21.14107/${FILE}`,
        tracking_id: "ignored",
      },
    },
  };
}

Deno.test("mapStacItem is project-agnostic: <project>:pid fields, no legacy fields", () => {
  const mapped = mapStacItem(cmip7Item(), {
    prefix: "21.T7",
    collectionId: "CMIP7",
    now: new Date(0),
  }, CMIP7);
  assert.equal(mapped.dataset.handle, `21.T7/${DATASET}`);
  assert.equal(mapped.files[0].handle, `21.T7/${FILE}`);
  assert.equal(mapped.files[0].data.IS_PART_OF, `hdl:21.T7/${DATASET}`);
  assert.deepEqual(mapped.dataset.data.HOSTING_NODE, {
    host: "unknown",
    published_on: "1970-01-01T00:00:00.000Z",
  });
});

Deno.test("mapStacItem: without PID fields the suffixes are UUID v3 fallbacks", () => {
  const value = cmip7Item();
  const properties = value.properties as Record<string, unknown>;
  delete properties["cmip7:pid"];
  const asset = (value.assets as Record<string, Record<string, unknown>>)["tas.nc"];
  delete asset["cmip7:tracking_id"];
  const mapped = mapStacItem(value, { prefix: "21.T7", now: new Date(0) }, CMIP7);
  assert.equal(mapped.dataset.handle, `21.T7/${uuidV3Url(String(value.id))}`);
  assert.equal(mapped.files[0].handle, `21.T7/${uuidV3Url(`${value.id}#tas.nc`)}`);
});

Deno.test("mapStacItem: properties or assets of the wrong type are permanent errors", () => {
  const value = cmip7Item();
  value.assets = [] as unknown as StacItem["assets"];
  assert.throws(
    () => mapStacItem(value, { prefix: "21.T7", now: new Date(0) }, CMIP7),
    /assets must be an object/,
  );
});

Deno.test("mapStacItem: an asset key with a lone surrogate fails, naming the key", () => {
  const item = cmip7Item();
  const assets = item.assets as Record<string, Record<string, unknown>>;
  const asset = assets["tas.nc"];
  delete asset["cmip7:tracking_id"]; // the key names the file's handle (UUID v3)
  delete asset.tracking_id;
  item.assets = { "data\udc00": asset };
  const context = { prefix: "21.T7", collectionId: "CMIP7", now: new Date(0) };
  assert.throws(
    () => mapStacItem(item, context, CMIP7),
    (e: Error) =>
      e instanceof PermanentError &&
      e.message === 'asset key "data\\udc00" holds a lone surrogate (not well-formed Unicode)',
  );
  const lenient = mapStacItem(
    { ...item, assets: { "data\udc00": asset, ok: { ...asset } } },
    context,
    { ...CMIP7, strict: false },
  );
  assert.equal(lenient.files.length, 1);
  assert.match(
    lenient.warnings[0],
    /^asset key "data\\udc00" holds a lone surrogate .*: asset skipped$/,
  );
  assert.throws(() => uuidV3Url("x\ud800"), PermanentError);
});

Deno.test("mapStacItem: a retracted dataset's record is marked amend-if-exists", () => {
  const item = cmip7Item();
  const context = { prefix: "21.T7", collectionId: "CMIP7", now: new Date(0) };
  assert.equal(mapStacItem(item, context, CMIP7).dataset.retraction, undefined);
  (item.properties as Record<string, unknown>).retracted = true;
  item.assets = {};
  const mapped = mapStacItem(item, { ...context, eventTime: "2025-05-05T05:05:05" }, CMIP7);
  assert.equal(mapped.dataset.retraction, "amend-if-exists");
  assert.equal(mapped.dataset.data.RETRACTED_ON, "2025-05-05T05:05:05Z");
  assert.equal(mapped.files.length, 0);
});
