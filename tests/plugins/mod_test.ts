import assert from "node:assert/strict";
import { createPlugin, PLUGIN_NAMES } from "../../src/plugins/mod.ts";

Deno.test("createPlugin creates the cmip6 plugin by name, with options", () => {
  assert.deepEqual(PLUGIN_NAMES, ["cmip6"]);
  const plugin = createPlugin("cmip6", { esgfMarker: "X" });
  assert.equal(plugin.name, "cmip6");
  assert.ok(plugin.accepts("CMIP6"));
  assert.equal(createPlugin("CMIP6", {}).name, "cmip6");
});

Deno.test("createPlugin throws for an unknown name", () => {
  assert.throws(() => createPlugin("cordex", {}), /unknown processor "cordex"/);
});
