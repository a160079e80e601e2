/**
 * The Python tool's own configuration files, unchanged: each passes `config validate`
 * and drives `map --dry-run` over the project's samples. Old key names are read as
 * today's; keys that mean nothing any more get one warning each. The files are not the
 * project's: where they are absent these tests are ignored (see tests/fixtures/python_tool.ts).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { loadLayers } from "../../src/config/mod.ts";
import { readJsonLines, runCli, summaryCount } from "../helpers.ts";
import { SAMPLE_PROJECTS, samplePath } from "../fixtures/projects.ts";
import { pythonToolTest } from "../fixtures/python_tool.ts";

const SAMPLES = SAMPLE_PROJECTS.map(samplePath);

/**
 * A stand-in for the STAC API the Python defaults name (a remote service a test must not
 * reach): the catalogue root for the start-up probe and an empty search for the lookup.
 */
function startStacStandIn(): { url: string; paths: string[]; close(): Promise<void> } {
  const paths: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const path = new URL(request.url).pathname;
    paths.push(path);
    if (path === "/search") return Response.json({ type: "FeatureCollection", features: [] });
    return Response.json({ type: "Catalog", id: "stand-in", stac_version: "1.1.0", links: [] });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    paths,
    close: () => server.shutdown(),
  };
}

for (const name of ["default.toml", "esgf-example.toml", "observe.toml", "tests-config.toml"]) {
  pythonToolTest(
    `the Python tool's ${name} validates and drives map --dry-run over the samples`,
    async (seeds) => {
      const dir = await Deno.makeTempDir();
      const stac = startStacStandIn();
      try {
        const seed = join(seeds, name);
        const valid = await runCli(["-c", seed, "config", "validate"], { cwd: dir });
        assert.equal(valid.code, 0, `${name}:\n${valid.stdout}`);
        assert.doesNotMatch(valid.stdout, /^error/m);
        // The file as is, then one layer that points the STAC API at the stand-in.
        const local = join(dir, "local.toml");
        await Deno.writeTextFile(local, `[stac]\nbase_url = "${stac.url}"\n`);
        const run = await runCli(["-c", seed, "-c", local, "map", "--dry-run", ...SAMPLES], {
          cwd: dir,
        });
        assert.equal(run.code, 0, `${name}: ${run.stderr}`);
        const lines = await readJsonLines(join(dir, "outputs", "handles"));
        assert.ok(lines.length > 0, `${name}: no records`);
        assert.deepEqual([...new Set(lines.map((l) => l.project))], ["cmip6"], name);
        assert.equal(summaryCount(run.stderr, "filtered"), 3, name);
        assert.equal(summaryCount(run.stderr, "errors"), 0, `${name}: ${run.stderr}`);
        if (name === "default.toml") {
          // preflight_stac and the stac lookup of the Python defaults went to the STAC API.
          assert.ok(stac.paths.includes("/"), "no preflight probe");
          assert.ok(stac.paths.includes("/search"), "no previous-version lookup");
        }
      } finally {
        await stac.close();
        await Deno.remove(dir, { recursive: true });
      }
    },
  );
}

Deno.test("old names are aliases; obsolete keys are dropped with one warning each", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "old.toml");
    await Deno.writeTextFile(
      path,
      [
        "[consumer]",
        'retry_topic = "CMIP6-retry"',
        "[elasticsearch]",
        'base_url = "http://es.example.org:9200"',
        "[cmip6]",
        "max_parts = 7",
        'preferred_asset_keys = ["data0001"]',
      ].join("\n"),
    );
    const layers = await loadLayers({ configFile: path, systemFile: "/nonexistent", env: {} });
    const es = layers.tree.elasticsearch as Record<string, unknown>;
    assert.equal(es.url, "http://es.example.org:9200");
    assert.equal("base_url" in es, false);
    const plugins = layers.tree.plugins as Record<string, Record<string, unknown>>;
    assert.equal(plugins.cmip6.max_parts, 7);
    assert.equal("cmip6" in layers.tree, false);
    assert.deepEqual(
      layers.notes.map((n) => [n.key, n.origin]),
      [["consumer.retry_topic", path], ["plugins.cmip6.preferred_asset_keys", path]],
    );
    const run = await runCli(["-c", path, "config", "validate"], { cwd: dir });
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stdout, /^warning: consumer\.retry_topic: ignored: there is no retry topic/m);
    assert.match(run.stdout, /^warning: plugins\.cmip6\.preferred_asset_keys: ignored: /m);
    assert.equal(run.stdout.split("retry_topic").length - 1, 1, "one warning");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
