import assert from "node:assert/strict";
import { hostingAssetOrder, resolveHosting } from "../../src/mapping/hosting.ts";

const NOW = new Date("2031-02-03T04:05:06.000Z");

Deno.test("hostingAssetOrder: reference_file, data0000, data0001 first, then item order", () => {
  const assets = { b: {}, data0001: {}, a: {}, data0000: {}, reference_file: {}, data0002: {} };
  assert.deepEqual(hostingAssetOrder(assets), [
    "reference_file",
    "data0000",
    "data0001",
    "b",
    "a",
    "data0002",
  ]);
  assert.deepEqual(hostingAssetOrder({ x: {}, data0001: {} }), ["data0001", "x"]);
});

Deno.test("host is the first non-empty alternate:name in asset order", () => {
  const assets = {
    other: { "alternate:name": "late.example" },
    data0001: { "alternate:name": "" },
    data0000: { "alternate:name": "first.example" },
  };
  const hosting = resolveHosting(assets, { properties: {}, now: NOW });
  assert.equal(hosting.hostingNode.host, "first.example");
});

Deno.test("host falls back to unknown", () => {
  const hosting = resolveHosting({ data0000: {} }, { properties: {}, now: NOW });
  assert.equal(hosting.hostingNode.host, "unknown");
});

Deno.test("time: published_on, created, updated of an asset in asset order", () => {
  const options = { properties: { created: "2020-01-01T00:00:00Z" }, now: NOW };
  const a = resolveHosting({
    zz: { published_on: "2019-09-09T00:00:00Z" },
    data0000: { updated: "2019-03-03T00:00:00Z", created: "2019-02-02T00:00:00Z" },
  }, options);
  assert.equal(a.hostingNode.published_on, "2019-02-02T00:00:00Z");
  const b = resolveHosting({
    data0000: { updated: "2019-03-03T00:00:00Z" },
    data0001: { published_on: "2019-01-01T00:00:00Z" },
  }, options);
  assert.equal(b.hostingNode.published_on, "2019-03-03T00:00:00Z");
  const c = resolveHosting({
    data0000: { published_on: "2019-04-04T00:00:00Z", created: "2019-02-02T00:00:00Z" },
  }, options);
  assert.equal(c.hostingNode.published_on, "2019-04-04T00:00:00Z");
});

Deno.test("time falls back to properties.created, properties.updated, event time, now", () => {
  const assets = { data0000: { "alternate:name": "h" } };
  const both = { created: "2021-01-01T00:00:00Z", updated: "2022-01-01T00:00:00Z" };
  assert.equal(
    resolveHosting(assets, { properties: both, now: NOW }).hostingNode.published_on,
    "2021-01-01T00:00:00Z",
  );
  assert.equal(
    resolveHosting(assets, {
      properties: { created: null, updated: "2022-01-01T00:00:00Z" },
      now: NOW,
    })
      .hostingNode.published_on,
    "2022-01-01T00:00:00Z",
  );
  assert.equal(
    resolveHosting(assets, { properties: {}, eventTime: "2025-08-05T11:35:48.537252", now: NOW })
      .hostingNode.published_on,
    "2025-08-05T11:35:48.537252Z",
  );
  assert.equal(
    resolveHosting(assets, { properties: {}, now: NOW }).hostingNode.published_on,
    "2031-02-03T04:05:06.000Z",
  );
});

Deno.test("a timestamp without zone is taken as UTC (Z appended)", () => {
  const hosting = resolveHosting({ data0000: { published_on: "2024-06-01T10:00:00" } }, {
    properties: {},
    now: NOW,
  });
  assert.equal(hosting.hostingNode.published_on, "2024-06-01T10:00:00Z");
});

Deno.test("replica nodes: every alternate key once, in asset order, own time or T", () => {
  const assets = {
    data0002: {
      alternate: { "c.example": { href: "https://c.example/f" }, "a.example": {} },
    },
    data0000: {
      published_on: "2020-05-05T00:00:00Z",
      alternate: {
        "a.example": { published_on: "2021-01-01T00:00:00" },
        "b.example": { href: "https://b.example/f" },
      },
    },
  };
  const hosting = resolveHosting(assets, { properties: {}, now: NOW });
  assert.deepEqual(hosting.replicaNodes, [
    { host: "a.example", published_on: "2021-01-01T00:00:00Z" },
    { host: "b.example", published_on: "2020-05-05T00:00:00Z" },
    { host: "c.example", published_on: "2020-05-05T00:00:00Z" },
  ]);
});

Deno.test("no alternates: no replica nodes", () => {
  const hosting = resolveHosting({ data0000: { "alternate:name": "h" } }, {
    properties: {},
    now: NOW,
  });
  assert.deepEqual(hosting.replicaNodes, []);
});

Deno.test("replica time: the alternate's published_on, else created, else updated, else T", () => {
  const alternate = (times: Record<string, string>): Record<string, unknown> => ({
    href: "https://replica.example/f.nc",
    ...times,
  });
  const hosting = resolveHosting({
    data0000: {
      published_on: "2020-01-01T00:00:00Z",
      alternate: {
        "a.example": alternate({
          published_on: "2021-01-01T00:00:00Z",
          created: "2022-01-01T00:00:00Z",
        }),
        // esg-publisher's add_replica writes created and updated, never published_on
        "b.example": alternate({
          created: "2022-02-02T00:00:00Z",
          updated: "2023-03-03T00:00:00Z",
        }),
        "c.example": alternate({ updated: "2023-04-04T00:00:00Z" }),
        "d.example": alternate({}),
      },
    },
  }, { properties: {}, now: NOW });
  assert.deepEqual(hosting.replicaNodes, [
    { host: "a.example", published_on: "2021-01-01T00:00:00Z" },
    { host: "b.example", published_on: "2022-02-02T00:00:00Z" },
    { host: "c.example", published_on: "2023-04-04T00:00:00Z" },
    { host: "d.example", published_on: "2020-01-01T00:00:00Z" },
  ]);
});
