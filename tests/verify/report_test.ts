/** What verify prints: lines per difference, the counts, and when a run is clean. */

import assert from "node:assert/strict";
import { type HandleReport, isClean, reportLines, summarize } from "../../src/verify/mod.ts";

const ok = { handle: "21.T/a", status: "ok", differences: [], extraParts: [], missingParts: [] };

Deno.test("verify report: counts, lines, and an unverifiable input is not clean", () => {
  const handles = [
    ok,
    { ...ok, handle: "21.T/b", status: "missing" },
    {
      ...ok,
      handle: "21.T/c",
      status: "different",
      differences: [{ field: "CHECKSUM", expected: "x".repeat(300), found: null }],
      extraParts: ["hdl:21.T/z"],
    },
  ] as HandleReport[];
  const summary = summarize({ events: 2, handles, unverifiable: [] });
  assert.deepEqual(summary, {
    inputs: 2,
    handles: 3,
    ok: 1,
    missing: 1,
    different: 1,
    unverifiable: 0,
  });
  assert.equal(isClean(summary), false);
  assert.deepEqual(reportLines(handles[1]), ["missing 21.T/b"]);
  const lines = reportLines(handles[2]);
  assert.match(lines[0], /^different 21\.T\/c: CHECKSUM: expected "x{200}…", found \(absent\)$/);
  assert.equal(lines[1], "different 21.T/c: HAS_PARTS: extra hdl:21.T/z");
  assert.equal(
    isClean(summarize({ events: 1, handles: [ok as HandleReport], unverifiable: [] })),
    true,
  );
  assert.equal(
    isClean(summarize({ events: 1, handles: [ok as HandleReport], unverifiable: ["f:1: x"] })),
    false,
  );
});
