/** The transient policy: bounded retries with capped exponential backoff. */

import assert from "node:assert/strict";
import { PermanentError, TransientError } from "../../src/errors/mod.ts";
import { backoffDelay, TransientExhaustedError, withRetries } from "../../src/transient/mod.ts";

Deno.test("backoff doubles from backoff_initial and stops at backoff_max", () => {
  const policy = { retries: 5, backoffInitial: 0.5, backoffMax: 5 };
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(policy, n)), [
    500,
    1000,
    2000,
    4000,
    5000,
    5000,
  ]);
});

Deno.test("withRetries: transient errors are retried `retries` times, then reported with the count", async () => {
  let calls = 0;
  const seen: number[] = [];
  const error = await withRetries(
    () => {
      calls++;
      return Promise.reject(new TransientError("down"));
    },
    { retries: 2, backoffInitial: 0.001, backoffMax: 0.001 },
    { onRetry: (n) => seen.push(n) },
  )
    .then(() => undefined, (e) => e);
  assert.equal(calls, 3);
  assert.deepEqual(seen, [1, 2]);
  assert.ok(error instanceof TransientExhaustedError);
  assert.equal(error.attempts, 3);
  assert.equal(error.message, "TRANSIENT down (after 3 attempts)");
});

Deno.test("withRetries: success after a failure; permanent errors are not retried", async () => {
  let calls = 0;
  const value = await withRetries(() => {
    calls++;
    return calls < 2 ? Promise.reject(new TransientError("blip")) : Promise.resolve("ok");
  }, { retries: 3, backoffInitial: 0.001, backoffMax: 0.001 });
  assert.equal(value, "ok");
  let permanentCalls = 0;
  await assert.rejects(
    withRetries(() => {
      permanentCalls++;
      return Promise.reject(new PermanentError("bad"));
    }, { retries: 3, backoffInitial: 0.001, backoffMax: 0.001 }),
    PermanentError,
  );
  assert.equal(permanentCalls, 1);
});
