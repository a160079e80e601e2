import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { HISTORY_TABLE, Stats, StatsHistory } from "../../src/stats/mod.ts";

const COLUMNS = [
  ["id", "INTEGER"],
  ["timestamp", "TEXT"],
  ["messages", "INTEGER"],
  ["handles", "INTEGER"],
  ["errors", "INTEGER"],
  ["warnings", "INTEGER"],
  ["retries", "INTEGER"],
  ["skipped", "INTEGER"],
  ["patched", "INTEGER"],
  ["retracted", "INTEGER"],
  ["replicas", "INTEGER"],
  ["external_failures", "INTEGER"],
  ["elapsed_seconds", "REAL"],
  ["message_rate", "REAL"],
  ["handle_rate", "REAL"],
  ["kind", "TEXT"],
];

Deno.test("StatsHistory creates its directories and the message_stats table", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "nested", "deeper", "stats.db");
    StatsHistory.open(path).close();
    const db = new DatabaseSync(path);
    const info = db.prepare(`PRAGMA table_info(${HISTORY_TABLE})`).all() as Array<
      { name: string; type: string }
    >;
    db.close();
    assert.deepEqual(info.map((c) => [c.name, c.type]), COLUMNS);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("StatsHistory records interval and final rows", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "stats.db");
    let t = Date.UTC(2024, 0, 2, 3, 4, 5);
    const stats = new Stats({ now: () => t });
    const history = StatsHistory.open(path);
    stats.add("messages", 10);
    stats.add("handles", 40);
    stats.add("warnings", 2);
    t += 2000;
    history.record(stats.snapshot(), { kind: "interval" });
    stats.add("messages", 10);
    stats.add("handles", 40);
    stats.add("errors");
    stats.add("retries", 3);
    stats.add("skipped", 4);
    stats.add("patched", 5);
    stats.add("retracted", 6);
    stats.add("replicas", 7);
    stats.add("external_failures", 8);
    t += 2000;
    history.record(stats.snapshot(), { kind: "final" });
    history.close();
    history.close();

    const db = new DatabaseSync(path);
    const rows = db.prepare(`SELECT * FROM ${HISTORY_TABLE} ORDER BY id`).all();
    db.close();
    assert.equal(rows.length, 2);
    assert.deepEqual({ ...rows[0] }, {
      id: 1,
      timestamp: "2024-01-02T03:04:07.000Z",
      messages: 10,
      handles: 40,
      errors: 0,
      warnings: 2,
      retries: 0,
      skipped: 0,
      patched: 0,
      retracted: 0,
      replicas: 0,
      external_failures: 0,
      elapsed_seconds: 2,
      message_rate: 5,
      handle_rate: 20,
      kind: "interval",
    });
    assert.deepEqual({ ...rows[1] }, {
      id: 2,
      timestamp: "2024-01-02T03:04:09.000Z",
      messages: 20,
      handles: 80,
      errors: 1,
      warnings: 2,
      retries: 3,
      skipped: 4,
      patched: 5,
      retracted: 6,
      replicas: 7,
      external_failures: 8,
      elapsed_seconds: 4,
      message_rate: 5,
      handle_rate: 20,
      kind: "final",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("StatsHistory appends to an existing database", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "stats.db");
    const stats = new Stats({ now: () => 0 });
    for (let run = 0; run < 2; run++) {
      const history = StatsHistory.open(path);
      history.record(stats.snapshot());
      history.close();
    }
    const db = new DatabaseSync(path);
    const rows = db.prepare(`SELECT id, kind FROM ${HISTORY_TABLE} ORDER BY id`).all();
    db.close();
    assert.deepEqual(rows.map((r) => ({ ...r })), [
      { id: 1, kind: "interval" },
      { id: 2, kind: "interval" },
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
