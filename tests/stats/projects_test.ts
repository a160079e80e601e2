import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import {
  formatProjectSummaries,
  PROJECT_HISTORY_TABLE,
  Stats,
  StatsHistory,
} from "../../src/stats/mod.ts";
import { formatStatusLine } from "../../src/status/mod.ts";

function projectStats(): Stats {
  let t = 0;
  const stats = new Stats({ now: () => (t += 1000) });
  stats.add("messages", 2, { project: "cmip7" });
  stats.add("handles", 6, { project: "cmip7" });
  stats.add("messages", 1, { project: "cmip6" });
  stats.add("filtered", 1, { project: "cmip6" });
  stats.add("messages");
  stats.add("errors");
  return stats;
}

Deno.test("Stats keeps every counter in all and per project", () => {
  const stats = projectStats();
  assert.equal(stats.get("messages"), 4, "the total counts events of no project too");
  assert.equal(stats.getProject("cmip7", "handles"), 6);
  assert.equal(stats.getProject("cmip6", "handles"), 0);
  assert.equal(stats.getProject("cordex-cmip6", "messages"), 0);
  const snapshot = stats.snapshot();
  assert.deepEqual(Object.keys(snapshot.projects ?? {}), ["cmip6", "cmip7"], "sorted");
  assert.equal(snapshot.projects?.cmip7.messages, 2);
});

Deno.test("one summary line per project; the status line ends with each project's counts", () => {
  const snapshot = projectStats().snapshot();
  const lines = formatProjectSummaries(snapshot);
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^cmip6: messages=1 handles=0 errors=0 .* filtered=1$/);
  assert.match(lines[1], /^cmip7: messages=2 handles=6 errors=0 /);
  const status = formatStatusLine(snapshot);
  assert.match(status, / \| cmip6 1\/0\/0 filtered 1 \| cmip7 2\/6\/0$/);
});

Deno.test("StatsHistory writes one project_stats row per project and snapshot", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = `${dir}/stats.db`;
    const file = StatsHistory.open(path);
    const stats = projectStats();
    file.record(stats.snapshot(), { kind: "interval" });
    stats.add("messages", 1, { project: "cmip7" });
    file.record(stats.snapshot(), { kind: "final" });
    file.close();
    const db = new DatabaseSync(path);
    const rows = db.prepare(
      `SELECT project, messages, handles, filtered, kind FROM ${PROJECT_HISTORY_TABLE} ORDER BY id`,
    ).all().map((row) => ({ ...row }));
    db.close();
    assert.deepEqual(rows, [
      { project: "cmip6", messages: 1, handles: 0, filtered: 1, kind: "interval" },
      { project: "cmip7", messages: 2, handles: 6, filtered: 0, kind: "interval" },
      { project: "cmip6", messages: 1, handles: 0, filtered: 1, kind: "final" },
      { project: "cmip7", messages: 3, handles: 6, filtered: 0, kind: "final" },
    ]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
