/** Logging: console level by switch, plain values, and a cleared line for the status line. */

import assert from "node:assert/strict";
import { getLogger } from "@logtape/logtape";
import { setupLogging } from "../../src/log/mod.ts";

Deno.test("console shows warnings by default, info with --verbose; clearLine prefixes each record", async () => {
  const quiet: string[] = [];
  let handle = await setupLogging({ console: (line) => quiet.push(line), logFile: false });
  const log = getLogger(["piddiplatsch", "test"]);
  log.info("hidden {x}", { x: "value" });
  log.warn("shown {x}", { x: "value" });
  await handle.close();
  assert.equal(quiet.length, 1);
  assert.match(quiet[0], /\[WRN\] piddiplatsch·test: shown value\n$/);

  const verbose: string[] = [];
  handle = await setupLogging({
    verbose: true,
    clearLine: true,
    logFile: false,
    console: (line) => verbose.push(line),
  });
  log.info("now {x}", { x: "visible" });
  await handle.close();
  assert.equal(verbose.length, 1);
  assert.ok(verbose[0].startsWith("\r\x1b[2K"), JSON.stringify(verbose[0]));
  assert.match(verbose[0], /now visible/);
});
