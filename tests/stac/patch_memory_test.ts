/**
 * The size limit of a patched item bounds memory on the way, not only the result: a 2 KB
 * patch whose 30 `copy` operations double the item stops at the limit with the process
 * under 300 MB at its peak (each kind in a fresh process, its VmHWM read at the end).
 */

import assert from "node:assert/strict";

const PROBE = new URL("./patch_memory_probe.ts", import.meta.url).pathname;
const MAX_PEAK_BYTES = 300 * 1024 * 1024;

for (const kind of ["arrays", "objects", "assets"]) {
  Deno.test({
    name: `30 doubling copies (${kind}) stop at the size limit under 300 MB`,
    ignore: Deno.build.os !== "linux", // VmHWM is Linux's
    fn: async () => {
      const output = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-all", PROBE, kind],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(output.stdout);
      assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
      const { reason, peak, patchBytes } = JSON.parse(text);
      assert.ok(patchBytes < 3000, `a small patch (${patchBytes} bytes)`);
      assert.match(reason, /^invalid JSON Patch: operation \d+ \(copy .*\): makes the item larger/);
      console.log(`${kind}: peak ${(peak / 1024 / 1024).toFixed(0)} MB; ${reason.slice(0, 60)}`);
      assert.ok(peak > 0 && peak < MAX_PEAK_BYTES, `peak ${peak} bytes`);
    },
  });
}
