/**
 * Every project on one topic, each on its own Handle server: events of the four
 * projects (made from the project's samples, with and without source PIDs), an unknown
 * project and a collection_id/collection conflict go through the real broker, the
 * real CLI and three real `handle-server`s (one per prefix).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { FailureRecorder } from "../../src/outcome/mod.ts";
import {
  itemOfEvent,
  PROJECT_FACTS,
  SAMPLE_PROJECTS,
  samplePath,
  type SampleProject,
} from "../fixtures/projects.ts";
import { pythonToolTest } from "../fixtures/python_tool.ts";
import {
  kafkaForTests,
  makeWorkspace,
  produce,
  readJsonLines,
  runCli,
  summaryCount,
  uniqueName,
  type Workspace,
} from "../helpers.ts";
import {
  assertRegistered,
  assertServerSizes,
  conflictEvent,
  profileEnv,
  profileName,
  profileSections,
  projectEvents,
  projectSummary,
  startServers,
  unknownProjectEvent,
} from "../fixtures/project_servers.ts";

const kafkaTest = { sanitizeOps: false, sanitizeResources: false };
type Json = Record<string, unknown>;

Deno.test(
  "consume, projects = all: each project on its own server, field by field; conflicts fail; counts per project",
  kafkaTest,
  async () => {
    const kafka = await kafkaForTests();
    const servers = await startServers();
    let ws: Workspace | undefined;
    try {
      const dbPath = "stats.db";
      ws = await makeWorkspace({
        bootstrap: kafka.bootstrap,
        sections: {
          ...profileSections(servers, "all"),
          stats: [`enable_db = true`, `db_path = "${dbPath}"`],
        },
      });
      const events = await projectEvents();
      const all = [
        ...events.map((e) => e.event),
        await unknownProjectEvent(),
        await conflictEvent(),
      ];
      await produce(
        kafka.bootstrap,
        ws.topic,
        all.map((e) => ({ key: String(itemOfEvent(e).id), value: JSON.stringify(e) })),
      );
      const run = await runCli(["-c", ws.config, "consume", "--idle-timeout", "4"], {
        cwd: ws.dir,
        env: profileEnv(),
      });
      assert.equal(run.code, 0, run.stderr);
      await assertRegistered(servers, events);
      assertServerSizes(servers, events);

      const failures = await readJsonLines(join(ws.dir, "outputs", "failures"));
      assert.equal(failures.length, 1);
      const reason = String((failures[0].__infos__ as Json).reason);
      assert.equal(
        reason,
        'project mismatch: data.payload.collection_id is "CMIP7" but item.collection is "CMIP6"',
      );

      assert.equal(summaryCount(run.stderr, "messages"), 10);
      assert.equal(summaryCount(run.stderr, "errors"), 1);
      assert.equal(summaryCount(run.stderr, "filtered"), 1);
      for (const project of SAMPLE_PROJECTS) {
        const counts = projectSummary(run.stderr, project);
        assert.equal(counts.messages, 2, `${project} messages`);
        assert.equal(counts.handles, 4, `${project} handles`);
        assert.equal(counts.errors, 0, `${project} errors`);
        assert.equal(counts.filtered, 0, `${project} filtered`);
      }
      const unknown = projectSummary(run.stderr, "obs4mips");
      assert.equal(unknown.messages, 1);
      assert.equal(unknown.filtered, 1);

      const db = new DatabaseSync(join(ws.dir, dbPath));
      try {
        const rows = db.prepare(
          "SELECT project, messages, handles, errors, filtered FROM project_stats WHERE kind = 'final' ORDER BY project",
        ).all() as Array<Record<string, unknown>>;
        assert.deepEqual(rows.map((r) => ({ ...r })), [
          { project: "cmip6", messages: 2, handles: 4, errors: 0, filtered: 0 },
          { project: "cmip6plus", messages: 2, handles: 4, errors: 0, filtered: 0 },
          { project: "cmip7", messages: 2, handles: 4, errors: 0, filtered: 0 },
          { project: "cordex-cmip6", messages: 2, handles: 4, errors: 0, filtered: 0 },
          { project: "obs4mips", messages: 1, handles: 0, errors: 0, filtered: 1 },
        ]);
        const total = db.prepare(
          "SELECT messages, handles, errors FROM message_stats WHERE kind = 'final'",
        ).get() as Record<string, unknown>;
        assert.deepEqual({ ...total }, { messages: 10, handles: 16, errors: 1 });
      } finally {
        db.close();
      }
    } finally {
      await servers.close();
      await ws?.remove();
      await kafka.stop();
    }
  },
);

Deno.test(
  "consume --project cmip7 registers CMIP7 only; --all-projects with a new group the rest",
  kafkaTest,
  async () => {
    const kafka = await kafkaForTests();
    const servers = await startServers();
    let ws: Workspace | undefined;
    try {
      ws = await makeWorkspace({
        bootstrap: kafka.bootstrap,
        sections: profileSections(servers, ["cmip6"]),
      });
      const events = await projectEvents();
      await produce(
        kafka.bootstrap,
        ws.topic,
        events.map(({ event }) => ({
          key: String(itemOfEvent(event).id),
          value: JSON.stringify(event),
        })),
      );
      const first = await runCli(
        ["-c", ws.config, "consume", "--project", "cmip7", "--idle-timeout", "4"],
        { cwd: ws.dir, env: profileEnv() },
      );
      assert.equal(first.code, 0, first.stderr);
      const cmip7 = events.filter((e) => e.project === "cmip7");
      await assertRegistered(servers, cmip7);
      assertServerSizes(servers, cmip7);
      assert.equal(summaryCount(first.stderr, "filtered"), 6);
      assert.equal(projectSummary(first.stderr, "cmip7").handles, 4);
      for (const project of ["cmip6", "cmip6plus", "cordex-cmip6"]) {
        const counts = projectSummary(first.stderr, project);
        assert.equal(counts.filtered, 2, `${project} filtered`);
        assert.equal(counts.handles, 0, `${project} handles`);
      }

      // A second process for the other projects needs its own group.id.
      const text = await Deno.readTextFile(ws.config);
      const config2 = join(ws.dir, "second.toml");
      await Deno.writeTextFile(
        config2,
        text.replace(/"group\.id" = "[^"]+"/, `"group.id" = "${uniqueName("group")}"`),
      );
      const second = await runCli(
        ["-c", config2, "consume", "--all-projects", "--idle-timeout", "4"],
        { cwd: ws.dir, env: profileEnv() },
      );
      assert.equal(second.code, 0, second.stderr);
      await assertRegistered(servers, events);
      assertServerSizes(servers, events);
      assert.equal(summaryCount(second.stderr, "messages"), 8);
      assert.equal(summaryCount(second.stderr, "filtered"), 0);
    } finally {
      await servers.close();
      await ws?.remove();
      await kafka.stop();
    }
  },
);

Deno.test("retry of a failure file that mixes projects sends each event to its project's server", async () => {
  const servers = await startServers();
  const ws = await makeWorkspace({ sections: profileSections(servers, "all") });
  try {
    const events = await projectEvents();
    // The failure file as the pipeline writes it (the same recorder).
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
    const lines = await readJsonLines(join(ws.dir, "outputs", "failures"));
    assert.deepEqual(
      lines.map((l) => (l.__infos__ as Json).project),
      events.map((e) => e.project),
      "failure records carry __infos__.project",
    );
    const run = await runCli(["-c", ws.config, "retry", file], { cwd: ws.dir, env: profileEnv() });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /8 succeeded, 0 failed/);
    await assertRegistered(servers, events);
    assertServerSizes(servers, events);
  } finally {
    await servers.close();
    await ws.remove();
  }
});

Deno.test("map --dry-run over the samples: lines name the project and profile", async () => {
  const servers = await startServers();
  const ws = await makeWorkspace({ sections: profileSections(servers, "all") });
  try {
    const paths = SAMPLE_PROJECTS.map(samplePath);
    const run = await runCli(["-c", ws.config, "map", "--dry-run", ...paths], {
      cwd: ws.dir,
      env: profileEnv(),
    });
    assert.equal(run.code, 0, run.stderr);
    const lines = await readJsonLines(join(ws.dir, "outputs", "handles"));
    assert.equal(lines.length, 8);
    for (const line of lines) {
      const project = line.project as SampleProject;
      const prefix = PROJECT_FACTS[project].prefix;
      assert.equal(line.profile, profileName(prefix), `${line.handle}`);
      assert.ok(String(line.handle).startsWith(`${prefix}/`), `${line.handle}`);
    }
    for (const server of servers.byPrefix.values()) assert.equal(server.size(), 0, "dry run");
  } finally {
    await servers.close();
    await ws.remove();
  }
});

pythonToolTest(
  "the Python tool's configurations run map --dry-run over the samples",
  async (seeds) => {
    const paths = SAMPLE_PROJECTS.map(samplePath);
    for (const name of ["esgf-example.toml", "observe.toml"]) {
      const dir = await Deno.makeTempDir();
      try {
        const config = join(seeds, name);
        const valid = await runCli(["-c", config, "config", "validate"], { cwd: dir });
        assert.equal(valid.code, 0, `${name}: ${valid.stdout}`);
        const run = await runCli(["-c", config, "map", "--dry-run", ...paths], { cwd: dir });
        assert.equal(run.code, 0, `${name}: ${run.stderr}`);
        // processor = "cmip6": CMIP6 is mapped, the other three projects are filtered
        const lines = await readJsonLines(join(dir, "outputs", "handles"));
        assert.deepEqual([...new Set(lines.map((l) => l.project))], ["cmip6"], name);
        assert.equal(summaryCount(run.stderr, "filtered"), 3, name);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    }
  },
);

Deno.test("the first configuration example of docs/projects.md validates and runs map --dry-run over the samples", async () => {
  const doc = await Deno.readTextFile(new URL("../../docs/projects.md", import.meta.url));
  const toml = /```toml\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(toml, "docs/projects.md has a TOML example");
  const dir = await Deno.makeTempDir();
  try {
    const config = join(dir, "piddiplatsch.toml");
    await Deno.writeTextFile(config, toml);
    // The passwords come from the environment, as the example's comments say.
    const env = {
      PIDDI_HANDLE_DKRZ_PASSWORD: "dkrz-secret",
      PIDDI_HANDLE_CMIP7_PASSWORD: "7-secret",
    };
    const valid = await runCli(["-c", config, "config", "validate"], { cwd: dir, env });
    assert.equal(valid.code, 0, valid.stdout + valid.stderr);
    const paths = SAMPLE_PROJECTS.map(samplePath);
    const run = await runCli(["-c", config, "map", "--dry-run", ...paths], { cwd: dir, env });
    assert.equal(run.code, 0, run.stderr);
    const lines = await readJsonLines(join(dir, "outputs", "handles"));
    const seen = new Map(
      lines.map((l) => [l.project, [l.profile, String(l.handle).split("/")[0]]]),
    );
    assert.deepEqual(Object.fromEntries(seen), {
      cmip6: ["dkrz", "21.14100"],
      cmip7: ["cmip7", "21.14107"],
    });
    assert.equal(projectSummary(run.stderr, "cmip6plus").filtered, 1);
    assert.equal(projectSummary(run.stderr, "cordex-cmip6").filtered, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
