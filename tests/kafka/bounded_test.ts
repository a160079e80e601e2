/**
 * `bounded`: a broker call that never answers is given up after its bound, naming what
 * was waited for; one that answers in time is handed through; no timer is left behind.
 */

import assert from "node:assert/strict";
import { bounded } from "../../src/kafka/bounded.ts";

Deno.test("bounded: an answer in time is handed through, its failure too", async () => {
  assert.equal(await bounded(Promise.resolve(7), { what: "x", ms: 1000 }), 7);
  await assert.rejects(
    bounded(Promise.reject(new Error("refused")), { what: "x", ms: 1000 }),
    /refused/,
  );
});

Deno.test("bounded: a call that never answers is given up after its bound, naming it", async () => {
  const started = performance.now();
  await assert.rejects(
    bounded(new Promise<never>(() => {}), { what: "offset commit", ms: 200 }),
    /^Error: offset commit: no answer from the broker in 0\.2 s$/,
  );
  const waited = performance.now() - started;
  assert.ok(waited >= 190 && waited < 2000, `gave up after ${waited} ms`);
});

Deno.test("bounded: the bound's rejection stands when the call fails later", async () => {
  const late = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("late")), 50));
  await assert.rejects(bounded(late, { what: "leaving the group", ms: 10 }), /leaving the group/);
  await new Promise((resolve) => setTimeout(resolve, 100)); // the late failure changes nothing
});
