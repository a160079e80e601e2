import assert from "node:assert/strict";
import {
  assetField,
  DEFAULT_EXCLUDED_ASSET_KEYS,
  fileAssetKeys,
  type FileMapOptions,
  fileNameOf,
  mapFile,
  replicaDownloadUrls,
} from "../../src/mapping/files.ts";
import { uuidV3Url } from "../../src/mapping/pid.ts";

const ITEM_ID = "CMIP6.CMIP.X.Y.historical.r1i1p1f1.Amon.tas.gn.v20200101";
const DATASET = "0f6b3c4e-9d7a-4e0e-8a51-2d9b0c1e7f31";
const TRACKING = "2c1e0c2d-2f4b-4a8e-9d1c-3b5a6e7f8091";
const SHA = "ab".repeat(32);
const OPTIONS: FileMapOptions = {
  itemId: ITEM_ID,
  prefix: "21.TEST",
  landingPageUrl: "https://lp.example/lp",
  datasetSuffix: DATASET,
  pidFields: ["CMIP6:tracking_id", "cmip6:tracking_id", "tracking_id"],
  esgfMarker: "ESGF2 TEST",
  strict: true,
};

function asset(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    href: "https://node.example/data/tas_Amon_1850-1900.nc",
    "file:size": 1234,
    "file:checksum": `1220${SHA}`,
    "alternate:name": "node.example",
    "cmip6:tracking_id": `hdl:21.14100/${TRACKING}`,
    ...overrides,
  };
}

Deno.test("mapFile: every row of the file table, in order", () => {
  const result = mapFile(
    "data0000",
    asset({
      alternate: {
        "z.example": { href: "https://z.example/tas.nc" },
        "a.example": { href: "https://a.example/tas.nc" },
        "dup.example": { href: "https://a.example/tas.nc" },
      },
    }),
    OPTIONS,
  );
  assert.ok(result.ok);
  assert.equal(result.suffix, TRACKING);
  assert.equal(result.record.handle, `21.TEST/${TRACKING}`);
  assert.equal(result.record.URL, `https://lp.example/lp/21.TEST/${TRACKING}`);
  assert.deepEqual(result.record.data, {
    AGGREGATION_LEVEL: "FILE",
    FILE_NAME: "tas_Amon_1850-1900.nc",
    IS_PART_OF: `hdl:21.TEST/${DATASET}`,
    CHECKSUM: SHA,
    CHECKSUM_METHOD: "sha2-256",
    FILE_SIZE: 1234,
    DOWNLOAD_URL: "https://node.example/data/tas_Amon_1850-1900.nc",
    REPLICA_DOWNLOAD_URLS: ["https://a.example/tas.nc", "https://z.example/tas.nc"],
    ESGF: "ESGF2 TEST",
  });
  assert.deepEqual(Object.keys(result.record.data), [
    "AGGREGATION_LEVEL",
    "FILE_NAME",
    "IS_PART_OF",
    "CHECKSUM",
    "CHECKSUM_METHOD",
    "FILE_SIZE",
    "DOWNLOAD_URL",
    "REPLICA_DOWNLOAD_URLS",
    "ESGF",
  ]);
});

Deno.test("mapFile: no alternates, no REPLICA_DOWNLOAD_URLS; suffix falls back to v3", () => {
  const plain = asset();
  delete plain["cmip6:tracking_id"];
  const result = mapFile("data0003", plain, OPTIONS);
  assert.ok(result.ok);
  assert.equal(result.suffix, uuidV3Url(`${ITEM_ID}#data0003`));
  assert.ok(!("REPLICA_DOWNLOAD_URLS" in result.record.data));
});

Deno.test("mapFile: href, file:size and file:checksum come from the first alternate that has them", () => {
  const result = mapFile("data0000", {
    alternate: {
      "first.example": { published_on: "2020-01-01T00:00:00Z" },
      "second.example": { href: "https://second.example/f/b.nc", "file:size": 77 },
      "third.example": {
        href: "https://third.example/f/c.nc",
        "file:size": 88,
        "file:checksum": `d50110${"cd".repeat(16)}`,
      },
    },
  }, OPTIONS);
  assert.ok(result.ok);
  assert.equal(result.record.data.DOWNLOAD_URL, "https://second.example/f/b.nc");
  assert.equal(result.record.data.FILE_NAME, "b.nc");
  assert.equal(result.record.data.FILE_SIZE, 77);
  assert.equal(result.record.data.CHECKSUM_METHOD, "md5");
  assert.equal(result.record.data.CHECKSUM, "cd".repeat(16));
});

Deno.test("mapFile: each invalid field is named", () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [asset({ "file:size": undefined }), /^file:size missing$/],
    [asset({ "file:size": 0 }), /file:size 0 is not a positive integer/],
    [asset({ "file:size": -5 }), /file:size -5 is not a positive integer/],
    [asset({ "file:size": 1.5 }), /file:size 1\.5 is not a positive integer/],
    [asset({ "file:size": "big" }), /file:size "big" is not a positive integer/],
    [asset({ href: undefined }), /^href missing$/],
    [
      asset({ href: "ftp://node.example/a.nc" }),
      /href "ftp:\/\/node\.example\/a\.nc" is not an http\(s\) URL/,
    ],
    [asset({ href: "not a url" }), /is not an http\(s\) URL/],
    [asset({ href: "https://node.example/dir/" }), /has no file name/],
    [asset({ "file:checksum": undefined }), /^file:checksum missing$/],
    [
      asset({ "file:checksum": `1220${SHA.slice(4)}` }),
      /file:checksum .* is not a valid multihash/,
    ],
    [asset({ "file:checksum": 12 }), /file:checksum 12 is not a hex string/],
  ];
  for (const [value, pattern] of cases) {
    const result = mapFile("data0001", value, OPTIONS);
    assert.equal(result.ok, false, String(pattern));
    if (!result.ok) assert.match(result.problems.join("; "), pattern);
  }
  const notObject = mapFile("data0001", "nope", OPTIONS);
  assert.equal(notObject.ok, false);
});

Deno.test("mapFile: a numeric string size is accepted as a number", () => {
  const result = mapFile("data0000", asset({ "file:size": "4096" }), OPTIONS);
  assert.ok(result.ok);
  assert.equal(result.record.data.FILE_SIZE, 4096);
});

Deno.test("mapFile non-strict: unparseable checksum becomes method unknown, value as given", () => {
  const result = mapFile(
    "data0000",
    asset({ "file:checksum": "d5100b2f08a46b0e10979560480e85db777e" }),
    {
      ...OPTIONS,
      strict: false,
    },
  );
  assert.ok(result.ok);
  assert.equal(result.record.data.CHECKSUM_METHOD, "unknown");
  assert.equal(result.record.data.CHECKSUM, "d5100b2f08a46b0e10979560480e85db777e");
});

Deno.test("mapFile non-strict: a missing size still makes the file invalid", () => {
  const result = mapFile("data0000", asset({ "file:size": null }), { ...OPTIONS, strict: false });
  assert.equal(result.ok, false);
});

Deno.test("fileAssetKeys: all assets in item order except excluded keys", () => {
  const assets = {
    reference_file: {},
    data0000: {},
    globus: {},
    "tas.nc": {},
    thumbnail: {},
    quicklook: {},
  };
  assert.deepEqual(fileAssetKeys(assets, DEFAULT_EXCLUDED_ASSET_KEYS), ["data0000", "tas.nc"]);
  assert.deepEqual(fileAssetKeys(assets, ["data0000"]), [
    "reference_file",
    "globus",
    "tas.nc",
    "thumbnail",
    "quicklook",
  ]);
});

Deno.test("assetField, replicaDownloadUrls and fileNameOf helpers", () => {
  assert.equal(assetField({ href: "", alternate: { a: { href: "x" } } }, "href"), "x");
  assert.equal(assetField({ alternate: [] }, "href"), undefined);
  assert.deepEqual(replicaDownloadUrls({ alternate: { a: { href: 5 }, b: {} } }), []);
  assert.equal(fileNameOf("https://a.example/d/my%20file.nc?x=1"), "my file.nc");
  assert.equal(fileNameOf("https://a.example/"), undefined);
});
