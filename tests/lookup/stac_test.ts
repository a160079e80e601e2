import assert from "node:assert/strict";
import { PermanentError, TransientError } from "../../src/errors/mod.ts";
import {
  createStacVersionLookup,
  stacSearchFilter,
  stacSearchPath,
} from "../../src/lookup/stac.ts";
import { StacClient } from "../../src/stac/mod.ts";
import { TransientExhaustedError } from "../../src/transient/mod.ts";

const DATASET = "CMIP6.HighResMIP.MRI.MRI-AGCM3-2-H.highresSST-present.r1i1p1f1.6hrPlevPt.psl.gn";
const ITEM = `${DATASET}.v20190820`;
const POLICY = { retries: 1, backoffInitial: 0.001, backoffMax: 0.001 };
const EXPECTED_FILTER = [
  `"cmip6:activity_id" = 'HighResMIP'`,
  `"cmip6:institution_id" = 'MRI'`,
  `"cmip6:source_id" = 'MRI-AGCM3-2-H'`,
  `"cmip6:experiment_id" = 'highresSST-present'`,
  `"cmip6:variant_label" = 'r1i1p1f1'`,
  `"cmip6:table_id" = '6hrPlevPt'`,
  `"cmip6:grid_label" = 'gn'`,
].join(" AND ");

function feature(id: string): Record<string, unknown> {
  return { type: "Feature", id, properties: {} };
}

function client(base: string, retries: Array<string> = []): StacClient {
  return new StacClient({
    baseUrl: base,
    timeout: 5,
    policy: POLICY,
    onRetry: (error) => retries.push(error.message),
  });
}

Deno.test("stacSearchFilter filters on the CMIP6 facets of the dataset id", () => {
  assert.equal(stacSearchFilter(DATASET), EXPECTED_FILTER);
  const dcpp = "CMIP6.DCPP.MOHC.HadGEM3-GC31-MM.dcppA-hindcast.s1960-r10i1p1f2.day.huss.gn";
  assert.match(stacSearchFilter(dcpp), /"cmip6:variant_label" = 'r10i1p1f2'/);
  assert.doesNotMatch(stacSearchFilter(dcpp), /variable_id/);
});

Deno.test("stacSearchFilter falls back to an id pattern for other projects", () => {
  const cordex =
    "CORDEX-CMIP6.DD.EUR-12.CLMcom-BTU.CNRM-ESM2-1.historical.r1i1p1f2.x.v1-r1.day.rsds";
  assert.equal(stacSearchFilter(cordex), `id LIKE '${cordex}.v%'`);
  assert.equal(stacSearchFilter("X.it's"), `id LIKE 'X.it''s.v%'`);
});

Deno.test("stacSearchPath encodes collection, limit and filter", () => {
  const url = new URL(`http://127.0.0.1${stacSearchPath("CMIP6", DATASET)}`);
  assert.equal(url.pathname, "/search");
  assert.equal(url.searchParams.get("collections"), "CMIP6");
  assert.equal(url.searchParams.get("limit"), "100");
  assert.equal(url.searchParams.get("filter-lang"), "cql2-text");
  assert.equal(url.searchParams.get("filter"), EXPECTED_FILTER);
  assert.ok(!url.search.includes("+"), "spaces are %20");
});

Deno.test("STAC lookup follows pagination and picks the newest lower version", async () => {
  const requests: URL[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen(): void {} }, (request) => {
    const url = new URL(request.url);
    requests.push(url);
    if (url.pathname !== "/stac/search") return new Response("not found", { status: 404 });
    if (url.searchParams.get("token") === "page2") {
      return Response.json({
        type: "FeatureCollection",
        features: [feature(`${DATASET}.v20190601`), feature(`${DATASET}.v20200101`)],
        links: [{ rel: "self", href: url.href }],
      });
    }
    const next = new URL(url.href);
    next.searchParams.set("token", "page2");
    return Response.json({
      type: "FeatureCollection",
      features: [
        feature(ITEM),
        feature(`${DATASET}.v20180101`),
        feature(`${DATASET}.v20190101`),
        feature(`${DATASET.replace(".psl.", ".tas.")}.v20190701`),
      ],
      links: [{ rel: "self", href: url.href }, { rel: "next", href: next.href, method: "GET" }],
    });
  });
  try {
    const base = `http://127.0.0.1:${server.addr.port}/stac/`;
    const lookup = createStacVersionLookup(client(base), { collection: "CMIP6" });
    assert.equal(await lookup.previousVersion(ITEM), `${DATASET}.v20190601`);
    assert.equal(requests.length, 2);
    for (const url of requests) {
      assert.equal(url.searchParams.get("collections"), "CMIP6");
      assert.equal(url.searchParams.get("limit"), "100");
      assert.equal(url.searchParams.get("filter-lang"), "cql2-text");
      assert.equal(url.searchParams.get("filter"), EXPECTED_FILTER);
    }
    assert.equal(requests[0].searchParams.get("token"), null);
    assert.equal(requests[1].searchParams.get("token"), "page2");

    requests.length = 0;
    assert.equal(await lookup.previousVersion(`${DATASET}.v20180101`), undefined);
    assert.equal(requests.length, 2);
  } finally {
    await server.shutdown();
  }
});

Deno.test("STAC lookup follows a relative next link and stops on a repeated page", async () => {
  let count = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen(): void {} }, () => {
    count++;
    return Response.json({
      features: [feature(`${DATASET}.v20190101`)],
      links: [{ rel: "next", href: "search?token=same" }],
    });
  });
  try {
    const lookup = createStacVersionLookup(client(`http://127.0.0.1:${server.addr.port}`), {
      collection: "CMIP6",
    });
    assert.equal(await lookup.previousVersion(ITEM), `${DATASET}.v20190101`);
    assert.equal(count, 2);
  } finally {
    await server.shutdown();
  }
});

Deno.test("STAC lookup refuses a next link that wants POST", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen(): void {} }, (request) => {
    return Response.json({
      features: [],
      links: [{ rel: "next", href: request.url, method: "POST", body: {} }],
    });
  });
  try {
    const lookup = createStacVersionLookup(client(`http://127.0.0.1:${server.addr.port}`), {
      collection: "CMIP6",
    });
    await assert.rejects(lookup.previousVersion(ITEM), PermanentError);
  } finally {
    await server.shutdown();
  }
});

Deno.test("STAC lookup: HTTP 503 is transient after the retries", async () => {
  let count = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen(): void {} }, () => {
    count++;
    return new Response("busy", { status: 503 });
  });
  try {
    const retries: string[] = [];
    const lookup = createStacVersionLookup(
      client(`http://127.0.0.1:${server.addr.port}`, retries),
      { collection: "CMIP6" },
    );
    await assert.rejects(lookup.previousVersion(ITEM), (error) => {
      assert.ok(error instanceof TransientExhaustedError);
      assert.equal(error.attempts, 2);
      assert.match(error.message, /503/);
      return true;
    });
    assert.equal(count, 2);
    assert.equal(retries.length, 1);
  } finally {
    await server.shutdown();
  }
});

Deno.test("STAC lookup: a stopped service is transient", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen(): void {} }, () => {
    return Response.json({ features: [] });
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  await server.shutdown();
  const retries: string[] = [];
  const lookup = createStacVersionLookup(client(base, retries), { collection: "CMIP6" });
  await assert.rejects(lookup.previousVersion(ITEM), (error) => {
    assert.ok(error instanceof TransientError);
    assert.ok(error instanceof TransientExhaustedError);
    assert.equal(error.attempts, 2);
    return true;
  });
  assert.equal(retries.length, 1);
});

Deno.test("STAC lookup: an answer without features is transient", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen(): void {} }, () => {
    return Response.json({ type: "Catalog" });
  });
  try {
    const lookup = createStacVersionLookup(client(`http://127.0.0.1:${server.addr.port}`), {
      collection: "CMIP6",
    });
    await assert.rejects(lookup.previousVersion(ITEM), TransientError);
  } finally {
    await server.shutdown();
  }
});
