import assert from "node:assert/strict";
import { normaliseTimestamp } from "../../src/mapping/timestamps.ts";

Deno.test("normaliseTimestamp appends Z to a date-time without zone", () => {
  assert.equal(normaliseTimestamp("2025-08-05T11:35:48.537252"), "2025-08-05T11:35:48.537252Z");
  assert.equal(normaliseTimestamp(" 2025-08-05T11:35:48 "), "2025-08-05T11:35:48Z");
});

Deno.test("normaliseTimestamp keeps zoned timestamps and plain dates", () => {
  assert.equal(normaliseTimestamp("2026-07-19T09:14:11Z"), "2026-07-19T09:14:11Z");
  assert.equal(normaliseTimestamp("2026-07-19T09:14:11+02:00"), "2026-07-19T09:14:11+02:00");
  assert.equal(normaliseTimestamp("2026-07-19T09:14:11-0500"), "2026-07-19T09:14:11-0500");
  assert.equal(normaliseTimestamp("2026-07-19"), "2026-07-19");
  assert.equal(normaliseTimestamp("2026-07-19t09:14:11z"), "2026-07-19t09:14:11z");
  assert.equal(normaliseTimestamp("2026-07-19 09:14Z "), "2026-07-19 09:14Z");
});

Deno.test("normaliseTimestamp ignores empty and non-string values", () => {
  assert.equal(normaliseTimestamp(""), undefined);
  assert.equal(normaliseTimestamp(null), undefined);
  assert.equal(normaliseTimestamp(1700000000), undefined);
});
