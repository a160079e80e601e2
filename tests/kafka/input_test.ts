/**
 * The Kafka input under a rebalance: a second consumer joins the group while the
 * first is busy; partitions move, and no event is lost.
 */

import assert from "node:assert/strict";
import { makeCmip6Event, testItemId } from "../fixtures/events.ts";
import {
  cliCommand,
  produce,
  resolveHandle,
  startKafkaServices,
  waitForHandles,
} from "../helpers.ts";
import { uuidV3Url } from "../../src/mapping/pid.ts";
import { KAFKA_CLIENTS } from "../../src/kafka/mod.ts";

for (const client of KAFKA_CLIENTS) {
  Deno.test(`${client}: a rebalance in mid-stream loses no event`, {
    sanitizeOps: false,
    sanitizeResources: false,
  }, async () => {
    const { kafka, handles, ws, stop } = await startKafkaServices({
      handle: { latencyMs: 30 },
      workspace: {
        sections: {
          consumer: ["concurrency = 1", `kafka_client = "${client}"`],
          handle: ["concurrency = 1"],
        },
      },
    });
    try {
      const ids = Array.from({ length: 120 }, (_, i) => testItemId("rebal", i + 1));
      await produce(
        kafka.bootstrap,
        ws.topic,
        ids.map((id) => ({
          key: id,
          value: JSON.stringify(makeCmip6Event({ files: 1, itemId: id })),
        })),
        { partitions: 4 },
      );
      const args = ["-c", ws.config, "consume", "--idle-timeout", "5"];
      const first = cliCommand(args, { cwd: ws.dir }).spawn();
      await waitForHandles(handles, 20);
      assert.ok(handles.size() < 200, "the first consumer finished before the second joined");
      const second = cliCommand(args, { cwd: ws.dir }).spawn();
      const [a, b] = await Promise.all([first.output(), second.output()]);
      const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
      assert.equal(a.code, 0, decode(a.stderr));
      assert.equal(b.code, 0, decode(b.stderr));
      const processed = [a, b].map((out) => Number(/messages=(\d+)/.exec(decode(out.stderr))?.[1]));
      assert.ok(processed[1] > 0, "the second consumer got partitions");
      assert.ok(processed[0] + processed[1] >= 120);
      for (const id of ids) {
        assert.ok(await resolveHandle(handles.url, `21.TEST/${uuidV3Url(id)}`), `${id} was lost`);
      }
    } finally {
      await stop();
    }
  });
}
