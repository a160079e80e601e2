/**
 * `config validate` in one pass: unknown `[kafka]` keys against librdkafka's property
 * set, `[plugins.*]` and `[handles.*]` keys, type errors and cross checks together,
 * demo credentials only where a REST profile would send them, exit 2 on errors; and
 * `config show --origin`.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { loadLayers, suggest, validateConfig } from "../../src/config/mod.ts";
import { runCli } from "../helpers.ts";

async function withFile(toml: string, work: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "site.toml");
    await Deno.writeTextFile(path, toml);
    await work(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("config validate reports every problem in one pass and exits 2", async () => {
  const toml = [
    "[consumer]",
    'max_errors = "ten"',
    "[kafka]",
    '"bootstrap.servers" = "nohost"',
    '"bootstrap.server" = "x:1"',
    'group_id = "g"',
    '"fetch.wait.max.ms" = 100',
    "[plugins.cmip6]",
    "max_part = 3",
    "[handles.profiles.site]",
    'prefx = "21.1"',
    "[stat]",
    "interval_seconds = 1",
  ].join("\n");
  await withFile(toml, async (path) => {
    const run = await runCli(["-c", path, "config", "validate"]);
    assert.equal(run.code, 2, run.stdout);
    const lines = run.stdout.trim().split("\n");
    const expected = [
      /^error: consumer\.max_errors: /,
      /^error: kafka\.bootstrap\.servers: expected a comma-separated host:port list/,
      /^error: plugins\.cmip6\.max_part: unknown key \(did you mean plugins\.cmip6\.max_parts\?\)$/,
      /^error: handles\.profiles\.site\.prefx: unknown key \(did you mean .*prefix\?\)$/,
      /^error: stat: unknown key \(did you mean stats\?\)$/,
      /^warning: kafka\.bootstrap\.server: not a librdkafka property, ignored \(did you mean "bootstrap\.servers"\?\)$/,
      /^warning: kafka\.group_id: not a librdkafka property, ignored \(did you mean "group\.id"\?\)$/,
    ];
    for (const pattern of expected) {
      assert.ok(lines.some((l) => pattern.test(l)), `${pattern}\n${run.stdout}`);
    }
    assert.ok(!lines.some((l) => l.includes("fetch.wait.max.ms")), "a librdkafka key is fine");
    assert.match(
      lines[lines.length - 1],
      /^configuration invalid: \d+ error\(s\), \d+ warning\(s\)$/,
    );
  });
});

Deno.test("demo credentials are flagged only where a REST profile would send them", async () => {
  const layers = (toml: string, env: Record<string, string> = {}) =>
    withFile(toml, async (path) => {
      const loaded = await loadLayers({ configFile: path, systemFile: "/nonexistent", env });
      const { problems } = validateConfig(loaded.tree, {
        defaults: loaded.defaults,
        notes: loaded.notes,
        origins: loaded.origins,
      });
      results.push(problems.some((p) => /demo credentials/.test(p.message)));
    });
  const results: boolean[] = [];
  await layers("");
  await layers('[handle]\nbackend = "jsonl"\n');
  await layers("", { PIDDI_HANDLE_PASSWORD: "from-the-environment" });
  // A profile no selected project uses.
  await layers(
    '[handles.profiles.spare]\nserver_url = "http://127.0.0.1:1"\nprefix = "21.T"\n' +
      'username = "300:21.T/testuser"\npassword = "testpass"\n' +
      '[handle]\nusername = "300:21.TEST/real"\npassword = "real"\n',
  );
  assert.deepEqual(results, [true, false, false, false]);
});

Deno.test("suggest: underscores as dots, prefixes first", () => {
  assert.equal(suggest("stat", ["stac", "stats", "schema"]), "stats");
  assert.equal(suggest("group_id", ["group.id", "client.id"]), "group.id");
  assert.equal(suggest("zzzzzz", ["stats"]), undefined);
});

Deno.test("config show --origin names the layer of every value", async () => {
  await withFile('[handle]\nprefix = "21.SITE"\n[kafka]\n"group.id" = "site"\n', async (path) => {
    const run = await runCli(["-c", path, "config", "show", "--origin"], {
      env: { PIDDI_HANDLE_PASSWORD: "secret-from-env" },
    });
    assert.equal(run.code, 0, run.stderr);
    const line = (key: string): string =>
      run.stdout.split("\n").find((l) => l.startsWith(`${key} = `)) ?? "";
    assert.match(line("handle.prefix"), /= "21\.SITE"\s+# .*site\.toml$/);
    assert.match(line('kafka."group.id"'), /= "site"\s+# .*site\.toml$/);
    assert.match(line("consumer.topic"), /# packaged defaults$/);
    assert.match(line("handle.password"), /= "\*\*\*"\s+# \$PIDDI_HANDLE_PASSWORD$/);
    assert.doesNotMatch(run.stdout, /secret-from-env/);
    const json = await runCli(
      ["-c", path, "config", "show", "--origin", "--format", "json", "--section", "handle"],
    );
    const parsed = JSON.parse(json.stdout);
    assert.deepEqual(parsed["handle.prefix"], { value: "21.SITE", origin: path });
    assert.ok(Object.keys(parsed).every((k) => k.startsWith("handle.")));
  });
});
