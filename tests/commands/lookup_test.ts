/**
 * `[lookup]` wired end to end through `map --dry-run`: the STAC API and an
 * Elasticsearch `_search` endpoint served by the test on 127.0.0.1.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { makeCmip6Event, testItemId } from "../fixtures/events.ts";
import { makeWorkspace, readJsonLines, runCli } from "../helpers.ts";

const current = testItemId("lookup", 1).replace(/v\d+$/, "v20240101");
const datasetId = current.slice(0, current.lastIndexOf("."));
const versions = ["v20190101", "v20230601", "v20240101", "v20250101"];

async function mapWithLookup(
  toml: Record<string, string[]>,
  stacUrl?: string,
): Promise<{ code: number; previous?: unknown; stderr: string }> {
  const ws = await makeWorkspace({ sections: toml, stacUrl });
  try {
    await Deno.writeTextFile(
      join(ws.dir, "e.json"),
      JSON.stringify(makeCmip6Event({ files: 1, itemId: current })),
    );
    const run = await runCli(["-c", ws.config, "map", "--dry-run", "e.json"], { cwd: ws.dir });
    const lines = await readJsonLines(join(ws.dir, "outputs", "handles"));
    const dataset = lines.find((l) =>
      (l.data as Record<string, unknown>).AGGREGATION_LEVEL === "DATASET"
    );
    return {
      code: run.code,
      previous: (dataset?.data as Record<string, unknown>)?.PREVIOUS_VERSION,
      stderr: run.stderr,
    };
  } finally {
    await ws.remove();
  }
}

Deno.test("lookup stac: PREVIOUS_VERSION is the newest lower version found by item search", async () => {
  const seen: string[] = [];
  const stac = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen(): void {} }, (request) => {
    const url = new URL(request.url);
    seen.push(url.pathname + url.search);
    if (url.pathname !== "/search") return Response.json({}, { status: 404 });
    return Response.json({
      type: "FeatureCollection",
      features: versions.map((v) => ({ id: `${datasetId}.${v}` })),
      links: [],
    });
  });
  try {
    const result = await mapWithLookup({
      lookup: ["enabled = true", 'backend = "stac"'],
      stac: ['collection = "CMIP6"'],
    }, `http://127.0.0.1:${stac.addr.port}`);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.previous, `${datasetId}.v20230601`);
    assert.ok(seen.some((s) => s.startsWith("/search?collections=CMIP6")), seen.join(" "));
  } finally {
    await stac.shutdown();
  }
});

Deno.test("lookup es: term query on DATASET_ID; an unreachable index stops the run as transient", async () => {
  const bodies: unknown[] = [];
  const es = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen(): void {} },
    async (request) => {
      bodies.push(await request.json());
      return Response.json({
        hits: {
          total: { value: versions.length },
          hits: versions.map((v) => ({ _source: { DATASET_ID: datasetId, DATASET_VERSION: v } })),
        },
      });
    },
  );
  try {
    const esSections = (url: string): Record<string, string[]> => ({
      lookup: ["enabled = true", 'backend = "es"'],
      elasticsearch: [`url = "${url}"`, 'index = "pids"'],
    });
    const result = await mapWithLookup(esSections(`http://127.0.0.1:${es.addr.port}`));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.previous, `${datasetId}.v20230601`);
    assert.deepEqual((bodies[0] as { query: unknown }).query, { term: { DATASET_ID: datasetId } });

    await es.shutdown();
    const down = await mapWithLookup(esSections(`http://127.0.0.1:${es.addr.port}`));
    assert.equal(down.code, 3, down.stderr);
    assert.match(down.stderr, /TRANSIENT Elasticsearch .*connection refused/);
  } finally {
    await es.shutdown().catch(() => {});
  }
});
