/**
 * The outage settings of `consume`: it waits by default (`on_outage = "wait"`, the bounds
 * of `max_waiting`, the probe delays); "stop" keeps the Python tool's exit 3.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { type Config, loadConfig } from "../../src/config/mod.ts";
import { outageOptions } from "../../src/runner/mod.ts";

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

Deno.test('outageOptions: wait by default with the packaged bounds; none for "stop"', async () => {
  const defaults = outageOptions(await configOf(""));
  assert.deepEqual(defaults, {
    policy: { probeInitial: 1, probeMax: 10 },
    maxEvents: 5000,
    maxBytes: 64 * 1024 * 1024,
    observer: undefined,
  });
  const tuned = outageOptions(
    await configOf("[consumer]\nmax_waiting = 7\n[consumer.transient]\nprobe_max = 3.0\n"),
  );
  assert.equal(tuned?.maxEvents, 7);
  assert.equal(tuned?.policy.probeMax, 3);
  const stop = await configOf('[consumer.transient]\non_outage = "stop"\n');
  assert.equal(outageOptions(stop), undefined);
});
