/**
 * The commands that register, end to end against real Handle.Net 9.2.0 servers (one per
 * prefix: 21.14100, 21.14103, 21.14107), each reached over HTTPS with its self-signed
 * certificate pinned (`tls_pin_sha256`): consume through the real broker, every project on
 * its own server, retry, verify, publish, and a refused login. The three servers serve every
 * step of this file (one start, ~5 s each); the steps use events of their own. Where
 * `../shared/handle-net` is absent the test is reported as ignored; where Java or a server
 * cannot start it fails.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { FailureRecorder } from "../../src/outcome/mod.ts";
import { expectedRecords, itemIdOf } from "../fixtures/expected.ts";
import { makeCmip6Event, makeCmip6Events } from "../fixtures/events.ts";
import {
  expectedProjectRecords,
  itemOfEvent,
  PROJECT_FACTS,
  projectEvent,
  SAMPLE_PROJECTS,
} from "../fixtures/projects.ts";
import { projectEvents, projectSummary, type TopicEvent } from "../fixtures/project_servers.ts";
import {
  kafkaForTests,
  listFiles,
  makeWorkspace,
  produce,
  runCli,
  summaryCount,
  type Workspace,
} from "../helpers.ts";
import {
  assertOnServer,
  deleteReal,
  editReal,
  type RealHandleServer,
  realHandleTest,
  realProfileLines,
  type RealServers,
  resolveReal,
  startRealServers,
  underPrefix,
} from "../support/real_handle_services.ts";

const PREFIXES = ["21.14100", "21.14103", "21.14107"] as const;
const USER = "user";
const password = (prefix: string): string => `real-secret-${prefix}`;
const profileName = (prefix: string): string => `p${prefix.replace("21.", "")}`;

/** The passwords of the profiles, from the environment (PIDDI_HANDLE_<NAME>_PASSWORD). */
const ENV = Object.fromEntries(
  PREFIXES.map((p) => [`PIDDI_HANDLE_${profileName(p).toUpperCase()}_PASSWORD`, password(p)]),
);

/** One pinned profile per server; CMIP7 and CORDEX-CMIP6 on their own prefixes. */
function profileSections(
  servers: RealServers,
  projects: string[] | "all" = "all",
): Record<string, string[]> {
  const sections: Record<string, string[]> = {
    consumer: [`projects = ${projects === "all" ? '"all"' : JSON.stringify(projects)}`],
    handles: [`default = "${profileName("21.14100")}"`],
    "handles.defaults": ["timeout = 10.0"],
    "plugins.cmip7": [`handle = "${profileName("21.14107")}"`],
    "plugins.cordex-cmip6": [`handle = "${profileName("21.14103")}"`],
  };
  for (const [prefix, server] of servers.byPrefix) {
    sections[`handles.profiles.${profileName(prefix)}`] = realProfileLines(server);
  }
  return sections;
}

/**
 * Every expected record of the project events on its project's server (a real server holds
 * no other prefix: it answers "That prefix doesn't live here" to a write of one).
 */
async function assertProjectsRegistered(servers: RealServers, events: TopicEvent[]): Promise<void> {
  for (const { project, event } of events) {
    const prefix = PROJECT_FACTS[project].prefix;
    const expected = expectedProjectRecords(event, { project, prefix });
    await assertOnServer(servers.byPrefix.get(prefix)!, expected);
  }
}

const cmip6 = (servers: RealServers): RealHandleServer => servers.byPrefix.get("21.14100")!;

realHandleTest({
  name: "real Handle.Net servers: consume, projects, retry, verify, publish, a refused login",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const servers = await startRealServers(PREFIXES, { user: USER, password });
    const kafka = await kafkaForTests();
    const workspaces: Workspace[] = [];
    const workspace = async (
      sections: Record<string, string[]> = profileSections(servers),
    ): Promise<Workspace> => {
      const ws = await makeWorkspace({ bootstrap: kafka.bootstrap, sections });
      workspaces.push(ws);
      return ws;
    };
    const cli = (ws: Workspace, ...args: string[]) =>
      runCli(["-c", ws.config, ...args], { cwd: ws.dir, env: ENV });
    try {
      await t.step(
        "consume registers every record field by field; a second run reads nothing",
        async () => {
          const ws = await workspace();
          const events = makeCmip6Events(3, "realconsume");
          events.push(makeCmip6Event({
            files: 2,
            itemId: "CMIP6.CMIP.TEST-INST.TEST-ESM1-0.realconsume.r9i1p1f1.Amon.pr.gn.v20240101",
            replicas: ["replica-a.example.net", "replica-b.example.net"],
          }));
          await produce(
            kafka.bootstrap,
            ws.topic,
            events.map((e) => ({ key: itemIdOf(e), value: JSON.stringify(e) })),
          );
          const first = await cli(ws, "consume", "--idle-timeout", "4");
          assert.equal(first.code, 0, first.stderr);
          assert.equal(summaryCount(first.stderr, "messages"), 4);
          assert.equal(summaryCount(first.stderr, "handles"), 3 * 4 + 3);
          assert.equal(summaryCount(first.stderr, "errors"), 0);
          for (const event of events) {
            await assertOnServer(cmip6(servers), underPrefix(expectedRecords(event), "21.14100"));
          }
          const replicated = underPrefix(expectedRecords(events[3]), "21.14100");
          const dataset = await resolveReal(cmip6(servers), [...replicated.keys()].at(-1)!);
          const nodes = JSON.parse(dataset!.REPLICA_NODES) as Array<{ host: string }>;
          assert.deepEqual(nodes.map((n) => n.host), [
            "replica-a.example.net",
            "replica-b.example.net",
          ]);
          const file = await resolveReal(cmip6(servers), [...replicated.keys()][0]);
          assert.equal(JSON.parse(file!.REPLICA_DOWNLOAD_URLS).length, 2);

          const second = await cli(ws, "consume", "--idle-timeout", "3");
          assert.equal(second.code, 0, second.stderr);
          assert.equal(
            summaryCount(second.stderr, "messages"),
            0,
            "the second run read events again",
          );
        },
      );

      await t.step(
        "consume, projects = all: each project on its own server",
        async () => {
          const ws = await workspace();
          const events = await projectEvents();
          await produce(
            kafka.bootstrap,
            ws.topic,
            events.map(({ event }) => ({
              key: String(itemOfEvent(event).id),
              value: JSON.stringify(event),
            })),
          );
          const run = await cli(ws, "consume", "--idle-timeout", "4");
          assert.equal(run.code, 0, run.stderr);
          assert.equal(summaryCount(run.stderr, "messages"), 8);
          assert.equal(summaryCount(run.stderr, "errors"), 0);
          for (const project of SAMPLE_PROJECTS) {
            assert.equal(projectSummary(run.stderr, project).handles, 4, `${project} handles`);
          }
          await assertProjectsRegistered(servers, events);
        },
      );

      await t.step(
        "retry of a failure file that mixes projects sends each event to its project's server",
        async () => {
          const ws = await workspace();
          const events: TopicEvent[] = [];
          for (const project of SAMPLE_PROJECTS) {
            events.push({
              project,
              event: await projectEvent(project, { withPids: false, version: "v20300404" }),
            });
          }
          const recorder = new FailureRecorder(join(ws.dir, "outputs"));
          for (const [i, { project, event }] of events.entries()) {
            await recorder.record(
              {
                key: String(itemOfEvent(event).id),
                value: JSON.stringify(event),
                source: { topic: "t", partition: 0, offset: String(i) },
                retries: 0,
                ack: () => {},
              },
              "TRANSIENT earlier outage",
              { project },
            );
          }
          const file = recorder.pathFor(0);
          await recorder.close();
          const run = await cli(ws, "retry", file);
          assert.equal(run.code, 0, run.stdout + run.stderr);
          assert.match(run.stdout, /4 succeeded, 0 failed/);
          await assertProjectsRegistered(servers, events);
        },
      );

      await t.step(
        "verify: clean after map; a deleted handle and a changed field are found",
        async () => {
          const ws = await workspace();
          const events = makeCmip6Events(3, "realverify", { files: 2 });
          await Deno.writeTextFile(
            join(ws.dir, "events.jsonl"),
            events.map((e) => JSON.stringify(e)).join("\n") + "\n",
          );
          const dry = await cli(ws, "map", "--dry-run", "events.jsonl");
          assert.equal(dry.code, 0, dry.stderr);
          const mapped = await cli(ws, "map", "events.jsonl");
          assert.equal(mapped.code, 0, mapped.stderr);
          assert.equal(summaryCount(mapped.stderr, "handles"), 9);
          const dryFile = join(
            "outputs",
            "handles",
            (await listFiles(join(ws.dir, "outputs", "handles")))[0],
          );
          for (const input of ["events.jsonl", dryFile]) {
            const clean = await cli(ws, "verify", input);
            assert.equal(clean.code, 0, `${input}: ${clean.stdout}${clean.stderr}`);
            assert.match(
              clean.stdout,
              /verify: 9 handle\(s\) from (3|9) input\(s\): 9 ok, 0 missing, 0 different/,
            );
          }
          const expected = [...underPrefix(expectedRecords(events[0]), "21.14100").keys()];
          const [gone, changed] = expected;
          await deleteReal(cmip6(servers), gone);
          await editReal(
            cmip6(servers),
            changed,
            (values) =>
              values.map((v) =>
                v.type === "CHECKSUM" ? { ...v, data: { format: "string", value: "tampered" } } : v
              ),
          );
          const run = await cli(ws, "verify", "events.jsonl");
          assert.notEqual(run.code, 0, run.stdout);
          assert.match(run.stdout, /9 handle\(s\) from 3 input\(s\): 7 ok, 1 missing, 1 different/);
          assert.match(run.stdout, new RegExp(`^missing ${gone}$`, "m"));
          assert.match(run.stdout, /: CHECKSUM: expected ".+", found "tampered"/);
        },
      );

      await t.step(
        "publish: a dry-run file lands on the server as map would register it",
        async () => {
          const ws = await workspace();
          const events = makeCmip6Events(4, "realpublish");
          await Deno.writeTextFile(
            join(ws.dir, "events.jsonl"),
            events.map((e) => JSON.stringify(e)).join("\n") + "\n",
          );
          const dry = await cli(ws, "map", "--dry-run", "events.jsonl");
          assert.equal(dry.code, 0, dry.stderr);
          const handleFile = join(
            "outputs",
            "handles",
            (await listFiles(join(ws.dir, "outputs", "handles")))[0],
          );
          const run = await cli(ws, "publish", handleFile);
          assert.equal(run.code, 0, run.stderr);
          assert.match(run.stdout, /16 handle\(s\) in 4 event\(s\): 16 created, 0 replaced/);
          for (const event of events) {
            await assertOnServer(cmip6(servers), underPrefix(expectedRecords(event), "21.14100"));
          }
          const again = await cli(ws, "publish", handleFile);
          assert.equal(again.code, 0, again.stderr);
          assert.match(again.stdout, /0 created, 16 replaced/);
        },
      );

      await t.step(
        "a wrong password stops the run with the server's reason; nothing registered",
        async () => {
          const ws = await workspace();
          const events = makeCmip6Events(1, "realrefused", { files: 1 });
          await Deno.writeTextFile(join(ws.dir, "events.jsonl"), JSON.stringify(events[0]) + "\n");
          const wrong = "not-the-password-x9";
          const run = await runCli(["-c", ws.config, "map", "events.jsonl"], {
            cwd: ws.dir,
            env: { ...ENV, PIDDI_HANDLE_P14100_PASSWORD: wrong },
          });
          assert.notEqual(run.code, 0, run.stderr);
          const output = run.stdout + run.stderr;
          assert.ok(output.includes(cmip6(servers).url), output);
          assert.match(
            output,
            /did not authenticate user 300:21\.14100\/user: Identity not verified/,
          );
          assert.equal(output.split("\n").filter((l) => l.startsWith("stopped: ")).length, 1);
          assert.ok(!output.includes(wrong), "the password reached the output");
          assert.doesNotMatch(output, /^\s+at /m, "a stack trace");
          for (const handle of underPrefix(expectedRecords(events[0]), "21.14100").keys()) {
            assert.equal(await resolveReal(cmip6(servers), handle), undefined, handle);
          }
        },
      );
    } finally {
      for (const ws of workspaces) await ws.remove();
      await kafka.stop();
      await servers.close();
    }
  },
});
