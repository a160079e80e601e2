/**
 * End to end: events produced with kafkajs to the real broker are consumed by the
 * real CLI (`consume`) and registered in the real `handle-server` over HTTP.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { expectedRecords, itemIdOf } from "../fixtures/expected.ts";
import { makeCmip6Event, makeCmip6Events, testItemId } from "../fixtures/events.ts";
import {
  cliCommand,
  produce,
  readJsonLines,
  resolveHandle,
  runCli,
  startKafkaServices,
  summaryCount,
  waitForHandles,
} from "../helpers.ts";

const kafkaTest = { sanitizeOps: false, sanitizeResources: false };

type Asset = Record<string, unknown>;

Deno.test(
  "consume registers every event's records, field by field; a second run reprocesses nothing",
  kafkaTest,
  async () => {
    const { kafka, handles, ws, stop } = await startKafkaServices();
    try {
      const events = makeCmip6Events(5, "historical");
      events.push(makeCmip6Event({
        files: 2,
        itemId: "CMIP6.CMIP.TEST-INST.TEST-ESM1-0.historical.r9i1p1f1.Amon.pr.gn.v20240101",
        replicas: ["replica-a.example.net", "replica-b.example.net"],
      }));
      await produce(
        kafka.bootstrap,
        ws.topic,
        events.map((e) => ({ key: itemIdOf(e), value: JSON.stringify(e) })),
      );

      const first = await runCli(["-c", ws.config, "consume", "--idle-timeout", "4"], {
        cwd: ws.dir,
      });
      assert.equal(first.code, 0, first.stderr);
      assert.equal(summaryCount(first.stderr, "messages"), 6);
      assert.equal(summaryCount(first.stderr, "errors"), 0);

      for (const event of events) {
        for (const [handle, fields] of expectedRecords(event)) {
          const got = await resolveHandle(handles.url, handle);
          assert.ok(got, `${handle} is not registered`);
          for (const [field, value] of Object.entries(fields)) {
            assert.equal(got[field], value, `${handle} ${field}`);
          }
          assert.ok(got.HS_ADMIN, `${handle} has no HS_ADMIN`);
        }
      }
      // replicas: REPLICA_NODES on the dataset, REPLICA_DOWNLOAD_URLS on the files
      const replicated = expectedRecords(events[5]);
      const [datasetHandle] = [...replicated.keys()].slice(-1);
      const dataset = await resolveHandle(handles.url, datasetHandle);
      const nodes = JSON.parse(dataset!.REPLICA_NODES) as Array<{ host: string }>;
      assert.deepEqual(nodes.map((n) => n.host), [
        "replica-a.example.net",
        "replica-b.example.net",
      ]);
      const [fileHandle] = replicated.keys();
      const file = await resolveHandle(handles.url, fileHandle);
      assert.equal(JSON.parse(file!.REPLICA_DOWNLOAD_URLS).length, 2);
      const handleCount = handles.size();
      assert.equal(handleCount, 5 * 4 + 3);

      const second = await runCli(["-c", ws.config, "consume", "--idle-timeout", "3"], {
        cwd: ws.dir,
      });
      assert.equal(second.code, 0, second.stderr);
      assert.equal(summaryCount(second.stderr, "messages"), 0, "the second run read events again");
    } finally {
      await stop();
    }
  },
);

Deno.test(
  "consume: bad events become failure records and the consumer goes on",
  kafkaTest,
  async () => {
    const { kafka, handles, ws, stop } = await startKafkaServices();
    try {
      const valid = makeCmip6Events(3, "piControl", { files: 1 });
      type Item = { properties: Record<string, unknown>; assets: Record<string, Asset> };
      const broken = (member: number, change: (item: Item) => void): Record<string, unknown> => {
        const event = makeCmip6Event({
          files: 1,
          itemId: `CMIP6.CMIP.X.Y.piControl.r${member}i1p1f1.Amon.tas.gn.v20240101`,
        });
        change((event.data as { payload: { item: Item } }).payload.item);
        return event;
      };
      const pidNumber = makeCmip6Event({
        itemId: "CMIP6.CMIP.X.Y.piControl.r7i1p1f1.Amon.tas.gn.v20240101",
      });
      (pidNumber.data as { payload: { item: { properties: Record<string, unknown> } } }).payload
        .item.properties["cmip6:pid"] = 5.4;
      const noSize = makeCmip6Event({
        itemId: "CMIP6.CMIP.X.Y.piControl.r8i1p1f1.Amon.tas.gn.v20240101",
      });
      delete (noSize.data as { payload: { item: { assets: Record<string, Asset> } } }).payload.item
        .assets.data0001["file:size"];
      const noPayload = { data: { type: "STAC" }, metadata: {} };
      const cmip7 = {
        data: {
          type: "STAC",
          payload: {
            method: "POST",
            collection_id: "CMIP7",
            item: { id: "CMIP7.a.b.v1", collection: "CMIP7" },
          },
        },
      };
      const messages = [
        { key: "k1", value: JSON.stringify(valid[0]) },
        { key: "k1", value: "{not json" },
        { key: "k1", value: JSON.stringify(noPayload) },
        { key: "k1", value: JSON.stringify(pidNumber) },
        { key: "k1", value: JSON.stringify(noSize) },
        { key: "k1", value: JSON.stringify(cmip7) },
        { key: "k1", value: JSON.stringify(valid[1]) },
        {
          key: "k1",
          value: JSON.stringify({ data: { payload: { method: "POST", collection_id: "CMIP6" } } }),
        },
        {
          key: "k1",
          value: JSON.stringify({ data: { payload: { method: "PATCH", collection_id: "CMIP6" } } }),
        },
        { key: "k1", value: "[1, 2]" },
        {
          key: "k1",
          value: JSON.stringify(
            broken(10, (i) => i.properties["cmip6:pid"] = "hdl:21.14100/not-a-uuid"),
          ),
        },
        {
          key: "k1",
          value: JSON.stringify(
            broken(
              11,
              (i) => i.properties.pid = "hdl:21.14100/6ba7b811-9dad-11d1-80b4-00c04fd430c8",
            ),
          ),
        },
        {
          key: "k1",
          value: JSON.stringify(broken(12, (i) => i.assets.data0000["file:checksum"] = "zz12")),
        },
        {
          key: "k1",
          value: JSON.stringify(
            broken(13, (i) => i.assets.data0000.href = "ftp://x.example.org/a.nc"),
          ),
        },
        { key: "k1", value: JSON.stringify(valid[2]) },
      ];
      await produce(kafka.bootstrap, ws.topic, messages, { partitions: 1 });
      const run = await runCli(["-c", ws.config, "consume", "--idle-timeout", "4"], {
        cwd: ws.dir,
      });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(summaryCount(run.stderr, "errors"), 11);
      assert.equal(summaryCount(run.stderr, "filtered"), 1);
      const failures = await readJsonLines(join(ws.dir, "outputs", "failures", "r0"));
      assert.equal(failures.length, 11);
      const byOffset = new Map(failures.map((f) => {
        const infos = f.__infos__ as { source: { offset: string }; reason: string };
        return [infos.source.offset, { record: f, reason: infos.reason }];
      }));
      assert.deepEqual(
        [...byOffset.keys()].sort((a, b) => Number(a) - Number(b)),
        ["1", "2", "3", "4", "7", "8", "9", "10", "11", "12", "13"],
      );
      assert.match(byOffset.get("7")!.reason, /^POST without data\.payload\.item$/);
      assert.match(byOffset.get("8")!.reason, /^PATCH without data\.payload\.item_id$/);
      assert.match(byOffset.get("9")!.reason, /not a JSON object \(got an array\)/);
      assert.equal(byOffset.get("9")!.record.__raw__, "[1, 2]");
      assert.match(byOffset.get("10")!.reason, /cmip6:pid.*not-a-uuid.*not a UUID/);
      assert.match(
        byOffset.get("11")!.reason,
        /conflicting PID fields: .*cmip6:pid.*properties\.pid/,
      );
      assert.match(
        byOffset.get("12")!.reason,
        /asset data0000: file:checksum "zz12" is not a valid multihash/,
      );
      assert.match(byOffset.get("13")!.reason, /asset data0000: href .* is not an http\(s\) URL/);
      assert.match(byOffset.get("1")!.reason, /not JSON/);
      assert.equal(
        byOffset.get("1")!.record.__raw__,
        "{not json",
        "non-JSON text is kept verbatim",
      );
      assert.match(byOffset.get("2")!.reason, /data\.payload/);
      assert.match(byOffset.get("3")!.reason, /cmip6:pid.*5\.4/);
      assert.match(byOffset.get("4")!.reason, /data0001.*file:size/);
      assert.deepEqual(
        (byOffset.get("3")!.record.__event__ as { data: { payload: { item: { id: string } } } })
          .data.payload.item.id,
        "CMIP6.CMIP.X.Y.piControl.r7i1p1f1.Amon.tas.gn.v20240101",
        "the event is kept as received",
      );
      for (const failure of failures) {
        const infos = failure.__infos__ as Record<string, unknown>;
        assert.equal(infos.retries, 0);
        assert.equal(infos.key, "k1");
        assert.ok(!String(infos.reason).includes("\n"));
        assert.ok(Date.parse(String(infos.failure_timestamp)));
      }
      for (const event of valid) {
        const [handle] = [...expectedRecords(event).keys()].slice(-1);
        assert.ok(await resolveHandle(handles.url, handle), `${handle} after the bad events`);
      }
    } finally {
      await stop();
    }
  },
);

Deno.test(
  "consume: kill -9 in mid-stream, then a restart: no event is lost",
  kafkaTest,
  async () => {
    const { kafka, handles, ws, stop } = await startKafkaServices({
      handle: { latencyMs: 15 },
      workspace: { sections: { handle: ["concurrency = 2"] } },
    });
    try {
      const events = makeCmip6Events(60, "ssp585", { files: 2 });
      await produce(
        kafka.bootstrap,
        ws.topic,
        events.map((e) => ({ key: itemIdOf(e), value: JSON.stringify(e) })),
      );
      const child = cliCommand(["-c", ws.config, "consume"], { cwd: ws.dir }).spawn();
      await waitForHandles(handles, 40);
      assert.ok(handles.size() >= 40, "the consumer did not get going");
      child.kill("SIGKILL");
      const killed = await child.output();
      assert.notEqual(killed.code, 0);
      assert.ok(
        handles.size() < 60 * 3,
        "the consumer finished before it was killed; the test proves nothing",
      );

      const restart = await runCli(["-c", ws.config, "consume", "--idle-timeout", "4"], {
        cwd: ws.dir,
      });
      assert.equal(restart.code, 0, restart.stderr);
      for (const event of events) {
        for (const handle of expectedRecords(event).keys()) {
          assert.ok(await resolveHandle(handles.url, handle), `${handle} was lost`);
        }
      }
      assert.equal(handles.size(), 60 * 3);
    } finally {
      await stop();
    }
  },
);

Deno.test(
  "consume: SIGTERM finishes the events in flight, commits and exits 0",
  kafkaTest,
  async () => {
    // A few events in flight, so that SIGTERM finds some not yet started.
    const { kafka, handles, ws, stop } = await startKafkaServices({
      handle: { latencyMs: 10 },
      workspace: { sections: { consumer: ["concurrency = 4"] } },
    });
    try {
      const events = makeCmip6Events(40, "amip", { files: 2 });
      await produce(
        kafka.bootstrap,
        ws.topic,
        events.map((e) => ({ key: itemIdOf(e), value: JSON.stringify(e) })),
      );
      const child = cliCommand(["-c", ws.config, "consume"], { cwd: ws.dir }).spawn();
      await waitForHandles(handles, 10);
      child.kill("SIGTERM");
      const out = await child.output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, stderr);
      const processed = summaryCount(stderr, "messages");
      const rest = await runCli(["-c", ws.config, "consume", "--idle-timeout", "4"], {
        cwd: ws.dir,
      });
      assert.equal(rest.code, 0, rest.stderr);
      // committed on the way out: the second run takes only what the first did not finish
      assert.ok(processed > 0 && processed < 40, `first run processed ${processed}`);
      assert.equal(summaryCount(rest.stderr, "messages"), 40 - processed, rest.stderr);
      assert.equal(handles.size(), 40 * 3);
    } finally {
      await stop();
    }
  },
);

Deno.test(
  "consume --dry-run writes JSONL with provenance and commits nothing: the real run still gets every event",
  kafkaTest,
  async () => {
    const { kafka, handles, ws, stop } = await startKafkaServices();
    try {
      const events = makeCmip6Events(4, "dryrun", { files: 2 });
      await produce(
        kafka.bootstrap,
        ws.topic,
        events.map((e) => ({ key: itemIdOf(e), value: JSON.stringify(e) })),
      );
      const dry = await runCli(["-c", ws.config, "consume", "--dry-run", "--idle-timeout", "3"], {
        cwd: ws.dir,
      });
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stderr, /no offset is committed/);
      assert.equal(handles.size(), 0, "a dry run registers nothing");
      const lines = await readJsonLines(join(ws.dir, "outputs", "handles"));
      assert.equal(lines.length, 4 * 3);
      for (const line of lines) {
        assert.equal(line.topic, ws.topic);
        assert.equal(typeof line.partition, "number");
        assert.match(String(line.offset), /^\d+$/);
        assert.equal(line.project, "cmip6");
        assert.ok(Date.parse(String(line.timestamp)));
      }
      const real = await runCli(["-c", ws.config, "consume", "--idle-timeout", "3"], {
        cwd: ws.dir,
      });
      assert.equal(real.code, 0, real.stderr);
      assert.equal(summaryCount(real.stderr, "messages"), 4);
      assert.equal(handles.size(), 4 * 3);
    } finally {
      await stop();
    }
  },
);

Deno.test(
  "consume: an event larger than the fetch size of a partition comes whole, between small ones",
  kafkaTest,
  async () => {
    const fetchBytes = 64 * 1024;
    const { kafka, ws, stop } = await startKafkaServices({
      workspace: { sections: { kafka: [`"max.partition.fetch.bytes" = ${fetchBytes}`] } },
    });
    try {
      const sizes = [1, 300, 1];
      const events = sizes.map((files, i) =>
        makeCmip6Event({ files, itemId: testItemId("fetch", i + 1) })
      );
      const values = events.map((e) => JSON.stringify(e));
      assert.ok(values[1].length > 2 * fetchBytes, `the large event has ${values[1].length} bytes`);
      // One send each: three record batches, the middle one larger than a fetch may be.
      for (const [i, event] of events.entries()) {
        await produce(kafka.bootstrap, ws.topic, [{ key: itemIdOf(event), value: values[i] }], {
          partitions: 1,
        });
      }
      const dry = await runCli(["-c", ws.config, "consume", "--dry-run", "--idle-timeout", "3"], {
        cwd: ws.dir,
      });
      assert.equal(dry.code, 0, dry.stderr);
      assert.equal(summaryCount(dry.stderr, "messages"), 3);
      assert.equal(summaryCount(dry.stderr, "errors"), 0);
      const lines = await readJsonLines(join(ws.dir, "outputs", "handles"));
      assert.equal(lines.length, sizes.reduce((sum, files) => sum + files + 1, 0));
      assert.deepEqual([...new Set(lines.map((line) => Number(line.offset)))].sort(), [0, 1, 2]);
    } finally {
      await stop();
    }
  },
);
