/**
 * Import cycles: the detector finds the groups of a graph, and the source tree has none,
 * between folders of `src/` or between files.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { cycles, folderGraph, importGraph } from "../../tools/import_cycles.ts";

const graph = (edges: Record<string, string[]>): Map<string, Set<string>> =>
  new Map(Object.entries(edges).map(([from, to]) => [from, new Set(to)]));

Deno.test("cycles: strongly connected groups of more than one node, folders of src/", () => {
  const files = graph({
    "src/a/x.ts": ["src/b/y.ts"],
    "src/b/y.ts": ["src/c/z.ts"],
    "src/c/z.ts": ["src/a/w.ts"],
    "src/a/w.ts": [],
    "src/d/v.ts": ["src/d/u.ts"],
    "src/d/u.ts": ["src/d/v.ts"],
    "main.ts": ["src/a/x.ts"],
  });
  assert.deepEqual(cycles(files), [["src/d/u.ts", "src/d/v.ts"]]);
  assert.deepEqual(cycles(folderGraph(files)), [["src/a", "src/b", "src/c"]]);
});

Deno.test("the source tree has no import cycle between folders or files", async () => {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const files = await importGraph(["main.ts"], root);
  assert.ok(files.size > 50, `only ${files.size} files found`);
  assert.deepEqual(cycles(folderGraph(files)), [], "folders that import each other");
  assert.deepEqual(cycles(files), [], "files that import each other");
});
