/** Rates over the last minute: they follow recent work and fall to zero while idle. */

import assert from "node:assert/strict";
import { RateWindow, Stats } from "../../src/stats/mod.ts";
import { formatStatusLine, StatusLine } from "../../src/status/mod.ts";

Deno.test("RateWindow: rates over the last minute, not the run's average", () => {
  let t = 0;
  const stats = new Stats({ now: () => t });
  const window = new RateWindow({ windowMs: 60_000 });
  t = 10_000;
  stats.add("messages", 100);
  stats.add("handles", 400);
  assert.deepEqual(window.sample(stats.snapshot()), { messageRate: 10, handleRate: 40 });
  // Idle for two minutes: the run's average would still be 100/130 s; the window says 0.
  for (t = 20_000; t <= 130_000; t += 10_000) window.sample(stats.snapshot());
  assert.deepEqual(window.sample(stats.snapshot()), { messageRate: 0, handleRate: 0 });
  // New work: 60 messages in the last 30 s, over the window of 60 s.
  for (t = 140_000; t <= 160_000; t += 10_000) {
    stats.add("messages", 20);
    window.sample(stats.snapshot());
  }
  const recent = window.sample(stats.snapshot());
  assert.equal(recent.messageRate, 60 / 60);
});

Deno.test("the status line shows in flight and lag when the input knows them", async () => {
  const stats = new Stats({ now: () => 0 });
  assert.match(
    formatStatusLine(stats.snapshot(), { extras: { inFlight: 3, lag: 12 } }),
    /^msgs 0 \(0\.0\/s\) \| handles 0 \(0\.0\/s\) \| in flight 3 \| lag 12 \| err 0/,
  );
  assert.doesNotMatch(formatStatusLine(stats.snapshot()), /in flight|lag/);
  const written: string[] = [];
  const line = new StatusLine(stats, {
    terminal: false,
    write: (text) => written.push(text),
    plainIntervalMs: 10,
    extras: () => ({ inFlight: 2, lag: 5 }),
  });
  line.start();
  await new Promise((r) => setTimeout(r, 30));
  line.stop();
  assert.ok(written.every((w) => w.includes("| in flight 2 | lag 5 |")), written.join(""));
});
