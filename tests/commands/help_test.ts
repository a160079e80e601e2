/** `--help` lists the configuration layers, the PIDDI_* variables and the exit codes. */

import assert from "node:assert/strict";
import { SECRET_ENV, SYSTEM_CONFIG_FILE } from "../../src/config/mod.ts";
import { EXIT } from "../../src/exit/mod.ts";
import { runCli } from "../helpers.ts";

Deno.test("--help lists configuration layers, environment variables and exit codes", async () => {
  const help = await runCli(["--help"]);
  assert.equal(help.code, 0, help.stderr);
  const text = help.stdout;
  const layers = ["packaged defaults", SYSTEM_CONFIG_FILE, "-c/--config FILE"];
  const at = layers.map((l) => text.indexOf(l));
  assert.ok(at.every((i) => i > 0), text);
  assert.deepEqual([...at].sort((a, b) => a - b), at, "layers in order");
  for (const [name, [section]] of Object.entries(SECRET_ENV)) {
    assert.match(text, new RegExp(`${name}\\s+\\[${section}\\]`));
  }
  assert.match(text, /PIDDI_HANDLE_<PROFILE>_PASSWORD\s+\[handles\.profiles\.<profile>\] password/);
  for (const code of Object.values(EXIT)) assert.match(text, new RegExp(`^  ${code}  \\S`, "m"));
  assert.match(text, /^ {2}1 {2}events failed/m);
  assert.match(text, /^ {2}2 {2}usage or configuration: bad flag.*TLS\/SASL handshake/m);
  const consume = await runCli(["consume", "--help"]);
  assert.match(consume.stdout, /--listen <host:port>/);
});
