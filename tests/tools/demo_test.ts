import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeEvent } from "../../src/decode/mod.ts";
import { createPlugin, findProject } from "../../src/projects/mod.ts";
import type { MappedEvent } from "../../src/records/mod.ts";
import { portIsClosed } from "../helpers.ts";
import { realHandleTest } from "../support/real_handle.ts";

const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DEMO = join(PROJECT_ROOT, "tools", "demo.ts");
const EXAMPLES = join(PROJECT_ROOT, "examples", "events");

interface DemoRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function runDemo(env: Record<string, string>, args: string[] = []): Promise<DemoRun> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", DEMO, ...args],
    cwd: PROJECT_ROOT,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: output.code,
    stdout: new TextDecoder().decode(output.stdout),
    stderr: new TextDecoder().decode(output.stderr),
  };
}

/** The demo's profile (server) of each project and its prefix. */
const SERVER_OF: Record<string, { server: string; prefix: string }> = {
  cmip6: { server: "dkrz", prefix: "21.14100" },
  cmip6plus: { server: "dkrz", prefix: "21.14100" },
  "cordex-cmip6": { server: "cordex", prefix: "21.14103" },
  cmip7: { server: "cmip7", prefix: "21.14107" },
};

/** A mapped example event and the server its handles belong on. */
type Expected = MappedEvent & { server: string };

function mapEvent(text: string): Expected {
  const decoded = decodeEvent(text);
  assert.equal(decoded.method, "POST");
  if (decoded.method !== "POST") throw new Error("unreachable");
  const project = findProject(decoded.project)!.name;
  const mapped = createPlugin(project).map(decoded.item, {
    prefix: SERVER_OF[project].prefix,
    eventTime: decoded.time,
    collectionId: decoded.collectionId,
    now: new Date(),
  });
  return { ...mapped, server: SERVER_OF[project].server };
}

/**
 * The two valid single-event examples, the retracted event of mixed.jsonl and the
 * CMIP6Plus, CMIP7 and CORDEX-CMIP6 events of projects.jsonl, mapped.
 */
async function expectedDatasets(): Promise<Expected[]> {
  const tos = mapEvent(await Deno.readTextFile(join(EXAMPLES, "cmip6_tos.json")));
  const pr = mapEvent(await Deno.readTextFile(join(EXAMPLES, "cmip6_pr_replica.json")));
  const mixed = (await Deno.readTextFile(join(EXAMPLES, "mixed.jsonl"))).split("\n");
  const retracted = mixed.filter((line) => line.includes('"retracted":true')).map(mapEvent);
  assert.equal(retracted.length, 1, "mixed.jsonl holds one retracted event");
  assert.ok(retracted[0].retracted);
  const projects = (await Deno.readTextFile(join(EXAMPLES, "projects.jsonl"))).split("\n")
    .filter((line) => line.trim()).map(mapEvent);
  assert.deepEqual(projects.map((e) => e.server), ["dkrz", "cmip7", "cordex"]);
  return [tos, pr, retracted[0], ...projects];
}

/**
 * Checks what every successful demo run prints and that it cleaned up; `real`: on real
 * Handle.Net servers (`--real-handle`), which it names.
 */
async function assertDemoRun(run: DemoRun, options: { real?: boolean } = {}): Promise<void> {
  const all = `${run.stdout}\n${run.stderr}`;
  assert.equal(run.code, 0, all);
  const lines = run.stdout.split("\n");
  const datasets = await expectedDatasets();

  const expectedHandles = datasets.reduce((sum, event) => sum + event.files.length + 1, 0);
  assert.match(run.stdout, new RegExp(`^summary: messages=9 .*handles=${expectedHandles} `, "m"));
  assert.match(run.stdout, /^summary: .*errors=2 .*retracted=1 .*filtered=1/m);

  for (const event of datasets) {
    const row = lines.find((line) => line.includes(event.dataset.handle));
    assert.ok(row, `no table row for ${event.dataset.handle}\n${run.stdout}`);
    assert.match(row, new RegExp(`^✓\\s+\\S+\\s+${event.server}\\s+DATASET\\s`), row);
    assert.ok(row.includes(String(event.dataset.data.DATASET_ID)), row);
    assert.match(row, new RegExp(`${event.files.length} parts?`));
    if (event.retracted) assert.match(row, /retracted/);
    for (const file of event.files) {
      const fileRow = lines.find((line) => line.includes(file.handle));
      assert.ok(fileRow, `no table row for file ${file.handle}`);
      assert.match(fileRow, new RegExp(`^✓\\s+\\S+\\s+${event.server}\\s+FILE\\s`), fileRow);
      assert.ok(fileRow.includes(String(file.data.FILE_NAME)), fileRow);
    }
  }
  assert.ok(!lines.some((line) => line.startsWith("✗")), run.stdout);
  assert.ok(!run.stdout.includes("obs4MIPs."), "the filtered obs4MIPs event registers nothing");
  for (const project of ["cmip6", "cmip6plus", "cmip7", "cordex-cmip6", "obs4mips"]) {
    assert.match(run.stdout, new RegExp(`^summary ${project}: messages=`, "m"), project);
  }
  assert.match(run.stdout, /^summary obs4mips: .*filtered=1/m);

  assert.match(run.stdout, /failed_items_\d{4}-\d{2}-\d{2}\.jsonl: 2 line\(s\)/);
  assert.match(run.stdout, /Amon\.uas\.gn\.v20240101: asset data0001: file:size missing$/m);
  assert.match(run.stdout, /\(no key\): value is not JSON/);

  const get = lines.findIndex((line) => line.startsWith("GET http://127.0.0.1:"));
  assert.ok(get >= 0, "no resolved record");
  const end = lines.indexOf("]}", get);
  const body = JSON.parse(lines.slice(get + 1, end + 1).join("\n"));
  const resolved = datasets.find((event) => event.dataset.handle === body.handle);
  assert.ok(resolved, `resolved ${body.handle}, not one of the example datasets`);
  const fields = new Map<string, unknown>(
    body.values.map((value: { type: string; data: { value: unknown } }) => [
      value.type,
      value.data.value,
    ]),
  );
  assert.equal(fields.get("URL"), resolved.dataset.URL);
  assert.equal(fields.get("AGGREGATION_LEVEL"), "DATASET");
  assert.equal(fields.get("DATASET_ID"), resolved.dataset.data.DATASET_ID);
  assert.deepEqual(
    JSON.parse(String(fields.get("HAS_PARTS"))),
    resolved.files.map((file) => `hdl:${file.handle}`),
  );

  const workDir = /^demo: working folder (\S+)$/m.exec(run.stdout)?.[1];
  assert.ok(workDir);
  await assert.rejects(Deno.stat(workDir), Deno.errors.NotFound, "working folder removed");
  if (options.real) {
    await assertRealServers(run);
    return;
  }
  const serverUrls = [...run.stdout.matchAll(/^handle-server (\S+): listening on (\S+)/gm)];
  assert.deepEqual(serverUrls.map((m) => m[1]), ["dkrz", "cordex", "cmip7"]);
  const held = (server: string): number =>
    datasets.filter((e) => e.server === server).reduce((n, e) => n + e.files.length + 1, 0);
  for (const [, name, url] of serverUrls) {
    assert.match(
      run.stdout,
      new RegExp(`^handle-server ${name}: stopped \\(${held(name)} handles\\)$`, "m"),
    );
    assert.ok(await portIsClosed(Number(new URL(url).port)), `the ${name} server is gone`);
  }
}

/** The real servers a `--real-handle` run names: one per profile, pinned, stopped at the end. */
async function assertRealServers(run: DemoRun): Promise<void> {
  assert.ok(!run.stdout.includes("handle-server"), "no stand-in in a --real-handle run");
  const used = [
    ...run.stdout.matchAll(
      /^Handle\.Net (\S+): real Handle\.Net 9\.2\.0 server at (https:\/\/127\.0\.0\.1:\d+) \(prefix (\S+): .*certificate pinned/gm,
    ),
  ];
  assert.deepEqual(used.map((m) => [m[1], m[3]]), [
    ["dkrz", "21.14100"],
    ["cordex", "21.14103"],
    ["cmip7", "21.14107"],
  ]);
  assert.match(
    run.stdout,
    new RegExp(
      `^demo: registered on real Handle\\.Net 9\\.2\\.0 servers: ${
        used.map((m) => `${m[1]} ${m[2]}`).join(", ").replaceAll(".", "\\.")
      }$`,
      "m",
    ),
  );
  for (const [, name, url] of used) {
    assert.match(run.stdout, new RegExp(`^Handle\\.Net ${name}: stopped \\(${url}\\)$`, "m"));
    assert.ok(await portIsClosed(Number(new URL(url).port)), `the ${name} server is gone`);
  }
}

Deno.test({
  name: "demo: sends the examples through Kafka (KAFKA_BOOTSTRAP or a local broker), consumes them",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(): Promise<void> {
    const external = Deno.env.get("KAFKA_BOOTSTRAP")?.trim();
    const run = await runDemo({});
    await assertDemoRun(run);
    assert.match(run.stdout, /^\$ piddiplatsch -c piddiplatsch\.toml send examples\/events\/$/m);
    assert.match(run.stdout, /^sent 9 event\(s\) from 4 file\(s\) to ESGF-demo/m);
    assert.match(run.stdout, /^\$ piddiplatsch -c piddiplatsch\.toml consume --idle-timeout 5$/m);
    if (external) {
      assert.ok(run.stdout.includes(`using the broker at ${external} (KAFKA_BOOTSTRAP)`));
    } else {
      assert.match(run.stdout, /^kafka: broker stopped$/m);
    }
  },
});

Deno.test({
  name: "demo: without Java or Maven on PATH it says why and runs `map` instead",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(): Promise<void> {
    const run = await runDemo({ PATH: join(PROJECT_ROOT, ".no-such-bin"), KAFKA_BOOTSTRAP: "" });
    await assertDemoRun(run);
    assert.match(run.stdout, /^demo: Java\/Maven missing \(`java -version` failed\): running/m);
    assert.match(run.stdout, /^\$ piddiplatsch -c piddiplatsch\.toml map examples\/events\/$/m);
    assert.ok(!run.stdout.includes("consume"), "no Kafka consumer in the map route");
  },
});

realHandleTest({
  name: "demo --real-handle: the examples on real Handle.Net servers, one per profile, named",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(): Promise<void> {
    const run = await runDemo({}, ["--real-handle"]);
    await assertDemoRun(run, { real: true });
    assert.match(run.stdout, /^\$ piddiplatsch -c piddiplatsch\.toml consume --idle-timeout 5$/m);
  },
});

Deno.test("demo --real-handle without the real server's folder: says why, exit 1, starts nothing", async () => {
  const run = await runDemo({ HANDLE_NET_HOME: join(PROJECT_ROOT, ".no-such-handle-net") }, [
    "--real-handle",
  ]);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.equal(
    run.stderr.trim(),
    "demo: --real-handle needs the real Handle.Net server: ../shared/handle-net not found " +
      "(set HANDLE_NET_HOME to the folder of its start.sh)",
  );
  assert.equal(run.stdout, "", "nothing started");
});
