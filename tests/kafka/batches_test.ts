/** The batches of a partition: at most one batch ahead of the oldest unacknowledged event. */

import assert from "node:assert/strict";
import { BatchGate } from "../../src/kafka/batches.ts";
import { PartitionTracker } from "../../src/kafka/offsets.ts";

Deno.test("a batch is held until the batches before the last one handed out are acknowledged", () => {
  const gate = new BatchGate<number>();
  const tracker = new PartitionTracker("t", 0);
  const take = (offset: number, fetch: number): boolean => {
    tracker.deliver(BigInt(offset));
    return gate.admit(0, offset, { offset: BigInt(offset), fetch, tracker });
  };
  // Fetch 1: offsets 0-3, handed out; fetch 2: 4-7, handed out though 0-3 are not done.
  for (const offset of [0, 1, 2, 3]) assert.ok(take(offset, 1));
  for (const offset of [4, 5, 6, 7]) assert.ok(take(offset, 2));
  for (const offset of [0, 1, 2]) tracker.ack(BigInt(offset));
  // Fetch 3: 3 is still open, so 8-9 wait; so does what comes after them.
  assert.equal(take(8, 3), false);
  assert.equal(take(9, 3), false);
  assert.equal(take(10, 4), false);
  assert.deepEqual(gate.release(0, { fetch: 4, tracker }), []);
  for (const offset of [4, 5, 6, 7]) tracker.ack(BigInt(offset));
  assert.deepEqual(gate.release(0, { fetch: 4, tracker }), []); // 3 still holds them
  tracker.ack(3n);
  assert.deepEqual(gate.release(0, { fetch: 4, tracker }), [8, 9, 10]);
  // The released items are the last batch now: the rest of fetch 4 joins it.
  assert.ok(take(11, 4));
  // A new fetch while 8-11 are open is handed out (one batch ahead), the next waits.
  assert.ok(take(12, 5));
  assert.equal(take(13, 6), false);
});

Deno.test("partitions are independent; a dropped partition returns what it held", () => {
  const gate = new BatchGate<string>();
  const a = new PartitionTracker("t", 0);
  const b = new PartitionTracker("t", 1);
  const take = (tracker: PartitionTracker, offset: number, fetch: number): boolean => {
    tracker.deliver(BigInt(offset));
    const item = `${tracker.partition}/${offset}`;
    return gate.admit(tracker.partition, item, { offset: BigInt(offset), fetch, tracker });
  };
  assert.ok(take(a, 0, 1));
  assert.ok(take(a, 1, 2));
  assert.equal(take(a, 2, 3), false); // partition 0 waits for offset 0
  assert.ok(take(b, 0, 3)); // partition 1 does not
  assert.ok(take(b, 1, 4));
  assert.deepEqual(gate.drop(0), ["0/2"]);
  assert.deepEqual(gate.drop(0), []);
});

Deno.test("releaseAll lets every held item go in offset order, every partition (events held for an outage)", () => {
  const gate = new BatchGate<string>();
  const a = new PartitionTracker("t", 0);
  const b = new PartitionTracker("t", 1);
  const take = (tracker: PartitionTracker, offset: number, fetch: number): boolean => {
    tracker.deliver(BigInt(offset));
    const item = `${tracker.partition}/${offset}`;
    return gate.admit(tracker.partition, item, { offset: BigInt(offset), fetch, tracker });
  };
  // offset 0 of each partition is held by the pipeline (never acknowledged)
  assert.ok(take(a, 0, 1));
  assert.ok(take(b, 0, 1));
  assert.ok(take(a, 1, 2));
  assert.equal(take(a, 2, 3), false);
  assert.equal(take(a, 3, 3), false);
  assert.ok(take(b, 1, 2));
  assert.equal(take(b, 2, 3), false);
  assert.deepEqual(gate.releaseAll(), ["0/2", "0/3", "1/2"]);
  assert.deepEqual(gate.releaseAll(), [], "nothing is handed out twice");
});
