/** `PreparePool`: real worker threads answer as the main thread would, in order. */

import assert from "node:assert/strict";
import { DEFAULT_EVENT_LIMITS } from "../../src/decode/mod.ts";
import {
  OFFLOAD_MAX_CHARS,
  type OffloadPlan,
  PreparePool,
  TextPreparer,
} from "../../src/offload/mod.ts";
import { makeCmip6Event, testItemId } from "../fixtures/events.ts";

const plan: OffloadPlan = {
  limits: DEFAULT_EVENT_LIMITS,
  projects: [{ project: "cmip6", settings: {}, prefix: "21.TEST", mapHere: true }],
};

/** Texts of every kind: mapped, filtered, not JSON, failing to map; big and small. */
function texts(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const text = JSON.stringify(
      makeCmip6Event({ files: 1 + (i % 12), itemId: testItemId("pool", i) }),
    );
    if (i % 7 === 3) return text.replaceAll('"CMIP6"', '"OTHER"');
    if (i % 11 === 5) return text.slice(0, -2);
    if (i % 13 === 6) return text.replaceAll("https://", "ftp://");
    return text;
  });
}

/** An answer without the clock's traces (`now` differs between threads by a few ms). */
function comparable(answer: unknown): unknown {
  return JSON.parse(JSON.stringify(answer).replaceAll(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "T"));
}

Deno.test("two workers answer every text as the main thread does, in the order given", async () => {
  const pool = new PreparePool(plan, { workers: 2 });
  try {
    const all = texts(600);
    const answers = await Promise.all(all.map((t) => pool.prepare(t)));
    const here = new TextPreparer(plan);
    for (const [i, text] of all.entries()) {
      assert.deepEqual(comparable(answers[i]), comparable(here.prepare(text, new Date())), `#${i}`);
    }
    const kinds = new Set(answers.map((a) => Object.keys(a).sort().join(",")));
    // mapped, filtered, not JSON, failing to map: all four came back
    assert.deepEqual([...kinds].sort(), [
      "error",
      "itemId,mapError,project",
      "itemId,project",
      "itemId,project,rendered",
    ]);
  } finally {
    pool.close();
  }
});

Deno.test("after close, texts are prepared on the main thread; answers still come", async () => {
  const pool = new PreparePool(plan, { workers: 1 });
  const [text] = texts(1);
  const open = pool.prepare(text);
  pool.close(); // the open text is answered here
  const after = await pool.prepare(text);
  assert.ok("rendered" in await open);
  assert.ok("rendered" in after);
});

Deno.test("a worker that cannot take the plan: answers fail with the reason, nothing hangs", async () => {
  const bad: OffloadPlan = {
    limits: DEFAULT_EVENT_LIMITS,
    projects: [{ project: "nope", settings: {}, prefix: "21.X", mapHere: true }],
  };
  const pool = new PreparePool(bad, { workers: 1 });
  try {
    await assert.rejects(() => pool.prepare(texts(1)[0]), /unknown project nope/);
  } finally {
    pool.close();
  }
});

Deno.test("small texts are left to the main thread, large ones go to a worker", () => {
  const pool = new PreparePool(plan, { workers: 1 });
  assert.equal(pool.takes("x".repeat(100)), false);
  assert.equal(pool.takes(JSON.stringify(makeCmip6Event({ files: 40 }))), true);
  // a huge event stays here: a worker would hold a second copy of it and of its records
  assert.equal(pool.takes("x".repeat(OFFLOAD_MAX_CHARS + 1)), false);
  pool.close();
});
