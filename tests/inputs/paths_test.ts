/** Path arguments: files, directories and glob patterns, in order, each once. */

import assert from "node:assert/strict";
import { join } from "node:path";
import { expandPaths, globToRegExp, PathError } from "../../src/inputs/paths.ts";

Deno.test("globToRegExp", () => {
  assert.ok(globToRegExp("*.jsonl").test("a.jsonl"));
  assert.ok(!globToRegExp("*.jsonl").test("d/a.jsonl"));
  assert.ok(globToRegExp("**/*.jsonl").test("d/e/a.jsonl"));
  assert.ok(globToRegExp("**/*.jsonl").test("a.jsonl"));
  assert.ok(globToRegExp("r[0-9]/f?.json").test("r1/fa.json"));
});

Deno.test("expandPaths: files, directories (recursive, sorted) and globs, each once", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, "r0"));
    await Deno.mkdir(join(dir, "r1"));
    for (const f of ["r0/b.jsonl", "r0/a.jsonl", "r1/c.jsonl", "r1/notes.txt", "x.json"]) {
      await Deno.writeTextFile(join(dir, f), "{}\n");
    }
    const files = await expandPaths([join(dir, "x.json"), join(dir, "r0"), `${dir}/r*/*.jsonl`]);
    assert.deepEqual(files.map((f) => f.slice(dir.length + 1)), [
      "x.json",
      "r0/a.jsonl",
      "r0/b.jsonl",
      "r1/c.jsonl",
    ]);
    const retry = await expandPaths([dir], { extensions: [".jsonl"] });
    assert.equal(retry.length, 3);
    await assert.rejects(expandPaths([join(dir, "missing.json")]), PathError);
    await assert.rejects(expandPaths([`${dir}/*.none`]), /no file matches/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
