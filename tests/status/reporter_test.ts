import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { configure, type LogRecord, reset } from "@logtape/logtape";
import { HISTORY_TABLE, Stats } from "../../src/stats/mod.ts";
import { startReporter } from "../../src/status/mod.ts";
import { REDRAW } from "../../src/status/mod.ts";

/** Captures the `["piddiplatsch", "stats"]` log records during `fn`. */
async function withLogs(fn: (records: LogRecord[]) => Promise<void>): Promise<void> {
  const records: LogRecord[] = [];
  await configure({
    reset: true,
    sinks: { capture: (record: LogRecord) => records.push(record) },
    loggers: [
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: [] },
      { category: ["piddiplatsch", "stats"], lowestLevel: "info", sinks: ["capture"] },
    ],
  });
  try {
    await fn(records);
  } finally {
    await reset();
  }
}

function summaries(records: LogRecord[]): string[] {
  return records.map((r) => String(r.properties.summary));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

Deno.test("a summary every summaryInterval messages, and a final one at close", async () => {
  await withLogs(async (records) => {
    let t = 0;
    const stats = new Stats({ now: () => t });
    const written: string[] = [];
    const reporter = startReporter(stats, {
      intervalSeconds: 0,
      summaryInterval: 10,
      write: (text) => written.push(text),
      terminal: false,
    });
    for (let i = 0; i < 25; i++) {
      t += 100;
      stats.add("messages");
      stats.add("handles", 2);
    }
    assert.equal(records.length, 2);
    assert.match(summaries(records)[0], /^messages=10 \(10\.0\/s\) handles=18 /);
    assert.match(summaries(records)[1], /^messages=20 \(10\.0\/s\) handles=38 /);
    stats.add("errors");
    assert.equal(records.length, 2, "only messages trigger a summary");
    stats.add("messages", 10);
    assert.equal(records.length, 3, "a jump over a multiple triggers one summary");
    assert.match(summaries(records)[2], /^messages=35 /);
    assert.deepEqual(written, [], "nothing written before close without --verbose");

    await reporter.close();
    assert.equal(records.length, 4);
    assert.equal(records[3].level, "info");
    assert.match(summaries(records)[3], /^messages=35 .* errors=1 .* elapsed=2s$/);
    assert.deepEqual(written, [`summary: ${summaries(records)[3]}\n`]);

    stats.add("messages", 10);
    await reporter.close();
    assert.equal(records.length, 4, "no summaries after close");
    assert.equal(written.length, 1);
  });
});

Deno.test("a summary every intervalSeconds until close", async () => {
  await withLogs(async (records) => {
    const stats = new Stats();
    const reporter = startReporter(stats, {
      intervalSeconds: 0.02,
      summaryInterval: 0,
      write: () => {},
      terminal: false,
    });
    stats.add("messages", 3);
    await sleep(150);
    const periodic = records.length;
    assert.ok(periodic >= 2, `expected periodic summaries, got ${periodic}`);
    assert.ok(summaries(records).every((s) => s.startsWith("messages=3 ")));
    await reporter.close();
    await sleep(80);
    assert.equal(records.length, periodic + 1, "only the final summary after close");
  });
});

Deno.test("with dbPath, interval and final rows go to the SQLite history", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const dbPath = join(dir, "db", "stats.db");
    await withLogs(async (records) => {
      let t = Date.UTC(2025, 5, 1);
      const stats = new Stats({ now: () => t });
      const reporter = startReporter(stats, {
        intervalSeconds: 0,
        summaryInterval: 2,
        dbPath,
        write: () => {},
        terminal: false,
      });
      for (let i = 0; i < 5; i++) {
        t += 1000;
        stats.add("messages");
        stats.add("handles", 3);
      }
      stats.add("replicas", 2);
      await reporter.close();
      assert.equal(records.length, 3);
    });
    const db = new DatabaseSync(dbPath);
    const rows = db.prepare(
      `SELECT kind, messages, handles, replicas, elapsed_seconds, timestamp FROM ${HISTORY_TABLE} ORDER BY id`,
    ).all().map((r) => ({ ...r }));
    db.close();
    assert.deepEqual(rows, [
      {
        kind: "interval",
        messages: 2,
        handles: 3,
        replicas: 0,
        elapsed_seconds: 2,
        timestamp: "2025-06-01T00:00:02.000Z",
      },
      {
        kind: "interval",
        messages: 4,
        handles: 9,
        replicas: 0,
        elapsed_seconds: 4,
        timestamp: "2025-06-01T00:00:04.000Z",
      },
      {
        kind: "final",
        messages: 5,
        handles: 15,
        replicas: 2,
        elapsed_seconds: 5,
        timestamp: "2025-06-01T00:00:05.000Z",
      },
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("verbose shows the status line before the final summary", async () => {
  await withLogs(async () => {
    let t = 0;
    const stats = new Stats({ now: () => t });
    const written: string[] = [];
    const reporter = startReporter(stats, {
      intervalSeconds: 0,
      summaryInterval: 0,
      verbose: true,
      terminal: true,
      write: (text) => written.push(text),
    });
    assert.deepEqual(written, [
      "\r\x1b[2Kmsgs 0 (0.0/s) | handles 0 (0.0/s) | err 0 | warn 0 | retracted 0 | " +
      "replicas 0 | skipped 0 | patched 0 | last error never | elapsed 0:00:00",
    ]);
    t += 4000;
    stats.add("messages", 8);
    await reporter.close();
    assert.equal(written.length, 4);
    assert.ok(written[1].startsWith(REDRAW), "redrawn in place");
    assert.match(written[1].slice(REDRAW.length), /^msgs 8 \(2\.0\/s\) \|.* elapsed 0:00:04$/);
    assert.equal(written[2], "\n");
    assert.match(written[3], /^summary: messages=8 \(2\.0\/s\) .* elapsed=4s\n$/);
  });
});
