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

Deno.test(
  "send: an event over the topic's max.message.bytes is named by file:line; the others are sent; exit 1",
  {
    sanitizeOps: false,
    sanitizeResources: false,
  },
  async () => {
    const kafka = await kafkaForTests();
    const ws = await makeWorkspace({ bootstrap: kafka.bootstrap });
    try {
      const topic = uniqueName("send-limit");
      const client = new Kafka({ brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING });
      const admin = client.admin();
      await admin.connect();
      await admin.createTopics({
        topics: [{
          topic,
          numPartitions: 1,
          configEntries: [{ name: "max.message.bytes", value: "4000" }],
        }],
        waitForLeaders: true,
      });
      await admin.disconnect();
      const small = (n: number): string =>
        JSON.stringify(makeCmip6Event({ files: 1, itemId: `CMIP6.x.y.small${n}.v1` })).slice(
          0,
          1000,
        );
      const big = JSON.stringify({
        data: { payload: { method: "POST", item: { id: "big.v1", pad: "x".repeat(20_000) } } },
      });
      await Deno.writeTextFile(
        join(ws.dir, "mixed.jsonl"),
        [small(1), big, small(2), small(3)].join("\n") + "\n",
      );
      const run = await runCli(["-c", ws.config, "send", "--topic", topic, "mixed.jsonl"], {
        cwd: ws.dir,
      });
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stdout, /sent 3 event\(s\) from 1 file\(s\) to .*; 1 not sent/);
      const named = run.stderr.split("\n").filter((l) => l.startsWith("send: "));
      assert.equal(named.length, 1, run.stderr);
      assert.match(named[0], /^send: mixed\.jsonl:2: not sent: .*larger than the max message size/);
      assert.match(named[0], /\(\d+ bytes; the topic's max\.message\.bytes is lower\)$/);
    } finally {
      await ws.remove();
      await kafka.stop();
    }
  },
);
