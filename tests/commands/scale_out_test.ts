/**
 * Scale-out without loss: three `consume` processes of one group on a 6-partition
 * topic, one killed with SIGKILL in mid-run, a fourth joining late; every expected
 * handle is on the real Handle server afterwards. (`deno task soak` runs the same
 * scenario many times.)
 */

import assert from "node:assert/strict";
import { kafkaForTests } from "../helpers.ts";
import { runScaleOut } from "../fixtures/scale_out.ts";

Deno.test(
  "consume scales out: 3 consumers of a group, one kill -9'ed, a 4th joins late; nothing lost",
  { sanitizeOps: false, sanitizeResources: false },
  async () => {
    const kafka = await kafkaForTests();
    try {
      const result = await runScaleOut({ bootstrap: kafka.bootstrap, events: 150, kills: 1 });
      assert.equal(result.killed, 1);
      assert.deepEqual(result.lost, [], `${result.lost.length} handle(s) lost`);
      assert.deepEqual(result.wrong, [], "records differ from the expected ones");
      assert.equal(result.expected, 150 * 3);
      assert.deepEqual(result.exitCodes, [0, 0, 0], "the survivors stop cleanly on SIGTERM");
    } finally {
      await kafka.stop();
    }
  },
);
