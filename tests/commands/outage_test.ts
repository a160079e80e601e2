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
import { startKafkaBroker } from "../../tools/kafka/broker.ts";
import { fill, mountTmpfs } from "../outcome/tmpfs.ts";
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
        const ready = await run.ready();
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

Deno.test(
  "consume --idle-timeout: a broker gone is not idle; exit 3 once kafka.connect_timeout has passed",
  kafkaTest,
  async () => {
    // A broker of this test alone: it is killed.
    const broker = await startKafkaBroker();
    let stopped = false;
    const handles = await startTestHandleServer({ latencyMs: 20 });
    const ws = await makeWorkspace({
      bootstrap: broker.bootstrap,
      handleUrl: handles.url,
      sections: { kafka: ["connect_timeout = 10"] },
    });
    try {
      const events = makeCmip6Events(30, "broker", { files: 1 });
      await produce(broker.bootstrap, ws.topic, messages(events));
      const run = startConsume(ws.config, { cwd: ws.dir, args: ["--idle-timeout", "3"] });
      try {
        await until(() => handles.size() >= handleCount(events), "the events registered");
        await broker.stop();
        stopped = true;
        // Three idle timeouts later the run is still there: the broker's absence is no idle topic.
        await pause(9_000);
        assert.equal(run.ended(), false, "exited while the broker was away");
        const { code, stderr } = await run.done;
        assert.equal(code, 3, stderr);
        assert.match(stderr, /connect_timeout/);
      } finally {
        await run.stop();
      }
    } finally {
      if (!stopped) await broker.stop();
      await handles.close();
      await ws.remove();
    }
  },
);

Deno.test(
  "consume: a full output folder holds the failed events unacknowledged (one line naming the path), no torn line; written once there is room",
  kafkaTest,
  async () => {
    const { kafka, handles, ws, stop } = await startKafkaServices({
      workspace: { sections: { "consumer.transient": PROBES } },
    });
    const outputs = join(ws.dir, "outputs");
    // As root: a 64 KiB tmpfs, filled up; else a folder without write permission.
    const tmpfs = await mountTmpfs("64k", { at: outputs });
    let unblock: () => Promise<void>;
    if (tmpfs) {
      const filler = await fill(outputs);
      unblock = () => Deno.remove(filler);
    } else {
      await Deno.mkdir(outputs, { recursive: true });
      await Deno.chmod(outputs, 0o500);
      unblock = () => Deno.chmod(outputs, 0o700);
    }
    try {
      const good = makeCmip6Events(3, "roomy", { files: 1 });
      const bad = [1, 2, 3].map((n) => ({
        key: `bad-${n}`,
        value: `{not json ${"x".repeat(3000)}`,
      }));
      await produce(kafka.bootstrap, ws.topic, [...messages(good), ...bad]);
      const run = startConsume(ws.config, { cwd: ws.dir, args: ["--idle-timeout", "4"] });
      try {
        await until(() => handles.size() >= handleCount(good), "the good events registered");
        await until(async () => (await run.ready()).waiting.length > 0, "waiting named");
        const ready = await run.ready();
        assert.equal(ready.status, 503);
        assert.equal(ready.waiting[0].dependency, "output folder");
        assert.ok(
          ready.waiting[0].reason.includes(join(outputs, "failures")),
          ready.waiting[0].reason,
        );
        await pause(2_000);
        assert.equal(run.ended(), false);
        await unblock();
        const { code, stderr } = await run.done;
        assert.equal(code, 0, stderr);
        assert.equal(summaryCount(stderr, "errors"), 3);
        assert.match(stderr, /waiting for output folder since .*cannot write /);
        const dir = join(outputs, "failures", "r0");
        const [file] = await listFiles(dir);
        const text = await Deno.readTextFile(join(dir, file));
        assert.ok(text.endsWith("\n"));
        const lines = text.trim().split("\n").map((l) => JSON.parse(l));
        assert.equal(lines.length, 3, "each failed event recorded once, whole");
      } finally {
        await run.stop();
      }
    } finally {
      await tmpfs?.unmount();
      await stop();
    }
  },
);

Deno.test(
  'consume with on_outage = "stop": the Python tool\'s behaviour, exit 3 after the retries, nothing committed past the event',
  kafkaTest,
  async () => {
    const { kafka, handles, ws, stop } = await startKafkaServices({
      workspace: { sections: { "consumer.transient": ['on_outage = "stop"'] } },
    });
    try {
      await handles.close();
      const events = makeCmip6Events(2, "stopping", { files: 1 });
      await produce(kafka.bootstrap, ws.topic, messages(events));
      const run = startConsume(ws.config, { cwd: ws.dir, args: ["--idle-timeout", "20"] });
      const { code, stderr } = await run.done;
      assert.equal(code, 3, stderr);
      assert.match(stderr, /stopped: TRANSIENT Handle service/);
      assert.deepEqual(await listFiles(join(ws.dir, "outputs", "skipped")), []);
    } finally {
      await stop();
    }
  },
);
