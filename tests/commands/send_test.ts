/** `send` publishes event files to the real broker; a consumer reads them back. */

import assert from "node:assert/strict";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { makeCmip6Event } from "../fixtures/events.ts";
import { kafkaForTests, makeWorkspace, runCli, uniqueName } from "../helpers.ts";

Deno.test("send: .json is one event, each .jsonl line is one (sent as is), keyed by item id", {
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  const kafka = await kafkaForTests();
  const ws = await makeWorkspace({ bootstrap: kafka.bootstrap });
  try {
    const a = makeCmip6Event({
      files: 1,
      itemId: "CMIP6.CMIP.I.S.historical.r1i1p1f1.Amon.tas.gn.v20240101",
    });
    const b = makeCmip6Event({
      files: 1,
      itemId: "CMIP6.CMIP.I.S.historical.r2i1p1f1.Amon.tas.gn.v20240101",
    });
    const patch = {
      data: { payload: { method: "PATCH", item_id: "CMIP6.x.v1", collection_id: "CMIP6" } },
    };
    await Deno.writeTextFile(join(ws.dir, "one.json"), JSON.stringify(a, null, 2));
    await Deno.writeTextFile(
      join(ws.dir, "many.jsonl"),
      `${JSON.stringify(b)}\nnot json at all\n\n${JSON.stringify(patch)}\n`,
    );
    const topic = uniqueName("send");
    const run = await runCli(
      ["-c", ws.config, "send", "--topic", topic, "one.json", "many.jsonl"],
      {
        cwd: ws.dir,
      },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`sent 4 event\\(s\\) from 2 file\\(s\\) to ${topic}`));

    const client = new Kafka({ brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING });
    const consumer = client.consumer({ groupId: uniqueName("reader") });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const got: Array<{ key: string | null; value: string }> = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${got.length} of 4 events`)), 30_000);
      consumer.run({
        eachMessage: ({ message }) => {
          got.push({ key: message.key?.toString() ?? null, value: message.value!.toString() });
          if (got.length === 4) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      });
    });
    await consumer.disconnect();
    const byValue = new Map(got.map((m) => [m.value, m.key]));
    assert.equal(
      byValue.get(JSON.stringify(a, null, 2)),
      "CMIP6.CMIP.I.S.historical.r1i1p1f1.Amon.tas.gn.v20240101",
    );
    assert.equal(
      byValue.get(JSON.stringify(b)),
      "CMIP6.CMIP.I.S.historical.r2i1p1f1.Amon.tas.gn.v20240101",
    );
    assert.equal(byValue.get("not json at all"), null, "bad input is sent as is, without a key");
    assert.equal(byValue.get(JSON.stringify(patch)), "CMIP6.x.v1");
  } finally {
    await ws.remove();
    await kafka.stop();
  }
});
