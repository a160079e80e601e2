/**
 * `consume` rides out outages (issue 20), end to end: the real CLI, the real broker, the
 * project's `handle-server` (stopped and started again on the same port, its records
 * kept in a data file) and the test STAC API. The process never exits during an outage,
 * `/health/ready` is 503 naming what is waited for and 200 after, and every handle is
 * registered afterwards with nothing skipped or failed.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { datasetHandleOf, expectedRecords, itemIdOf } from "../fixtures/expected.ts";
import { makeCmip6Events, makeCmip6Item, makePatchEvent, testItemId } from "../fixtures/events.ts";
import { startStacServer } from "../fixtures/stac_server.ts";
import { expectedProjectRecords, PROJECT_FACTS, projectEvent } from "../fixtures/projects.ts";
import { type HandleServer, startHandleServer } from "../../src/handle_server/mod.ts";
import {
  kafkaForTests,
  listFiles,
  makeWorkspace,
  produce,
  resolveHandle,
  startKafkaServices,
  startTestHandleServer,
  summaryCount,
} from "../helpers.ts";
import { freePort, pause, startConsume, until } from "./outage_support.ts";

const kafkaTest = { sanitizeOps: false, sanitizeResources: false };

/** Outage length of the stand-in server test, seconds. */
const OUTAGE_SECONDS = Number(Deno.env.get("PIDDI_OUTAGE_SECONDS") ?? "12");

/** Quick probes for the tests: the first after 0.2 s, then at most every 1 s. */
const PROBES = ["probe_initial = 0.2", "probe_max = 1.0"];

function messages(events: Record<string, unknown>[]): Array<{ key: string; value: string }> {
  return events.map((e) => ({ key: itemIdOf(e), value: JSON.stringify(e) }));
}

function handleCount(events: Record<string, unknown>[]): number {
  return events.reduce((n, e) => n + expectedRecords(e).size, 0);
}

Deno.test(
  "consume: the Handle server stopped mid-consume; no exit, ready 503 then 200, every handle registered, nothing skipped or failed",
  kafkaTest,
  async () => {
    const kafka = await kafkaForTests();
    const dir = await Deno.makeTempDir({ prefix: "piddi-outage-" });
    const dataFile = join(dir, "handles.data");
    let server = await startTestHandleServer({ dataFile });
    const port = server.port;
    const ws = await makeWorkspace({
      bootstrap: kafka.bootstrap,
      handleUrl: server.url,
      sections: { "consumer.transient": PROBES },
    });
    try {
      const before = makeCmip6Events(20, "before", { files: 1 });
      const during = makeCmip6Events(20, "during", { files: 1 });
      await produce(kafka.bootstrap, ws.topic, messages(before));
      const run = startConsume(ws.config, { cwd: ws.dir, args: ["--idle-timeout", "5"] });
      try {
        await until(() => server.size() >= 4, "the first registrations");
        await server.close();
        await produce(kafka.bootstrap, ws.topic, messages(during));
        await until(async () => (await run.ready()).waiting.length > 0, "waiting named");
        const waiting = await run.ready();
        assert.equal(waiting.status, 503);
        assert.ok(
          waiting.waiting.some((w) => w.dependency === "Handle service default" && w.since),
          `ready names the service and since when: ${JSON.stringify(waiting)}`,
        );
        assert.equal(await run.live(), 200, "live stays 200");
        await pause(OUTAGE_SECONDS * 1000);
        assert.equal(run.ended(), false, "the process did not exit during the outage");
        assert.match(
          await run.metrics(),
          /piddiplatsch_dependency_up\{dependency="Handle service default"\} 0/,
        );
        server = await startTestHandleServer({ dataFile, port });
        const expected = handleCount(before) + handleCount(during);
        await until(() => server.size() >= expected, `${expected} handles`, 60_000);
        await until(async () => (await run.ready()).status === 200, "ready 200 again", 30_000);
        const { code, stderr } = await run.done;
        assert.equal(code, 0, stderr);
        assert.equal(summaryCount(stderr, "errors"), 0);
        assert.equal(summaryCount(stderr, "skipped"), 0);
        assert.match(stderr, /waiting for Handle service default since/);
        assert.equal(server.size(), expected);
        assert.deepEqual(await listFiles(join(ws.dir, "outputs", "skipped")), []);
        assert.deepEqual(await listFiles(join(ws.dir, "outputs", "failures")), []);
      } finally {
        await run.stop();
      }
    } finally {
      await server.close();
      await ws.remove();
      await Deno.remove(dir, { recursive: true });
      await kafka.stop();
    }
  },
);

Deno.test(
  "consume: one of two profiles down; the other profile's events are registered during the outage, the rest after",
  kafkaTest,
  async () => {
    const kafka = await kafkaForTests();
    const account = (prefix: string) => ({
      prefix,
      username: `300:${prefix}/user`,
      password: "secret",
    });
    const six = await startHandleServer(account("21.14100"));
    const sevenPort = freePort();
    let seven: HandleServer | undefined;
    const profile = (url: string, prefix: string): string[] => [
      `server_url = "${url}"`,
      `prefix = "${prefix}"`,
      `username = "300:${prefix}/user"`,
      'password = "secret"',
    ];
    const ws = await makeWorkspace({
      bootstrap: kafka.bootstrap,
      sections: {
        consumer: ['projects = ["cmip6", "cmip7"]'],
        "consumer.transient": PROBES,
        handles: ['default = "six"'],
        "handles.profiles.six": profile(six.url, "21.14100"),
        "handles.profiles.seven": profile(`http://127.0.0.1:${sevenPort}`, "21.14107"),
        "plugins.cmip7": ['handle = "seven"'],
      },
    });
    try {
      const events: Array<{ project: "cmip6" | "cmip7"; event: Record<string, unknown> }> = [];
      for (let n = 1; n <= 12; n++) {
        const version = `v203001${String(n).padStart(2, "0")}`;
        for (const project of ["cmip7", "cmip6"] as const) {
          events.push({
            project,
            event: await projectEvent(project, { withPids: false, version }),
          });
        }
      }
      const count = (project: string): number =>
        events.filter((e) => e.project === project).reduce((n, e) =>
          n +
          expectedProjectRecords(e.event, {
            project: e.project,
            prefix: PROJECT_FACTS[e.project].prefix,
          }).size, 0);
      await produce(
        kafka.bootstrap,
        ws.topic,
        events.map(({ event }) => ({ key: itemIdOf(event), value: JSON.stringify(event) })),
      );
      const run = startConsume(ws.config, { cwd: ws.dir, args: ["--idle-timeout", "5"] });
      try {
        // CMIP7's server is down from the start: CMIP6's events go on meanwhile.
        await until(() => six.size() >= count("cmip6"), "every CMIP6 handle", 60_000);
        // the CMIP7 events are held once their retries are spent (which may end after CMIP6's)
        let ready = await run.ready();
        await until(async () => (ready = await run.ready()).waiting.length > 0, "the wait", 30_000);
        assert.equal(ready.status, 503);
        assert.deepEqual(ready.waiting.map((w) => w.dependency), ["Handle service seven"]);
        assert.match(await run.metrics(), /piddiplatsch_events_held \d+/);
        assert.equal(run.ended(), false);
        seven = await startHandleServer({ ...account("21.14107"), port: sevenPort });
        await until(() => seven!.size() >= count("cmip7"), "every CMIP7 handle", 60_000);
        const { code, stderr } = await run.done;
        assert.equal(code, 0, stderr);
        assert.equal(summaryCount(stderr, "errors"), 0);
        assert.equal(summaryCount(stderr, "skipped"), 0);
        assert.equal(six.size(), count("cmip6"));
        assert.equal(seven.size(), count("cmip7"));
      } finally {
        await run.stop();
      }
    } finally {
      await six.close();
      await seven?.close();
      await ws.remove();
      await kafka.stop();
    }
  },
);

Deno.test(
  "consume: the STAC API down for a PATCH; the POST events go on, the PATCH waits and is registered once the API is back",
  kafkaTest,
  async () => {
    const item = makeCmip6Item({ files: 1, itemId: testItemId("patched", 1) });
    const stac = startStacServer([item]);
    await stac.stop();
    const { kafka, handles, ws, stop } = await startKafkaServices({
      workspace: { stacUrl: stac.url, sections: { "consumer.transient": PROBES } },
    });
    try {
      const patch = makePatchEvent(String(item.id), [
        { op: "add", path: "/properties/retracted", value: true },
      ]);
      const posts = makeCmip6Events(5, "posted", { files: 1 });
      await produce(kafka.bootstrap, ws.topic, [
        { key: String(item.id), value: JSON.stringify(patch) },
        ...messages(posts),
      ]);
      const run = startConsume(ws.config, { cwd: ws.dir, args: ["--idle-timeout", "5"] });
      try {
        await until(() => handles.size() >= handleCount(posts), "the POST events registered");
        await until(async () => (await run.ready()).waiting.length > 0, "waiting named");
        const ready = await run.ready();
        assert.equal(ready.status, 503);
        assert.deepEqual(ready.waiting.map((w) => w.dependency), ["STAC API"]);
        assert.equal(await resolveHandle(handles.url, datasetHandleOf(item)), undefined);
        assert.equal(run.ended(), false);
        stac.restart();
        const { code, stderr } = await run.done;
        assert.equal(code, 0, stderr);
        assert.equal(summaryCount(stderr, "errors"), 0);
        assert.equal(summaryCount(stderr, "skipped"), 0);
        const dataset = await resolveHandle(handles.url, datasetHandleOf(item));
        assert.ok(dataset?.RETRACTED_ON, "the patched dataset is registered, retracted");
      } finally {
        await run.stop();
      }
    } finally {
      await stac.stop();
      await stop();
    }
  },
);
