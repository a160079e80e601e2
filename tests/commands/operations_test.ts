/**
 * End to end, operations: events produced to the real broker are consumed by the
 * real CLI (`consume`) with a STAC API served by the test on 127.0.0.1 and the real
 * `handle-server`: PATCH events, STAC and Handle outages (stop, `--force`, `retry`)
 * and `max_errors`.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort } from "../../tools/kafka/broker.ts";
import { makeCmip6Event, makeCmip6Item, makePatchEvent, testItemId } from "../fixtures/events.ts";
import { datasetHandleOf, fileHandleOf, itemOf } from "../fixtures/expected.ts";
import { startStacServer } from "../fixtures/stac_server.ts";
import {
  cliCommand,
  exists,
  kafkaForTests,
  listFiles,
  makeWorkspace,
  produce,
  readJsonLines,
  resolveHandle,
  runCli,
  startKafkaServices,
  summaryCount,
  type Workspace,
} from "../helpers.ts";

const kafkaTest = { sanitizeOps: false, sanitizeResources: false };

function consume(ws: Workspace, ...extra: string[]): ReturnType<typeof runCli> {
  return runCli(["-c", ws.config, "consume", "--idle-timeout", "3", ...extra], { cwd: ws.dir });
}

/** The one record in `<outputs>/skipped/` and its file name; fails unless there is exactly one. */
async function onlySkipped(
  outputs: string,
): Promise<{ file: string; infos: Record<string, unknown> }> {
  const skippedDir = join(outputs, "skipped");
  const [file] = await listFiles(skippedDir);
  assert.ok(file, "nothing in skipped/");
  const skipped = await readJsonLines(skippedDir);
  assert.equal(skipped.length, 1);
  return { file, infos: skipped[0].__infos__ as Record<string, unknown> };
}

/** Runs `retry --delete-after outputs/skipped/<file>`; it must exit 0 and delete the file. */
async function retryDeleting(ws: Workspace, file: string): Promise<void> {
  const path = join("outputs", "skipped", file);
  const retried = await runCli(["-c", ws.config, "retry", "--delete-after", path], {
    cwd: ws.dir,
  });
  assert.equal(retried.code, 0, retried.stderr);
  assert.equal(await exists(join(ws.dir, path)), false, "the skipped file is kept");
}

/** `main.ts handle-server` as a child process, stopped with SIGTERM. */
interface HandleServerProcess {
  /** Stops the process and waits for it. */
  stop(): Promise<void>;
}

/** Starts `main.ts handle-server` on `port` with a data file; resolves once it listens. */
async function spawnHandleServer(
  ws: Workspace,
  options: { port: number; dataFile: string },
): Promise<HandleServerProcess> {
  const child = cliCommand([
    "-c",
    ws.config,
    "handle-server",
    "--port",
    String(options.port),
    "--data-file",
    options.dataFile,
  ], { cwd: ws.dir }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const deadline = Date.now() + 30_000;
  while (!seen.includes("listening on")) {
    const next = await Promise.race([
      reader.read(),
      new Promise<"late">((r) => setTimeout(() => r("late"), Math.max(0, deadline - Date.now()))),
    ]);
    if (next === "late" || next.done) {
      child.kill("SIGKILL");
      await child.status;
      throw new Error(`handle-server did not start: ${seen}`);
    }
    seen += next.value;
  }
  return {
    async stop(): Promise<void> {
      child.kill("SIGTERM");
      const status = await child.status;
      let rest = "";
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        rest += next.value;
      }
      await child.stderr.cancel();
      assert.equal(status.code, 0, `handle-server ended with ${status.code}`);
      assert.match(rest, /handle-server: stopped/);
    },
  };
}

Deno.test(
  "consume: PATCH events fetched from the STAC API retract a dataset and add a replica; an invalid patch is a failure",
  kafkaTest,
  async () => {
    const retracted = makeCmip6Item({ files: 2, itemId: testItemId("historical", 1) });
    const replicated = makeCmip6Item({ files: 2, itemId: testItemId("historical", 2) });
    const invalid = makeCmip6Item({ files: 1, itemId: testItemId("historical", 3) });
    const stac = startStacServer([retracted, replicated, invalid]);
    const { kafka, handles, ws, stop } = await startKafkaServices({
      workspace: { stacUrl: stac.url },
    });
    try {
      const replicaHref =
        "https://replica.example.net/thredds/fileServer/css03_data/copy/tas_0000.nc";
      const events = [
        makePatchEvent(String(retracted.id), [
          { op: "add", path: "/properties/retracted", value: true },
        ], { time: "2025-06-01T12:00:00.5" }),
        makePatchEvent(String(replicated.id), [{
          op: "add",
          path: "/assets/data0000/alternate",
          value: {
            "replica.example.net": { href: replicaHref, published_on: "2025-05-05T05:05:05Z" },
          },
        }]),
        makePatchEvent(String(invalid.id), [
          { op: "replace", path: "/properties/no_such_field", value: 1 },
        ]),
        makePatchEvent(String(invalid.id), [{ op: "frobnicate", path: "/id" }]),
      ];
      await produce(
        kafka.bootstrap,
        ws.topic,
        events.map((e) => ({
          key: String((e.data as { payload: { item_id: string } }).payload.item_id),
          value: JSON.stringify(e),
        })),
        { partitions: 1 },
      );
      const run = await consume(ws);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(summaryCount(run.stderr, "messages"), 4);
      assert.equal(summaryCount(run.stderr, "errors"), 2);
      for (const item of [retracted, replicated, invalid]) {
        assert.ok(
          stac.requests.includes(`/collections/CMIP6/items/${item.id}`),
          `${item.id} not fetched: ${stac.requests.join(", ")}`,
        );
      }

      // retraction: RETRACTED_ON is the PATCH event's time; the files stay registered
      const gone = await resolveHandle(handles.url, datasetHandleOf(retracted));
      assert.ok(gone, "the retracted dataset is not registered");
      assert.equal(gone.RETRACTED_ON, "2025-06-01T12:00:00.5Z");
      assert.equal(gone.AGGREGATION_LEVEL, "DATASET");
      assert.equal(
        gone.HAS_PARTS,
        JSON.stringify(["data0000", "data0001"].map((k) => `hdl:${fileHandleOf(retracted, k)}`)),
      );
      assert.equal(gone.REPLICA_NODES, undefined);
      for (const key of ["data0000", "data0001"]) {
        assert.ok(await resolveHandle(handles.url, fileHandleOf(retracted, key)), key);
      }

      // replica: REPLICA_NODES on the dataset, REPLICA_DOWNLOAD_URLS on the patched file only
      const copy = await resolveHandle(handles.url, datasetHandleOf(replicated));
      assert.ok(copy, "the replicated dataset is not registered");
      assert.equal(copy.RETRACTED_ON, undefined);
      assert.deepEqual(JSON.parse(copy.REPLICA_NODES), [
        { host: "replica.example.net", published_on: "2025-05-05T05:05:05Z" },
      ]);
      const first = await resolveHandle(handles.url, fileHandleOf(replicated, "data0000"));
      assert.deepEqual(JSON.parse(first!.REPLICA_DOWNLOAD_URLS), [replicaHref]);
      const second = await resolveHandle(handles.url, fileHandleOf(replicated, "data0001"));
      assert.ok(second, "data0001 is not registered");
      assert.equal(second.REPLICA_DOWNLOAD_URLS, undefined);

      // invalid patches: failure records with the event as received; nothing registered
      assert.equal(await resolveHandle(handles.url, datasetHandleOf(invalid)), undefined);
      assert.equal(await resolveHandle(handles.url, fileHandleOf(invalid, "data0000")), undefined);
      assert.equal(handles.size(), 2 * 3);
      const failures = await readJsonLines(join(ws.dir, "outputs", "failures", "r0"));
      assert.equal(failures.length, 2);
      const byOffset = new Map(failures.map((f) => {
        const infos = f.__infos__ as Record<string, unknown>;
        assert.equal(infos.key, invalid.id);
        assert.equal(infos.retries, 0);
        assert.match(String(infos.reason), /invalid JSON Patch/);
        return [(infos.source as { offset: string }).offset, f];
      }));
      assert.deepEqual([...byOffset.keys()].sort(), ["2", "3"]);
      assert.match(
        String((byOffset.get("2")!.__infos__ as { reason: string }).reason),
        /no_such_field/,
      );
      assert.match(
        String((byOffset.get("3")!.__infos__ as { reason: string }).reason),
        /frobnicate/,
      );
      assert.deepEqual(byOffset.get("3")!.__event__, events[3]);
      assert.deepEqual(await listFiles(join(ws.dir, "outputs", "skipped")), []);
    } finally {
      await stac.stop();
      await stop();
    }
  },
);

Deno.test(
  "consume, on_outage = stop: STAC API down stops non-zero and a later run registers the event; --force skips it and retry registers it",
  kafkaTest,
  async () => {
    const first = makeCmip6Item({ files: 1, itemId: testItemId("ssp126", 1) });
    const second = makeCmip6Item({ files: 1, itemId: testItemId("ssp126", 2) });
    const stac = startStacServer([first, second]);
    await stac.stop();
    // the Python tool's way, by configuration: stop after the retries (the default waits)
    const { kafka, handles, ws, stop } = await startKafkaServices({
      workspace: { stacUrl: stac.url, sections: { "consumer.transient": ['on_outage = "stop"'] } },
    });
    const outputs = join(ws.dir, "outputs");
    try {
      const retract = makePatchEvent(String(first.id), [
        { op: "add", path: "/properties/retracted", value: true },
      ]);
      await produce(kafka.bootstrap, ws.topic, [{
        key: String(first.id),
        value: JSON.stringify(retract),
      }], { partitions: 1 });

      // connection refused: stop, exit 3, nothing recorded, nothing committed
      const down = await consume(ws);
      assert.equal(down.code, 3, down.stderr);
      assert.match(down.stderr, /stopped: .*STAC API.*connection refused/);
      assert.deepEqual(await readJsonLines(outputs), []);
      assert.equal(handles.size(), 0);

      stac.restart();
      const back = await consume(ws);
      assert.equal(back.code, 0, back.stderr);
      assert.equal(summaryCount(back.stderr, "messages"), 1, "the event was not read again");
      const dataset = await resolveHandle(handles.url, datasetHandleOf(first));
      assert.ok(dataset, "the event is not registered once the API is back");
      assert.ok(dataset.RETRACTED_ON, "the patch was not applied");
      assert.equal(handles.size(), 2);

      // 503 with --force: skipped, committed; retry registers it and deletes the file
      stac.unavailable = true;
      const replica = makePatchEvent(String(second.id), [{
        op: "add",
        path: "/assets/data0000/alternate",
        value: { "replica.example.net": { href: "https://replica.example.net/f.nc" } },
      }]);
      await produce(kafka.bootstrap, ws.topic, [{
        key: String(second.id),
        value: JSON.stringify(replica),
      }]);
      const forced = await consume(ws, "--force");
      assert.equal(forced.code, 0, forced.stderr);
      assert.equal(summaryCount(forced.stderr, "messages"), 1);
      const { file: skippedFile, infos } = await onlySkipped(outputs);
      assert.match(String(infos.reason), /TRANSIENT .*HTTP 503/);
      assert.equal(infos.attempts, 2);
      assert.equal(infos.retries, 0);
      assert.equal(infos.key, second.id);
      assert.equal((infos.source as { topic: string }).topic, ws.topic);
      assert.ok(Date.parse(String(infos.skip_timestamp)));
      assert.equal(await resolveHandle(handles.url, datasetHandleOf(second)), undefined);

      stac.unavailable = false;
      await retryDeleting(ws, skippedFile);
      const registered = await resolveHandle(handles.url, datasetHandleOf(second));
      assert.ok(registered, "retry did not register the skipped event");
      assert.deepEqual(
        JSON.parse(registered.REPLICA_NODES).map((n: { host: string }) => n.host),
        ["replica.example.net"],
      );
      assert.equal(handles.size(), 4);

      const after = await consume(ws);
      assert.equal(after.code, 0, after.stderr);
      assert.equal(
        summaryCount(after.stderr, "messages"),
        0,
        "the skipped event was not committed",
      );
      assert.deepEqual(await readJsonLines(join(outputs, "failures")), []);
    } finally {
      await stac.stop();
      await stop();
    }
  },
);

Deno.test(
  "consume: handle-server stopped stops non-zero and a restart on the same port registers the event; --force skips it and retry registers it",
  kafkaTest,
  async () => {
    const kafka = await kafkaForTests();
    const port = freePort();
    const ws = await makeWorkspace({
      bootstrap: kafka.bootstrap,
      handleUrl: `http://127.0.0.1:${port}`,
      // The Python tool's behaviour (consume waits by default: tests/commands/outage_test.ts)
      sections: { "consumer.transient": ['on_outage = "stop"'] },
    });
    const dataFile = join(ws.dir, "handles.data");
    const outputs = join(ws.dir, "outputs");
    let server: HandleServerProcess | undefined;
    try {
      const events = [1, 2, 3].map((m) =>
        makeCmip6Event({ files: 1, itemId: testItemId("amip", m) })
      );
      const message = (i: number): { key: string; value: string } => ({
        key: String(itemOf(events[i]).id),
        value: JSON.stringify(events[i]),
      });
      const registered = async (i: number): Promise<boolean> =>
        await resolveHandle(`http://127.0.0.1:${port}`, datasetHandleOf(itemOf(events[i]))) !==
          undefined;

      server = await spawnHandleServer(ws, { port, dataFile });
      await produce(kafka.bootstrap, ws.topic, [message(0)], { partitions: 1 });
      const up = await consume(ws);
      assert.equal(up.code, 0, up.stderr);
      assert.ok(await registered(0));

      await server.stop();
      server = undefined;
      await produce(kafka.bootstrap, ws.topic, [message(1)]);
      const down = await consume(ws);
      assert.equal(down.code, 3, down.stderr);
      assert.match(down.stderr, new RegExp(`stopped: .*127\\.0\\.0\\.1:${port}`));
      assert.deepEqual(await readJsonLines(outputs), []);

      server = await spawnHandleServer(ws, { port, dataFile });
      const back = await consume(ws);
      assert.equal(back.code, 0, back.stderr);
      assert.equal(summaryCount(back.stderr, "messages"), 1);
      assert.ok(await registered(1), "the event is not registered after the restart");
      assert.ok(await registered(0), "the data file lost the first event");

      await server.stop();
      server = undefined;
      await produce(kafka.bootstrap, ws.topic, [message(2)]);
      const forced = await consume(ws, "--force");
      assert.equal(forced.code, 0, forced.stderr);
      const { file: skippedFile, infos } = await onlySkipped(outputs);
      assert.equal(infos.key, itemOf(events[2]).id);
      assert.match(String(infos.reason), /^TRANSIENT /);
      assert.ok(Number(infos.attempts) >= 1);

      server = await spawnHandleServer(ws, { port, dataFile });
      assert.equal(await registered(2), false);
      await retryDeleting(ws, skippedFile);
      for (const i of [0, 1, 2]) assert.ok(await registered(i), `event ${i}`);
      assert.deepEqual(await readJsonLines(join(outputs, "failures")), []);
    } finally {
      await server?.stop();
      await ws.remove();
      await kafka.stop();
    }
  },
);

Deno.test(
  "consume: max_errors = 1 stops after the first failure with exit 1",
  kafkaTest,
  async () => {
    const { kafka, handles, ws, stop } = await startKafkaServices({
      workspace: { sections: { consumer: ["max_errors = 1", "concurrency = 1"] } },
    });
    try {
      const valid = [1, 2].map((m) =>
        makeCmip6Event({ files: 1, itemId: testItemId("1pctCO2", m) })
      );
      await produce(kafka.bootstrap, ws.topic, [
        { key: "k", value: JSON.stringify(valid[0]) },
        { key: "k", value: "{not json" },
        { key: "k", value: JSON.stringify(valid[1]) },
        { key: "k", value: "{not json either" },
      ], { partitions: 1 });
      const first = await consume(ws);
      assert.equal(first.code, 1, first.stderr);
      assert.match(first.stderr, /max_errors/);
      assert.equal(summaryCount(first.stderr, "errors"), 1);
      assert.ok(await resolveHandle(handles.url, datasetHandleOf(itemOf(valid[0]))));
      assert.equal(
        await resolveHandle(handles.url, datasetHandleOf(itemOf(valid[1]))),
        undefined,
        "the consumer went on after max_errors",
      );
      const failures = join(ws.dir, "outputs", "failures", "r0");
      assert.equal((await readJsonLines(failures)).length, 1);

      // the failure was recorded and committed; the next run starts after it
      const second = await consume(ws);
      assert.equal(second.code, 1, second.stderr);
      assert.equal(summaryCount(second.stderr, "messages"), 2);
      assert.ok(await resolveHandle(handles.url, datasetHandleOf(itemOf(valid[1]))));
      const recorded = await readJsonLines(failures);
      assert.deepEqual(
        recorded.map((f) => (f.__infos__ as { source: { offset: string } }).source.offset),
        ["1", "3"],
      );
    } finally {
      await stop();
    }
  },
);
