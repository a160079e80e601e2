/** A TOML syntax error names file, line, column and key, and never prints the line's text. */

import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigFileError, parseToml } from "../../src/config/load.ts";
import { runCli } from "../helpers.ts";

const SECRET = "s3cret-Pa55";

Deno.test("parseToml: line, column and key of a syntax error, never the secret on that line", () => {
  const cases: Array<[string, RegExp]> = [
    [`[handle]\npassword = "${SECRET}\nx = 1\n`, /line 2, column \d+ \(key handle\.password\)/],
    [
      `[handle]\npassword = ${SECRET}\n`,
      /line 2, column 12 \(key handle\.password\): invalid value/,
    ],
    [`[handle]\nusername = "u"\n  password "${SECRET}"\n`, /line 3, .*\(in table \[handle\]\)/],
    [`[kafka]\n"sasl.password" = "${SECRET}" junk\n`, /line 2, .*\(key kafka\."sasl\.password"\)/],
    [`[a]\nx = 1\n[a]\n`, /line 3, column \d+ \(table \[a\]\): .*redefine/],
    [`password = '${SECRET}`, /line 1, .*\(key password\)/],
  ];
  for (const [text, expected] of cases) {
    assert.throws(() => parseToml(text, "site.toml"), (error: unknown) => {
      assert.ok(error instanceof ConfigFileError);
      assert.match(error.message, /^site\.toml: invalid TOML at /);
      assert.match(error.message, expected);
      assert.ok(!error.message.includes(SECRET), error.message);
      assert.ok(!error.message.includes(SECRET.slice(0, 6)), error.message);
      assert.ok(!error.message.includes("\n"), "one line");
      return true;
    });
  }
});

Deno.test("a broken file: config validate and map exit 2; the key named, the password not printed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "site.toml");
    await Deno.writeTextFile(file, `[handle]\nprefix = "21.T"\npassword = "${SECRET}\n`);
    for (const [args, code] of [[["config", "validate"], 2], [["map", "x.jsonl"], 2]] as const) {
      const run = await runCli(["-c", file, ...args], { cwd: dir });
      assert.equal(run.code, code, `${args.join(" ")}: ${run.stderr}`);
      assert.match(
        run.stderr + run.stdout,
        /site\.toml: invalid TOML at line 3, column \d+ \(key handle\.password\)/,
      );
      assert.ok(!(run.stdout + run.stderr).includes(SECRET), run.stderr);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
