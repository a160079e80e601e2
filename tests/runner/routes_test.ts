import assert from "node:assert/strict";
import { join } from "node:path";
import { type Config, loadConfig } from "../../src/config/mod.ts";
import { ConfigurationError } from "../../src/errors/mod.ts";
import { buildRoutes, isDryRun, selectedProjects } from "../../src/runner/mod.ts";
import { StacClient } from "../../src/stac/mod.ts";
import { AmendingRegistrar, JsonlRegistrar } from "../../src/register/mod.ts";
import { startStacServer } from "../fixtures/stac_server.ts";
import { profilesToml } from "../fixtures/profiles.ts";

const POLICY = { retries: 0, backoffInitial: 0, backoffMax: 0 };

async function configOf(toml: string): Promise<Config> {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "c.toml");
    await Deno.writeTextFile(path, toml);
    const { config } = await loadConfig({
      configFile: path,
      systemFile: "/nonexistent/piddiplatsch.toml",
      env: {},
    });
    return config;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const TOML = '[consumer]\nprojects = "all"\n' + profilesToml({
  projects: "all",
  default: "a",
  profiles: [
    { name: "a", url: "http://127.0.0.1:9", prefix: "21.14100", password: "x" },
    { name: "b", url: "http://127.0.0.1:9", prefix: "21.14107", password: "y" },
  ],
  assign: { cmip7: "b" },
});
const LOOKUP = '[lookup]\nenabled = true\n[stac]\ncollection = "CMIP6-ALL"\n';

Deno.test("one client per profile: projects on one profile share it, others get their own", async () => {
  const config = await configOf(TOML);
  const { routes, registrars } = buildRoutes(config, {
    outputDir: "unused",
    policy: POLICY,
    onRetry: () => {},
    switches: {},
  });
  const by = new Map(routes.map((r) => [r.plugin.name, r]));
  assert.deepEqual([...by.keys()], ["cmip6", "cmip6plus", "cmip7", "cordex-cmip6"]);
  assert.equal(by.get("cmip6")!.registrar, by.get("cmip6plus")!.registrar);
  assert.notEqual(by.get("cmip6")!.registrar, by.get("cmip7")!.registrar);
  assert.equal(by.get("cmip7")!.prefix, "21.14107");
  assert.equal(by.get("cmip7")!.profile, "b");
  assert.equal(registrars.length, 2);
  // a Handle server's registrar amends retractions around the REST registrar
  assert.ok(registrars.every((r) => r instanceof AmendingRegistrar));
  await Promise.all(registrars.map((r) => r.close()));

  const dry = buildRoutes(config, {
    outputDir: await Deno.makeTempDir(),
    policy: POLICY,
    onRetry: () => {},
    switches: { dryRun: true, handleProfile: "b" },
  });
  assert.ok(dry.routes.every((r) => r.profile === "b" && r.prefix === "21.14107"));
  assert.equal(dry.registrars.length, 1);
  assert.ok(dry.registrars[0] instanceof JsonlRegistrar);
  await dry.registrars[0].close();
});

Deno.test("selection switches: --project, --all-projects; dry run when every profile is jsonl", async () => {
  const config = await configOf(TOML);
  const names = (switches: Parameters<typeof selectedProjects>[1]): string[] =>
    selectedProjects(config, switches).map((s) => s.project.name);
  assert.deepEqual(names({ project: ["cmip7"] }), ["cmip7"]);
  assert.deepEqual(names({ allProjects: true, project: ["cmip7"] }).length, 4);
  assert.throws(() => names({ handleProfile: "c" }), ConfigurationError);
  assert.equal(isDryRun(config, {}), false);
  const jsonl = await configOf(
    TOML.replace("[handles.defaults]\n", '[handles.defaults]\nbackend = "jsonl"\n')
      .replace('backend = "rest"\n', ""),
  );
  assert.equal(isDryRun(jsonl, { project: ["cmip7"] }), true);
});

Deno.test("each project's previous-version lookup searches its [plugins.NAME.stac] collection", async () => {
  const stacServer = startStacServer([]);
  try {
    const config = await configOf(
      TOML + LOOKUP.replace("[stac]\n", `[stac]\nbase_url = "${stacServer.url}"\n`),
    );
    const stac = new StacClient({ baseUrl: stacServer.url, timeout: 2, policy: POLICY });
    const { routes, registrars } = buildRoutes(config, {
      outputDir: "unused",
      policy: POLICY,
      onRetry: () => {},
      stac,
      switches: {},
    });
    await Promise.all(registrars.map((r) => r.close()));
    for (const route of routes) {
      await route.lookup!.previousVersion(`${route.plugin.name}.x.v20200101`).catch(() => {});
    }
    const collections = stacServer.queries.map((query) =>
      new URLSearchParams(query).get("collections")
    );
    assert.deepEqual(collections, ["CMIP6-ALL", "CMIP6Plus", "CMIP7", "CORDEX-CMIP6"]);
  } finally {
    await stacServer.stop();
  }
});
