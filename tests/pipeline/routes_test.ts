import assert from "node:assert/strict";
import { OTHER_PROJECT, routerOf } from "../../src/pipeline/mod.ts";
import { createPlugin, findProject } from "../../src/projects/mod.ts";
import { JsonlRegistrar } from "../../src/register/mod.ts";

Deno.test("routerOf: selected projects get their route; others a name to be counted under", async () => {
  const dir = await Deno.makeTempDir();
  const registrar = new JsonlRegistrar(dir);
  try {
    const cmip7 = { plugin: createPlugin("cmip7"), registrar, prefix: "21.14107", profile: "p7" };
    const router = routerOf([cmip7], {
      knownName: (project) => findProject(project)?.name,
      maxUnknown: 2,
    });
    assert.equal(router.route("CMIP7").route, cmip7);
    assert.deepEqual(router.route("cmip7").name, "cmip7");
    assert.deepEqual(router.route("CORDEX-CMIP6"), { name: "cordex-cmip6", route: undefined });
    assert.equal(router.route("obs4MIPs").name, "obs4mips");
    assert.equal(router.route("input4MIPs").name, "input4mips");
    assert.equal(router.route("another").name, OTHER_PROJECT, "beyond maxUnknown");
    assert.equal(router.route("obs4mips").name, "obs4mips", "a name already seen keeps its own");
    assert.equal(routerOf([]).route("has spaces / slashes").name, OTHER_PROJECT);
  } finally {
    await registrar.close();
    await Deno.remove(dir, { recursive: true });
  }
});
