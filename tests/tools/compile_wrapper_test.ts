/**
 * `deno task compile` without a usable denort: one line saying what is missing and how
 * to point `DENORT_BIN` at one, not Deno's five-level error.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { compileFailureLine, denortLine } from "../../tools/compile.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

Deno.test("deno task compile with DENORT_BIN naming no file: one line, exit 1", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "compile"],
    cwd: ROOT,
    env: { DENORT_BIN: "/nonexistent/denort", NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const text = new TextDecoder().decode(output.stderr) + new TextDecoder().decode(output.stdout);
  assert.equal(output.code, 1, text);
  assert.equal(text.trim().split("\n").length, 1, text);
  assert.match(text, /^compile: DENORT_BIN=\/nonexistent\/denort: no such file; point it at/);
});

Deno.test("a failed download of denort becomes the one DENORT_BIN line", () => {
  // Deno's error when it cannot download denort, as printed offline (a test must not
  // reach the network to produce it).
  const offline = [
    "\x1b[1m\x1b[31merror\x1b[0m: Writing deno compile executable to temporary file 'dist/x.tmp'",
    "",
    "Caused by:",
    "    0: Setting up base binary.",
    "    1: error sending request for url (https://dl.deno.land/release/v2.9.6/denort.zip)",
    "    2: client error (Connect)",
    "",
    "Stack backtrace:",
    "   0: <unknown>",
  ].join("\n");
  const line = compileFailureLine(offline);
  assert.equal(line, denortLine());
  assert.match(line, /needs denort .* DENORT_BIN=\/path\/to\/denort deno task compile$/);
  assert.equal(line.split("\n").length, 1);
  assert.equal(
    compileFailureLine('\x1b[31merror\x1b[0m: Module not found "x.ts"\n  at main.ts:1'),
    'compile: deno compile failed: error: Module not found "x.ts"',
  );
});
