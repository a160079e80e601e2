/** Projects and Handle profiles in the configuration: layers, inheritance, secrets, checks. */

import assert from "node:assert/strict";
import { join } from "node:path";
import { type Config, loadLayers, validateConfig } from "../../src/config/mod.ts";
import { handleProfiles, profileNameFor } from "../../src/config/profiles.ts";
import { profilesToml, projectsLine } from "../fixtures/profiles.ts";
import { runCli } from "../helpers.ts";

const PROJECTS_MD = `[consumer]
${projectsLine(["cmip6", "cmip7"])}
${
  profilesToml({
    projects: ["cmip6", "cmip7"],
    default: "dkrz",
    profiles: [
      { name: "dkrz", url: "https://handle.example.org:8000", prefix: "21.14100", password: "p1" },
      { name: "cmip7", url: "https://handle7.example.org:8000", prefix: "21.14107" },
    ],
    assign: { cmip7: "cmip7" },
  })
}
[plugins.cmip7.stac]
collection = "CMIP7"
`;

async function withFile<T>(toml: string, work: (path: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "piddiplatsch.toml");
    await Deno.writeTextFile(path, toml);
    return await work(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function check(
  toml: string,
  env: Record<string, string> = {},
): Promise<ReturnType<typeof validateConfig>> {
  return await withFile(toml, async (path) => {
    const layers = await loadLayers({
      configFile: path,
      systemFile: "/nonexistent/piddiplatsch.toml",
      env,
    });
    return validateConfig(layers.tree, { defaults: layers.defaults });
  });
}

function keysOf(problems: Array<{ level: string; key: string }>, level: string): string[] {
  return problems.filter((p) => p.level === level).map((p) => p.key);
}

Deno.test("the projects.md form: profiles inherit [handles.defaults]; each project its profile", async () => {
  const { config, problems } = await check(PROJECTS_MD, { PIDDI_HANDLE_CMIP7_PASSWORD: "p7" });
  assert.ok(config, JSON.stringify(problems));
  const profiles = handleProfiles(config);
  const cmip7 = profiles.get(profileNameFor(config, "cmip7"))!;
  assert.equal(cmip7.name, "cmip7");
  assert.equal(cmip7.prefix, "21.14107");
  assert.equal(cmip7.password, "p7", "PIDDI_HANDLE_CMIP7_PASSWORD");
  assert.equal(cmip7.timeout, 5, "from [handles.defaults]");
  assert.equal(cmip7.concurrency, 8, "the fallback");
  assert.equal(profileNameFor(config, "cmip6"), "dkrz", "handles.default");
  assert.equal(profileNameFor(config, "cmip7", "dkrz"), "dkrz", "--handle-profile wins");
  assert.equal(config.plugins.cmip7.stac.collection, "CMIP7");
  assert.deepEqual(keysOf(problems, "error"), []);
  // production prefixes match: no prefix warning
  assert.ok(!problems.some((p) => /production prefix/.test(p.message)), JSON.stringify(problems));
});

Deno.test("secrets: PIDDI_HANDLE_<NAME>_PASSWORD per profile, PIDDI_HANDLE_PASSWORD the default's", async () => {
  const toml = PROJECTS_MD.replace('password = "p1"\n', "") +
    '[handles.profiles.cordex-eu]\nserver_url = "https://h.example.org"\nprefix = "21.14103"\nusername = "300:21.14103/u"\n';
  const { config } = await check(toml, {
    PIDDI_HANDLE_PASSWORD: "default-secret",
    PIDDI_HANDLE_CMIP7_PASSWORD: "seven",
    PIDDI_HANDLE_CORDEX_EU_PASSWORD: "cordex",
  });
  assert.ok(config);
  const profiles = handleProfiles(config as Config);
  assert.equal(profiles.get("dkrz")!.password, "default-secret");
  assert.equal(profiles.get("cmip7")!.password, "seven");
  assert.equal(profiles.get("cordex-eu")!.password, "cordex");
  assert.equal(profiles.get("default")!.password, "default-secret", "[handle] keeps it too");
});

Deno.test('processor = "cmip6" means projects = ["cmip6"]; projects wins when both are set', async () => {
  const legacy = await check('[consumer]\nprocessor = "cmip7"\n');
  assert.deepEqual(legacy.config?.consumer.projects, ["cmip7"]);
  const both = await check('[consumer]\nprocessor = "cmip6"\nprojects = "all"\n');
  assert.equal(both.config?.consumer.projects, "all");
});

Deno.test("checks: unknown project, unknown profile, missing password, key typos", async () => {
  const unknown = await check('[consumer]\nprojects = ["cmip6", "cmip-7"]\n');
  const reason = unknown.problems.find((p) => p.key === "consumer.projects");
  assert.match(reason?.message ?? "", /unknown project "cmip-7" \(did you mean cmip7\?\)/);
  const profile = await check(
    '[consumer]\nprojects = ["cmip7"]\n[plugins.cmip7]\nhandle = "nope"\n',
  );
  assert.match(
    profile.problems.find((p) => p.key === "plugins.cmip7.handle")?.message ?? "",
    /no Handle profile "nope" \(known: default\)/,
  );
  const noPassword = await check(PROJECTS_MD);
  assert.match(
    noPassword.problems.find((p) => p.key === "handles.profiles.cmip7.password")?.message ?? "",
    /needs a password \(or PIDDI_HANDLE_CMIP7_PASSWORD\)/,
  );
  const typo = await check(PROJECTS_MD.replace('prefix = "21.14100"', 'prefx = "21.14100"'));
  assert.match(
    typo.problems.find((p) => p.key === "handles.profiles.dkrz.prefx")?.message ?? "",
    /did you mean handles\.profiles\.dkrz\.prefix\?/,
  );
  const plugin = await check('[plugins.cmip77]\nhandle = "x"\n');
  assert.match(
    plugin.problems.find((p) => p.key === "plugins.cmip77")?.message ?? "",
    /did you mean plugins\.cmip7\?/,
  );
  const badDefault = await check('[handles]\ndefault = "nope"\n');
  assert.ok(keysOf(badDefault.problems, "error").includes("handles.default"));
});

Deno.test("warnings: a prefix shared on two servers; a prefix that is not the production one", async () => {
  const toml = `[consumer]\nprojects = "all"\n${
    profilesToml({
      projects: "all",
      default: "a",
      profiles: [
        { name: "a", url: "https://a.example.org", prefix: "21.14100", password: "x1" },
        { name: "b", url: "https://b.example.org", prefix: "21.14100", password: "x2" },
      ],
      assign: { cmip6plus: "b" },
    })
  }`;
  const { config, problems } = await check(toml);
  assert.ok(config, JSON.stringify(problems));
  const shared = problems.find((p) => /also used by profile/.test(p.message));
  assert.equal(shared?.level, "warning");
  assert.match(shared!.message, /prefix 21\.14100 is also used by profile a on another server/);
  const production = problems.filter((p) => /production prefix/.test(p.message));
  assert.deepEqual(production.map((p) => p.key).sort(), [
    "plugins.cmip7.handle",
    "plugins.cordex-cmip6.handle",
  ]);
  assert.ok(production.every((p) => p.level === "warning"));
});

Deno.test("config show redacts every profile's password; config validate passes the projects.md form", async () => {
  await withFile(PROJECTS_MD, async (path) => {
    const env = { PIDDI_HANDLE_CMIP7_PASSWORD: "seven-secret" };
    const shown = await runCli(["-c", path, "config", "show", "--format", "json"], { env });
    assert.equal(shown.code, 0, shown.stderr);
    assert.ok(!shown.stdout.includes("seven-secret"));
    const tree = JSON.parse(shown.stdout);
    assert.equal(tree.handles.profiles.dkrz.password, "***");
    assert.equal(tree.handles.profiles.cmip7.password, "***");
    const valid = await runCli(["-c", path, "config", "validate"], { env });
    assert.equal(valid.code, 0, valid.stdout + valid.stderr);
    const invalid = await runCli(["-c", path, "config", "validate"]);
    assert.equal(invalid.code, 2, "without the cmip7 password the file is invalid");
    assert.match(invalid.stdout, /handles\.profiles\.cmip7\.password/);
  });
});

Deno.test("--project with an unknown name and --handle-profile with an unknown profile exit 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "e.json");
    await Deno.writeTextFile(file, "{}");
    const project = await runCli(["map", "--dry-run", "--project", "cmip8", file], { cwd: dir });
    assert.equal(project.code, 2, project.stderr);
    assert.match(project.stderr, /unknown project "cmip8" \(did you mean cmip[67]\?\)/);
    const profile = await runCli(["map", "--handle-profile", "nope", file], { cwd: dir });
    assert.equal(profile.code, 2, profile.stderr);
    assert.match(profile.stderr, /--handle-profile: no Handle profile "nope"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
