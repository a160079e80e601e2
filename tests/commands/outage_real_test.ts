/**
 * `consume` rides out outages of real Handle.Net 9.2.0 servers (issue 20), reached over
 * HTTPS with their certificates pinned: a server stopped for 90 s in mid-consume (the
 * process never exits, ready 503 during and 200 after, every handle registered, nothing
 * skipped or failed), and one of two profiles' servers down while the other profile's
 * events are registered. Where `../shared/handle-net` is absent the tests are reported as
 * ignored; where Java or a server cannot start they fail.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { expectedRecords, itemIdOf } from "../fixtures/expected.ts";
import { makeCmip6Events } from "../fixtures/events.ts";
import { expectedProjectRecords, PROJECT_FACTS, projectEvent } from "../fixtures/projects.ts";
import { kafkaForTests, listFiles, makeWorkspace, produce, summaryCount } from "../helpers.ts";
import {
  assertOnServer,
  type RealHandleServer,
  realHandleTest,
  realProfileLines,
  resolveReal,
  startRealServers,
  underPrefix,
} from "../support/real_handle_services.ts";
import { pause, startConsume, until } from "./outage_support.ts";

/** Outage length, seconds (the issue asks for 90). */
const OUTAGE_SECONDS = Number(Deno.env.get("PIDDI_REAL_OUTAGE_SECONDS") ?? "90");

/** Quick probes for the tests: the first after 0.2 s, then at most every 2 s. */
const PROBES = ["probe_initial = 0.2", "probe_max = 2.0"];

/** A pinned profile per server, its password in the file. */
function profiles(servers: Record<string, RealHandleServer>): Record<string, string[]> {
  const sections: Record<string, string[]> = {
    "consumer.transient": PROBES,
    "handles.defaults": ["timeout = 10.0"],
  };
  for (const [name, server] of Object.entries(servers)) {
    sections[`handles.profiles.${name}`] = [
      ...realProfileLines(server),
      `password = "${server.password}"`,
    ];
  }
  return sections;
}

/** Whether every handle of `expected` is on `server`. */
async function allOn(
  server: RealHandleServer,
  expected: Map<string, Record<string, string>>,
): Promise<boolean> {
  for (const handle of expected.keys()) {
    if (await resolveReal(server, handle) === undefined) return false;
  }
  return true;
}

realHandleTest({
  name:
    `real Handle.Net: the server stopped for ${OUTAGE_SECONDS} s mid-consume; no exit, ready 503 then 200, every handle registered, nothing skipped or failed`,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const servers = await startRealServers(["21.14100"]);
    const server = servers.byPrefix.get("21.14100")!;
    const kafka = await kafkaForTests();
    const ws = await makeWorkspace({
      bootstrap: kafka.bootstrap,
      sections: { ...profiles({ real: server }), handles: ['default = "real"'] },
    });
    try {
      const before = makeCmip6Events(10, "realbefore", { files: 1 });
      const during = makeCmip6Events(10, "realduring", { files: 1 });
      const expected = (events: Record<string, unknown>[]) =>
        new Map(events.flatMap((e) => [...underPrefix(expectedRecords(e), server.prefix)]));
      const messages = (events: Record<string, unknown>[]) =>
        events.map((e) => ({ key: itemIdOf(e), value: JSON.stringify(e) }));
      await produce(kafka.bootstrap, ws.topic, messages(before));
      const run = startConsume(ws.config, { cwd: ws.dir, args: ["--idle-timeout", "8"] });
      try {
        const first = new Map([...expected(before.slice(0, 1))]);
        await until(() => allOn(server, first), "the first registration", 120_000);
        await server.stop();
        await produce(kafka.bootstrap, ws.topic, messages(during));
        await until(async () => (await run.ready()).waiting.length > 0, "waiting named", 60_000);
        const ready = await run.ready();
        assert.equal(ready.status, 503);
        assert.equal(ready.waiting[0].dependency, "Handle service real");
        assert.equal(await run.live(), 200);
        await pause(OUTAGE_SECONDS * 1000);
        assert.equal(run.ended(), false, "the process did not exit during the outage");
        assert.equal((await run.ready()).status, 503);
        await server.start();
        await until(async () => (await run.ready()).status === 200, "ready 200 again", 60_000);
        const { code, stderr } = await run.done;
        assert.equal(code, 0, stderr);
        assert.equal(summaryCount(stderr, "errors"), 0);
        assert.equal(summaryCount(stderr, "skipped"), 0);
        await assertOnServer(server, expected([...before, ...during]));
        assert.deepEqual(await listFiles(join(ws.dir, "outputs", "skipped")), []);
        assert.deepEqual(await listFiles(join(ws.dir, "outputs", "failures")), []);
      } finally {
        await run.stop();
      }
    } finally {
      await ws.remove();
      await servers.close();
      await kafka.stop();
    }
  },
});

realHandleTest({
  name:
    "real Handle.Net: one of two profiles' servers down; the other's events registered during the outage",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const servers = await startRealServers(["21.14100", "21.14107"]);
    const six = servers.byPrefix.get("21.14100")!;
    const seven = servers.byPrefix.get("21.14107")!;
    const kafka = await kafkaForTests();
    const ws = await makeWorkspace({
      bootstrap: kafka.bootstrap,
      sections: {
        ...profiles({ six, seven }),
        consumer: ['projects = ["cmip6", "cmip7"]'],
        handles: ['default = "six"'],
        "plugins.cmip7": ['handle = "seven"'],
      },
    });
    try {
      const events: Array<{ project: "cmip6" | "cmip7"; event: Record<string, unknown> }> = [];
      for (let n = 1; n <= 6; n++) {
        const version = `v203002${String(n).padStart(2, "0")}`;
        for (const project of ["cmip7", "cmip6"] as const) {
          events.push({
            project,
            event: await projectEvent(project, { withPids: false, version }),
          });
        }
      }
      const expected = (project: "cmip6" | "cmip7") =>
        new Map(
          events.filter((e) => e.project === project).flatMap((e) => [
            ...expectedProjectRecords(e.event, { project, prefix: PROJECT_FACTS[project].prefix }),
          ]),
        );
      await seven.stop();
      await produce(
        kafka.bootstrap,
        ws.topic,
        events.map(({ event }) => ({ key: itemIdOf(event), value: JSON.stringify(event) })),
      );
      const run = startConsume(ws.config, { cwd: ws.dir, args: ["--idle-timeout", "8"] });
      try {
        await until(() => allOn(six, expected("cmip6")), "every CMIP6 handle", 120_000);
        const ready = await run.ready();
        assert.equal(ready.status, 503);
        assert.deepEqual(ready.waiting.map((w) => w.dependency), ["Handle service seven"]);
        assert.equal(run.ended(), false);
        await seven.start();
        const { code, stderr } = await run.done;
        assert.equal(code, 0, stderr);
        assert.equal(summaryCount(stderr, "errors"), 0);
        assert.equal(summaryCount(stderr, "skipped"), 0);
        await assertOnServer(seven, expected("cmip7"));
        await assertOnServer(six, expected("cmip6"));
      } finally {
        await run.stop();
      }
    } finally {
      await ws.remove();
      await servers.close();
      await kafka.stop();
    }
  },
});
