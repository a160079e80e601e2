import assert from "node:assert/strict";
import { ConfigurationError, PermanentError } from "../../src/errors/mod.ts";
import { createPlugin, type ProjectSettings } from "../../src/projects/mod.ts";
import { uuidV3Url } from "../../src/mapping/pid.ts";
import type { StacItem } from "../../src/events/item.ts";
import type { MapContext } from "../../src/mapping/context.ts";
import type { ProjectPlugin } from "../../src/projects/types.ts";
import { makeCmip6Event, makeCmip6Item } from "../fixtures/events.ts";
import { v3 as uuidV3 } from "uuid";

const PREFIX = "21.TEST";
const NOW = new Date("2032-01-01T00:00:00.000Z");
const UUID_A = "1b37978f-caf6-4e4a-9893-3266a93077a2";
const UUID_B = "4485e7f1-06fb-46a5-99b3-2fb951eeb80d";
/** RFC 4122 URL namespace: the oracle of the UUID v3 fallback is the `uuid` package. */
const URL_NAMESPACE = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";

function context(overrides: Partial<MapContext> = {}): MapContext {
  return {
    prefix: PREFIX,
    collectionId: "CMIP6",
    eventTime: "2025-03-14T09:26:53",
    now: NOW,
    ...overrides,
  };
}

function item(options: Parameters<typeof makeCmip6Item>[0] = {}): StacItem {
  return makeCmip6Item(options) as StacItem;
}

function assets(value: StacItem): Record<string, Record<string, unknown>> {
  return value.assets as Record<string, Record<string, unknown>>;
}

function props(value: StacItem): Record<string, unknown> {
  return value.properties as Record<string, unknown>;
}

function rejects(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof PermanentError, `not a PermanentError: ${error}`);
    assert.match(error.message, pattern);
    return true;
  });
}

/** One of the project's own sample events (`tests/fixtures/samples/`), with its context. */
async function sample(name: string): Promise<{ item: StacItem; context: MapContext }> {
  const url = new URL(`../fixtures/samples/${name}`, import.meta.url);
  const event = JSON.parse(await Deno.readTextFile(url));
  return {
    item: event.data.payload.item,
    context: context({
      collectionId: event.data.payload.collection_id,
      eventTime: event.metadata.time,
    }),
  };
}

function createCmip6Plugin(settings: ProjectSettings = {}): ProjectPlugin {
  return createPlugin("cmip6", settings);
}

const plugin = createCmip6Plugin();

Deno.test("plugin name and accepts CMIP6 in any case only", () => {
  assert.equal(plugin.name, "cmip6");
  assert.ok(plugin.accepts("CMIP6"));
  assert.ok(plugin.accepts("cmip6"));
  assert.ok(!plugin.accepts("CMIP6Plus"));
  assert.ok(!plugin.accepts("CMIP7"));
  assert.ok(!plugin.accepts("CORDEX-CMIP6"));
});

Deno.test("createCmip6Plugin rejects a non-http landing page and a fractional max_parts", () => {
  assert.throws(
    () => createCmip6Plugin({ landingPageUrl: "ftp://x.example/lp" }),
    ConfigurationError,
  );
  assert.throws(() => createCmip6Plugin({ maxParts: 1.5 }), ConfigurationError);
});

Deno.test("dataset record: every row of the dataset table", () => {
  const value = item({ files: 2, pid: `hdl:21.14100/${UUID_A}`, replicas: ["r1.example"] });
  const mapped = createCmip6Plugin().map(value, context({ previousVersion: "CMIP6.x.v1" }));
  const dataset = mapped.dataset;
  assert.equal(dataset.handle, `${PREFIX}/${UUID_A}`);
  assert.equal(dataset.URL, `https://handle-esgf.dkrz.de/lp/${PREFIX}/${UUID_A}`);
  const id = String(value.id);
  assert.deepEqual(Object.keys(dataset.data), [
    "AGGREGATION_LEVEL",
    "DATASET_ID",
    "DATASET_VERSION",
    "PREVIOUS_VERSION",
    "HAS_PARTS",
    "HOSTING_NODE",
    "REPLICA_NODES",
    "ESGF",
  ]);
  assert.equal(dataset.data.AGGREGATION_LEVEL, "DATASET");
  assert.equal(dataset.data.DATASET_ID, id.slice(0, id.lastIndexOf(".")));
  assert.equal(dataset.data.DATASET_VERSION, "v20240612");
  assert.equal(dataset.data.PREVIOUS_VERSION, "CMIP6.x.v1");
  assert.deepEqual(dataset.data.HAS_PARTS, mapped.files.map((file) => `hdl:${file.handle}`));
  const first = assets(value).data0000;
  assert.deepEqual(dataset.data.HOSTING_NODE, {
    host: first["alternate:name"],
    published_on: first.published_on,
  });
  const replica = (first.alternate as Record<string, Record<string, unknown>>)["r1.example"];
  assert.deepEqual(dataset.data.REPLICA_NODES, [
    { host: "r1.example", published_on: replica.published_on },
  ]);
  assert.equal(dataset.data.ESGF, "ESGF2 TEST");
  assert.equal(mapped.replicas, 1);
  assert.equal(mapped.retracted, false);
  assert.equal(mapped.itemId, id);
  assert.deepEqual(mapped.warnings, []);
});

Deno.test("dataset record: optional rows omitted when empty", () => {
  const mapped = plugin.map(item({ files: 1 }), context());
  const keys = Object.keys(mapped.dataset.data);
  for (const absent of ["PREVIOUS_VERSION", "REPLICA_NODES", "RETRACTED_ON"]) {
    assert.ok(!keys.includes(absent), absent);
  }
  assert.equal(mapped.replicas, 0);
});

Deno.test("retracted: RETRACTED_ON is the event time (UTC), retracted flag set", () => {
  const value = item({ files: 1, retracted: true });
  const mapped = plugin.map(value, context({ eventTime: "2025-08-05T11:35:48.537252" }));
  assert.equal(mapped.dataset.data.RETRACTED_ON, "2025-08-05T11:35:48.537252Z");
  assert.ok(mapped.retracted);
  for (const text of ["TRUE", "1", "yes"]) {
    props(value).retracted = text;
    assert.ok(plugin.map(value, context()).retracted, text);
  }
  props(value).retracted = "false";
  const live = plugin.map(value, context());
  assert.ok(!live.retracted);
  assert.ok(!("RETRACTED_ON" in live.dataset.data));
});

Deno.test("retracted without event time: RETRACTED_ON is now", () => {
  const mapped = plugin.map(item({ files: 1, retracted: true }), context({ eventTime: undefined }));
  assert.equal(mapped.dataset.data.RETRACTED_ON, NOW.toISOString());
});

Deno.test("ESGF marker and landing page are configurable", () => {
  const custom = createCmip6Plugin({ esgfMarker: "PROD", landingPageUrl: "https://lp.example/x/" });
  const mapped = custom.map(item({ files: 1 }), context());
  assert.equal(mapped.dataset.data.ESGF, "PROD");
  assert.equal(mapped.files[0].data.ESGF, "PROD");
  assert.equal(mapped.dataset.URL, `https://lp.example/x/${mapped.dataset.handle}`);
  assert.equal(mapped.files[0].URL, `https://lp.example/x/${mapped.files[0].handle}`);
});

Deno.test("file records: one per data asset in item order, IS_PART_OF names the resolved dataset", () => {
  const value = item({ files: 6, pid: UUID_B });
  const mapped = plugin.map(value, context());
  assert.equal(mapped.files.length, 6);
  const keys = Object.keys(assets(value)).filter((key) => key.startsWith("data"));
  mapped.files.forEach((file, index) => {
    const source = assets(value)[keys[index]];
    const tracking = String(source["cmip6:tracking_id"]).split("/")[1];
    assert.equal(file.handle, `${PREFIX}/${tracking}`);
    assert.equal(file.data.IS_PART_OF, `hdl:${PREFIX}/${UUID_B}`);
    assert.equal(file.data.DOWNLOAD_URL, source.href);
    assert.equal(file.data.FILE_SIZE, source["file:size"]);
    assert.equal(file.data.AGGREGATION_LEVEL, "FILE");
  });
  assert.equal(mapped.files[4].data.CHECKSUM_METHOD, "md5");
  assert.equal(mapped.files[0].data.CHECKSUM_METHOD, "sha2-256");
});

Deno.test("the configured prefix wins over the prefix in the event", () => {
  const value = item({ files: 1, pid: `hdl:21.99999/${UUID_A}` });
  const mapped = plugin.map(value, context({ prefix: "21.OTHER" }));
  assert.equal(mapped.dataset.handle, `21.OTHER/${UUID_A}`);
  assert.ok(mapped.files[0].handle.startsWith("21.OTHER/"));
  assert.equal(mapped.files[0].data.IS_PART_OF, `hdl:21.OTHER/${UUID_A}`);
});

Deno.test("dataset suffix: CMIP6:pid and legacy pid; fallback v3 of the item id", () => {
  const value = item({ files: 1 });
  delete props(value)["cmip6:pid"];
  assert.equal(
    plugin.map(value, context()).dataset.handle,
    `${PREFIX}/${uuidV3Url(String(value.id))}`,
  );
  props(value)["CMIP6:pid"] = UUID_A;
  assert.equal(plugin.map(value, context()).dataset.handle, `${PREFIX}/${UUID_A}`);
  delete props(value)["CMIP6:pid"];
  props(value).pid = `hdl:21.14100/${UUID_B}`;
  assert.equal(plugin.map(value, context()).dataset.handle, `${PREFIX}/${UUID_B}`);
});

Deno.test("failure: pid of a wrong type (5.4) names the field", () => {
  const value = item({ files: 1 });
  delete props(value)["cmip6:pid"];
  props(value).pid = 5.4;
  rejects(() => plugin.map(value, context()), /properties\.pid must be a string, got number 5\.4/);
});

Deno.test("failure: a non-UUID suffix names the field", () => {
  rejects(
    () => plugin.map(item({ files: 1, pid: "hdl:21.14100/my-dataset" }), context()),
    /properties\["cmip6:pid"\] has suffix "my-dataset".*not a UUID/,
  );
});

Deno.test("failure: two PID fields that disagree", () => {
  const value = item({ files: 1, pid: UUID_A });
  props(value).pid = UUID_B;
  rejects(() => plugin.map(value, context()), /conflicting PID fields.*cmip6:pid.*properties\.pid/);
});

Deno.test("failure: a bad tracking id names the asset", () => {
  const value = item({ files: 2 });
  assets(value).data0001["cmip6:tracking_id"] = "hdl:21.14100/xyz";
  rejects(() => plugin.map(value, context()), /asset data0001: cmip6:tracking_id/);
});

Deno.test("failure (strict): missing file:size names asset and field", () => {
  const value = item({ files: 5 });
  delete assets(value).data0003["file:size"];
  rejects(() => plugin.map(value, context()), /^asset data0003: file:size missing$/);
});

Deno.test("failure (strict): unparseable checksum names asset and field", () => {
  const value = item({ files: 2 });
  assets(value).data0001["file:checksum"] = "1220abcd";
  rejects(
    () => plugin.map(value, context()),
    /^asset data0001: file:checksum "1220abcd" is not a valid multihash/,
  );
});

Deno.test("failure (strict): bad URL names asset and field", () => {
  const value = item({ files: 2 });
  assets(value).data0000.href = "gsiftp://node.example/a.nc";
  rejects(() => plugin.map(value, context()), /^asset data0000: href .* is not an http\(s\) URL/);
});

Deno.test("non-strict: invalid files skipped with warnings and left out of HAS_PARTS", () => {
  const lenient = createCmip6Plugin({ strictMode: false });
  const value = item({ files: 4 });
  delete assets(value).data0001["file:size"];
  assets(value).data0002.href = "ftp://node.example/x.nc";
  assets(value).data0003["file:checksum"] = "cafebabe";
  const mapped = lenient.map(value, context());
  assert.equal(mapped.files.length, 2);
  assert.equal(mapped.warnings.length, 2);
  assert.match(mapped.warnings[0], /asset data0001 skipped: file:size missing/);
  assert.match(mapped.warnings[1], /asset data0002 skipped: href/);
  assert.deepEqual(mapped.dataset.data.HAS_PARTS, mapped.files.map((file) => `hdl:${file.handle}`));
  assert.equal(mapped.files[1].data.CHECKSUM_METHOD, "unknown");
  assert.equal(mapped.files[1].data.CHECKSUM, "cafebabe");
});

Deno.test("a dataset needs at least one part unless retracted", () => {
  const lenient = createCmip6Plugin({ strictMode: false });
  const value = item({ files: 1 });
  delete assets(value).data0000["file:size"];
  rejects(() => lenient.map(value, context()), /no valid data file assets/);
  const empty = item({ files: 0 });
  rejects(() => plugin.map(empty, context()), /no valid data file assets/);
  props(empty).retracted = true;
  const mapped = plugin.map(empty, context());
  assert.equal(mapped.files.length, 0);
  assert.ok(!("HAS_PARTS" in mapped.dataset.data));
  assert.ok("RETRACTED_ON" in mapped.dataset.data);
});

Deno.test("excluded asset keys: defaults and configured", () => {
  const value = item({ files: 2 });
  for (const key of ["globus", "thumbnail", "quicklook"]) {
    assets(value)[key] = { href: "https://x.example/" };
  }
  assert.equal(plugin.map(value, context()).files.length, 2);
  const custom = createCmip6Plugin({
    excludedAssetKeys: ["reference_file", "globus", "thumbnail", "quicklook", "data0001"],
  });
  const mapped = custom.map(value, context());
  assert.equal(mapped.files.length, 1);
  assert.equal(mapped.files[0].data.DOWNLOAD_URL, assets(value).data0000.href);
});

Deno.test("max_parts caps HAS_PARTS with a warning; all files are still registered", () => {
  const capped = createCmip6Plugin({ maxParts: 3 });
  const mapped = capped.map(item({ files: 5 }), context());
  assert.equal(mapped.files.length, 5);
  assert.deepEqual(
    mapped.dataset.data.HAS_PARTS,
    mapped.files.slice(0, 3).map((f) => `hdl:${f.handle}`),
  );
  assert.equal(mapped.warnings.length, 1);
  assert.match(mapped.warnings[0], /max_parts 3 reached/);
  const exact = createCmip6Plugin({ maxParts: 5 }).map(item({ files: 5 }), context());
  assert.deepEqual(exact.warnings, []);
  assert.equal((exact.dataset.data.HAS_PARTS as string[]).length, 5);
});

Deno.test("item id must be a string with at least two dot segments", () => {
  for (const id of [42, "CMIP6", ""]) {
    const value = item({ files: 1 });
    value.id = id;
    rejects(() => plugin.map(value, context()), /item id/);
  }
});

Deno.test("collection, properties.project and collection_id must agree (case-insensitive)", () => {
  const value = item({ files: 1 });
  value.collection = "cmip6";
  assert.equal(plugin.map(value, context({ collectionId: "Cmip6" })).files.length, 1);
  rejects(() => plugin.map(value, context({ collectionId: "CMIP7" })), /project mismatch/);
  props(value).project = "CMIP6Plus";
  rejects(() => plugin.map(value, context()), /project mismatch.*properties\.project/);
  const other = item({ files: 1 });
  other.collection = "CMIP7";
  props(other).project = "CMIP7";
  rejects(() => plugin.map(other, context({ collectionId: undefined })), /"CMIP7" is not CMIP6/);
});

Deno.test("two assets with the same tracking id are a permanent error", () => {
  const value = item({ files: 2 });
  assets(value).data0001["cmip6:tracking_id"] = assets(value).data0000["cmip6:tracking_id"];
  rejects(
    () => plugin.map(value, context()),
    /asset data0001: handle suffix .* also used by asset data0000/,
  );
});

Deno.test("the generated event envelope maps and is deterministic", () => {
  const event = makeCmip6Event({ files: 3 }) as { data: { payload: { item: StacItem } } };
  const first = plugin.map(event.data.payload.item, context());
  const second = plugin.map(
    (makeCmip6Event({ files: 3 }) as typeof event).data.payload.item,
    context(),
  );
  assert.deepEqual(first, second);
});

Deno.test("sample of seven files: 7 file records and the dataset, UUID v3 for the files", async () => {
  const { item: seven, context: ctx } = await sample("cmip6_seven_files.json");
  const id = String(seven.id);
  const mapped = plugin.map(seven, ctx);
  assert.equal(mapped.files.length, 7);
  // The legacy `pid` names the dataset; the files have none: UUID v3 of `<id>#<asset>`.
  const datasetHandle = `${PREFIX}/${String(props(seven).pid).split("/")[1]}`;
  assert.equal(mapped.dataset.handle, datasetHandle);
  assert.deepEqual(
    mapped.files.map((file) => file.handle),
    Object.keys(assets(seven)).map((key) => `${PREFIX}/${uuidV3(`${id}#${key}`, URL_NAMESPACE)}`),
  );
  const first = assets(seven).data0000;
  const href = String(first.href);
  assert.deepEqual(mapped.files[0].data, {
    AGGREGATION_LEVEL: "FILE",
    FILE_NAME: href.slice(href.lastIndexOf("/") + 1),
    IS_PART_OF: `hdl:${datasetHandle}`,
    CHECKSUM: String(first["file:checksum"]).slice(4),
    CHECKSUM_METHOD: "sha2-256",
    FILE_SIZE: first["file:size"],
    DOWNLOAD_URL: href,
    ESGF: "ESGF2 TEST",
  });
  assert.deepEqual(mapped.dataset.data, {
    AGGREGATION_LEVEL: "DATASET",
    DATASET_ID: id.slice(0, id.lastIndexOf(".")),
    DATASET_VERSION: id.slice(id.lastIndexOf(".") + 1),
    HAS_PARTS: mapped.files.map((file) => `hdl:${file.handle}`),
    // No asset says when it was published: the event's time, in UTC.
    HOSTING_NODE: { host: first["alternate:name"], published_on: `${ctx.eventTime}Z` },
    ESGF: "ESGF2 TEST",
  });
  assert.deepEqual(mapped.warnings, []);
  assert.equal(mapped.retracted, false);
});

Deno.test("sample md5 mis-encoded: fails in strict mode and says so; kept as unknown otherwise", async () => {
  const { item: md5, context: ctx } = await sample("cmip6_md5_misencoded.json");
  rejects(() => plugin.map(md5, ctx), /^asset data0001: file:checksum .*mis-encoded md5.*d501/);
  const lenient = createCmip6Plugin({ strictMode: false }).map(md5, ctx);
  assert.equal(lenient.files.length, 1, "reference_file is not a file of the dataset");
  assert.equal(lenient.files[0].data.CHECKSUM_METHOD, "unknown");
  assert.equal(lenient.dataset.data.DATASET_VERSION, "v20200102");
  assert.equal(
    (lenient.dataset.data.HOSTING_NODE as { host: string }).host,
    assets(md5).data0001["alternate:name"],
  );
});

Deno.test("sample invalid: pid 5.4 fails naming properties.pid", async () => {
  const { item: bad, context: ctx } = await sample("cmip6_pid_number.json");
  rejects(() => plugin.map(bad, ctx), /properties\.pid must be a string, got number 5\.4/);
});

Deno.test("sample invalid: missing file:size fails naming the asset", async () => {
  const { item: bad, context: ctx } = await sample("cmip6_missing_file_size.json");
  rejects(() => plugin.map(bad, ctx), /^asset data0001: file:size missing/);
});

Deno.test("sample cmip6.json: canonical cmip6:pid and cmip6:tracking_id", async () => {
  const { item: value, context: ctx } = await sample("cmip6.json");
  const mapped = plugin.map(value, ctx);
  const file = Object.values(assets(value))[0];
  const suffix = (pid: unknown): string => String(pid).slice(String(pid).indexOf("/") + 1);
  assert.equal(mapped.dataset.handle, `${PREFIX}/${suffix(props(value)["cmip6:pid"])}`);
  assert.equal(mapped.files.length, 1);
  assert.equal(mapped.files[0].handle, `${PREFIX}/${suffix(file["cmip6:tracking_id"])}`);
  assert.deepEqual(mapped.dataset.data.HOSTING_NODE, {
    host: file["alternate:name"],
    published_on: file.created,
  });
  assert.deepEqual(mapped.dataset.data.HAS_PARTS, [`hdl:${mapped.files[0].handle}`]);
});

Deno.test("sample cmip6plus.json is not a CMIP6 event", async () => {
  const { item: value, context: ctx } = await sample("cmip6plus.json");
  assert.ok(!plugin.accepts(ctx.collectionId!));
  rejects(() => plugin.map(value, ctx), /not CMIP6/);
});
