import assert from "node:assert/strict";
import { ConfigurationError } from "../../src/errors/mod.ts";
import { createVersionLookup } from "../../src/lookup/mod.ts";
import { StacClient } from "../../src/stac/mod.ts";

const DATASET = "CMIP6.CMIP.MRI.MRI-ESM2-0.historical.r1i1p1f1.Amon.tas.gn";
const POLICY = { retries: 0, backoffInitial: 0, backoffMax: 0 };

Deno.test("createVersionLookup needs the settings of its backend", () => {
  assert.throws(() => createVersionLookup({ backend: "stac", policy: POLICY }), ConfigurationError);
  assert.throws(() => createVersionLookup({ backend: "es", policy: POLICY }), ConfigurationError);
});

Deno.test("createVersionLookup asks the configured backend", async () => {
  const paths: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen(): void {} },
    async (request) => {
      await request.text();
      const path = new URL(request.url).pathname;
      paths.push(path);
      if (path === "/search") {
        return Response.json({ features: [{ id: `${DATASET}.v20190101` }], links: [] });
      }
      const hit = { _source: { DATASET_ID: DATASET, DATASET_VERSION: "v20180101" } };
      return Response.json({ hits: { total: { value: 1 }, hits: [hit] } });
    },
  );
  try {
    const base = `http://127.0.0.1:${server.addr.port}`;
    const stac = createVersionLookup({
      backend: "stac",
      stac: new StacClient({ baseUrl: base, timeout: 5, policy: POLICY }),
      collection: "CMIP6",
      policy: POLICY,
    });
    const es = createVersionLookup({
      backend: "es",
      es: { url: base, index: "pids", timeout: 5 },
      policy: POLICY,
    });
    assert.equal(await stac.previousVersion(`${DATASET}.v20200101`), `${DATASET}.v20190101`);
    assert.equal(await es.previousVersion(`${DATASET}.v20200101`), `${DATASET}.v20180101`);
    assert.deepEqual(paths, ["/search", "/pids/_search"]);
  } finally {
    await server.shutdown();
  }
});
