import assert from "node:assert/strict";
import { formatSummary, rates, Stats } from "../../src/stats/mod.ts";

function clock(start: number): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

Deno.test("formatSummary shows every counter with message and handle rates", () => {
  const c = clock(1_700_000_000_000);
  const stats = new Stats({ now: c.now });
  stats.add("messages", 120);
  stats.add("handles", 960);
  stats.add("errors");
  stats.add("retries", 2);
  stats.add("patched", 3);
  stats.add("retracted");
  stats.add("replicas", 4);
  stats.add("filtered", 5);
  c.advance(3000);
  assert.equal(
    formatSummary(stats.snapshot()),
    "messages=120 (40.0/s) handles=960 (320.0/s) errors=1 warnings=0 retries=2 skipped=0 " +
      "patched=3 retracted=1 replicas=4 external_failures=0 filtered=5 elapsed=3s",
  );
});

Deno.test("rates divides by the elapsed seconds", () => {
  const c = clock(0);
  const stats = new Stats({ now: c.now });
  stats.add("messages", 30);
  stats.add("handles", 45);
  c.advance(1500);
  const r = rates(stats.snapshot());
  assert.equal(r.elapsedSeconds, 1.5);
  assert.equal(r.messageRate, 20);
  assert.equal(r.handleRate, 30);
});

Deno.test("rates are zero when no time has passed", () => {
  const stats = new Stats({ now: () => 42 });
  stats.add("messages", 7);
  const r = rates(stats.snapshot());
  assert.deepEqual(r, { elapsedSeconds: 0, messageRate: 0, handleRate: 0 });
  assert.match(formatSummary(stats.snapshot()), /^messages=7 \(0\.0\/s\) .* elapsed=0s$/);
});
