import assert from "node:assert/strict";
import { Stats, type StatsSnapshot } from "../../src/stats/mod.ts";
import { formatClock, formatStatusLine, REDRAW, StatusLine } from "../../src/status/mod.ts";

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function snapshotOf(
  counts: Partial<StatsSnapshot["counts"]>,
  times: { startedAt: number; takenAt: number; lastErrorAt?: number },
): StatsSnapshot {
  const stats = new Stats({ now: () => times.startedAt });
  for (const [name, n] of Object.entries(counts)) {
    stats.add(name as keyof StatsSnapshot["counts"], n);
  }
  return { ...stats.snapshot(), takenAt: times.takenAt, lastErrorAt: times.lastErrorAt };
}

Deno.test("formatStatusLine shows counters, rates, last error and elapsed", () => {
  const snapshot = snapshotOf(
    { messages: 120, handles: 960, errors: 1, retracted: 1, replicas: 4, patched: 3 },
    { startedAt: 10_000, takenAt: 13_000, lastErrorAt: 1_000 },
  );
  assert.equal(
    formatStatusLine(snapshot),
    "msgs 120 (40.0/s) | handles 960 (320.0/s) | err 1 | warn 0 | retracted 1 | replicas 4 | " +
      "skipped 0 | patched 3 | last error 12s ago | elapsed 0:00:03",
  );
});

Deno.test("formatStatusLine: no error yet, and an explicit now", () => {
  const snapshot = snapshotOf({ messages: 10 }, { startedAt: 0, takenAt: 1000 });
  const line = formatStatusLine(snapshot, { now: 3_725_000 });
  assert.match(line, /\| last error never \|/);
  assert.match(line, /elapsed 1:02:05$/);
  const withError = { ...snapshot, lastErrorAt: 0 };
  assert.match(formatStatusLine(withError, { now: 600_000 }), /last error 10m ago/);
  assert.match(formatStatusLine(withError, { now: 3 * 3_600_000 }), /last error 3h ago/);
});

Deno.test("formatClock pads minutes and seconds", () => {
  assert.equal(formatClock(0), "0:00:00");
  assert.equal(formatClock(59.9), "0:00:59");
  assert.equal(formatClock(36_061), "10:01:01");
});

Deno.test("StatusLine on a terminal redraws in place and ends with a newline", async () => {
  let t = 0;
  const stats = new Stats({ now: () => t });
  const written: string[] = [];
  const line = new StatusLine(stats, {
    terminal: true,
    write: (text) => written.push(text),
    refreshMs: 10,
    columns: () => undefined,
  });
  line.start();
  line.start();
  assert.equal(written.length, 1, "drawn at once, a second start does nothing");
  assert.ok(written[0].startsWith(`${REDRAW}msgs 0 (0.0/s)`));
  t = 2000;
  stats.add("messages", 6);
  stats.add("errors");
  await sleep(80);
  assert.ok(written.length >= 3, `expected redraws, got ${written.length}`);
  assert.ok(written.at(-1)!.startsWith(`${REDRAW}msgs 6 (3.0/s)`));
  line.stop();
  line.stop();
  const out = written.join("");
  assert.ok(out.endsWith("| last error 0s ago | elapsed 0:00:02\n"));
  assert.equal(out.split("\n").length, 2, "one newline, at the end");
  assert.equal(out.split(REDRAW).length - 1, written.length - 1);
  const count = written.length;
  await sleep(40);
  assert.equal(written.length, count, "nothing after stop");
});

Deno.test("StatusLine on a terminal cuts the line to the console width", () => {
  const stats = new Stats({ now: () => 0 });
  const written: string[] = [];
  const line = new StatusLine(stats, {
    terminal: true,
    write: (text) => written.push(text),
    columns: () => 20,
  });
  line.start();
  line.stop();
  assert.equal(written[0], `${REDRAW}msgs 0 (0.0/s) | ha`, "one column short of the width");
});

Deno.test("StatusLine elsewhere writes periodic plain lines", async () => {
  let t = 0;
  const stats = new Stats({ now: () => t });
  const written: string[] = [];
  const line = new StatusLine(stats, {
    terminal: false,
    write: (text) => written.push(text),
    plainIntervalMs: 15,
  });
  line.start();
  assert.equal(written.length, 0, "the first plain line comes after one period");
  t = 1000;
  stats.add("messages", 5);
  stats.add("handles", 20);
  await sleep(100);
  line.stop();
  assert.ok(written.length >= 3, `expected periodic lines, got ${written.length}`);
  for (const text of written) {
    assert.match(text, /^msgs 5 \(5\.0\/s\) \| handles 20 \(20\.0\/s\) \|.* elapsed 0:00:01\n$/);
    assert.ok(!text.includes("\r") && !text.includes("\x1b"));
  }
});

const hasScript = new Deno.Command("sh", { args: ["-c", "command -v script"], stdout: "null" })
  .outputSync().success;

Deno.test({
  name: "StatusLine under a real pseudo terminal redraws with carriage returns",
  ignore: !hasScript,
  async fn(): Promise<void> {
    const dir = await Deno.makeTempDir();
    try {
      const src = (p: string): string => new URL(p, import.meta.url).href;
      const child = `${dir}/child.ts`;
      await Deno.writeTextFile(
        child,
        `import { Stats } from ${JSON.stringify(src("../../src/stats/counters.ts"))};
import { StatusLine } from ${JSON.stringify(src("../../src/status/status_line.ts"))};
const encoder = new TextEncoder();
const stats = new Stats();
const terminal = Deno.stderr.isTerminal();
console.log("terminal=" + terminal);
const line = new StatusLine(stats, {
  terminal,
  write: (text) => Deno.stderr.writeSync(encoder.encode(text)),
  refreshMs: 20,
});
line.start();
for (let i = 0; i < 5; i++) {
  stats.add("messages");
  stats.add("handles", 8);
  await new Promise((resolve) => setTimeout(resolve, 40));
}
line.stop();
`,
      );
      const command = `'${Deno.execPath()}' run --no-config --no-lock -A '${child}'`;
      const result = await new Deno.Command("script", {
        args: ["-qfec", command, "/dev/null"],
        cwd: dir,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      const out = new TextDecoder().decode(result.stdout);
      assert.ok(result.success, `script failed: ${new TextDecoder().decode(result.stderr)}${out}`);
      assert.match(out, /terminal=true/);
      const redraws = out.split(REDRAW).length - 1;
      assert.ok(redraws >= 3, `expected redraws in the pty output, got ${JSON.stringify(out)}`);
      const last = out.split(REDRAW).at(-1)!;
      assert.match(last, /^msgs 5 \(\d+\.\d\/s\) \| handles 40 \(.* elapsed \d+:\d\d:\d\d\r?\n/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("formatStatusLine starts with the services waited for, since when", () => {
  const snapshot = snapshotOf({ messages: 1 }, { startedAt: 10_000, takenAt: 13_000 });
  const line = formatStatusLine(snapshot, {
    extras: {
      waiting: [{ name: "Handle service cmip7", since: new Date("2026-12-04T21:03:11.532Z") }],
    },
  });
  assert.ok(
    line.startsWith("waiting for Handle service cmip7 since 2026-12-04T21:03:11Z | msgs 1"),
    line,
  );
  assert.ok(!formatStatusLine(snapshot, { extras: { waiting: [] } }).includes("waiting"));
});
