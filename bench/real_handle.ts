/**
 * Registration into a real Handle.Net 9.2.0 server (`tools/handle_net/`), side by side on one
 * server and the same records: the server's ceiling with a bare concurrent client
 * (`handle_ceiling.ts`), ours (`map` at default settings, the certificate pinned with
 * `tls_pin_sha256`, peak RSS by `/usr/bin/time`), and pyhandle as the Python tool calls it
 * (`pyhandle_register.py`, in the cached virtual environment of `tools/pyhandle/`). Every run
 * writes fresh handles: the records of one event file, each run's suffixes tagged.
 * Without `../shared/handle-net` the part says so and records nothing.
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { HandleRecord } from "../src/records/mod.ts";
import { handleNetHome, startRealHandleServer } from "../tools/handle_net/mod.ts";
import { ensurePyhandle } from "../tools/pyhandle/venv.ts";
import { MAIN } from "../tests/helpers.ts";
import { cliV8Flags, timedCli, writeJsonl } from "./cli_run.ts";
import { bareCeiling, type CeilingJob, type PreparedPut, preparePuts } from "./handle_ceiling.ts";
import { fmt, median, type Report } from "./report.ts";

const PREFIX = "21.TEST";
const FILES = 10;
const SWEEP = [16, 32, 64];
const PYHANDLE_SCRIPT = fileURLToPath(new URL("./pyhandle_register.py", import.meta.url));

/** A run's rate (handles per second), peak RSS and CPU time (user + system). */
interface OurRun {
  rate: number;
  rssMb: number;
  cpuSeconds: number;
}

/** A process run under `/usr/bin/time`: its output, peak RSS (MiB) and CPU seconds. */
async function measured(
  command: string,
  args: string[],
  options: { dir: string; env?: Record<string, string> },
): Promise<{ code: number; stdout: string; stderr: string; rssMb: number; cpuSeconds: number }> {
  const timeFile = join(options.dir, `time-${crypto.randomUUID()}.txt`);
  const output = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "%M %U %S", "-o", timeFile, command, ...args],
    cwd: options.dir,
    clearEnv: options.env !== undefined,
    env: options.env ?? { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const [rssKb, user, system] = (await Deno.readTextFile(timeFile)).trim().split("\n").at(-1)!
    .split(" ").map(Number);
  return {
    code: output.code,
    stdout: new TextDecoder().decode(output.stdout),
    stderr: new TextDecoder().decode(output.stderr),
    rssMb: rssKb / 1024,
    cpuSeconds: user + system,
  };
}

async function ourRun(
  server: { url: string; username: string; password: string; pin: string },
  events: string,
  dir: string,
): Promise<OurRun & { handles: number; wallRate: number }> {
  const config = join(dir, "ours.toml");
  await Deno.writeTextFile(
    config,
    [
      "[handle]",
      `server_url = "${server.url}"`,
      `prefix = "${PREFIX}"`,
      `username = "${server.username}"`,
      `password = "${server.password}"`,
      `tls_pin_sha256 = "${server.pin}"`,
      "[stats]",
      "interval_seconds = 0",
      "summary_interval = 0",
    ].join("\n"),
  );
  const started = performance.now();
  const run = await measured(
    Deno.execPath(),
    ["run", "--allow-all", ...await cliV8Flags(), MAIN, "-c", config, "map", events],
    { dir },
  );
  const seconds = (performance.now() - started) / 1000;
  // `summary: ... handles=N (R/s)`: the pipeline's rate, from its start to its end
  const summary = /handles=(\d+) \(([\d.]+)\/s\)/.exec(run.stderr);
  const handles = Number(summary?.[1] ?? 0);
  const errors = Number(/errors=(\d+)/.exec(run.stderr)?.[1] ?? -1);
  if (run.code !== 0 || errors !== 0) {
    throw new Error(`map into the real server: exit ${run.code}\n${run.stderr.slice(-2000)}`);
  }
  return {
    rate: Number(summary?.[2] ?? 0),
    wallRate: handles / seconds,
    rssMb: run.rssMb,
    cpuSeconds: run.cpuSeconds,
    handles,
  };
}

async function pyhandleRun(
  server: { url: string; username: string; password: string },
  records: string,
  dir: string,
): Promise<OurRun> {
  const python = await ensurePyhandle();
  const run = await measured(
    python,
    [PYHANDLE_SCRIPT, server.url, server.username, server.password, records],
    { dir, env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", HOME: dir, NO_PROXY: "*" } },
  );
  if (run.code !== 0) throw new Error(`pyhandle: exit ${run.code}\n${run.stderr.slice(-2000)}`);
  const result = JSON.parse(run.stdout) as { handles: number; seconds: number };
  return { rate: result.handles / result.seconds, rssMb: run.rssMb, cpuSeconds: run.cpuSeconds };
}

const CEILING_SCRIPT = fileURLToPath(new URL("./handle_ceiling.ts", import.meta.url));

/** One bare-client measurement in a fresh process (cold, like ours). */
async function ceilingProcess(job: CeilingJob, dir: string): Promise<OurRun> {
  const jobFile = join(dir, `ceiling-${job.tag}.json`);
  await Deno.writeTextFile(jobFile, JSON.stringify(job));
  const run = await measured(
    Deno.execPath(),
    ["run", "--allow-all", ...await cliV8Flags(), CEILING_SCRIPT, jobFile],
    { dir },
  );
  if (run.code !== 0) throw new Error(`bare client: exit ${run.code}\n${run.stderr.slice(-2000)}`);
  const { rate } = JSON.parse(run.stdout) as { rate: number };
  return { rate, rssMb: run.rssMb, cpuSeconds: run.cpuSeconds };
}

/** The records `map --dry-run` writes for an event file. */
async function dryRunRecords(
  events: string,
  dir: string,
): Promise<{ path: string; records: HandleRecord[] }> {
  const config = join(dir, "dry.toml");
  await Deno.writeTextFile(
    config,
    `[handle]\nprefix = "${PREFIX}"\n[stats]\ninterval_seconds = 0\nsummary_interval = 0\n`,
  );
  const run = await timedCli(["-c", config, "map", "--dry-run", events], dir);
  if (run.code !== 0) {
    throw new Error(`map --dry-run: exit ${run.code}\n${run.stderr.slice(-2000)}`);
  }
  const folder = join(dir, "outputs", "handles");
  const [name] = [...Deno.readDirSync(folder)].map((e) => e.name).filter((n) =>
    n.endsWith(".jsonl")
  );
  const path = join(folder, name);
  const records = (await Deno.readTextFile(path)).trim().split("\n").map((line) =>
    JSON.parse(line) as HandleRecord
  );
  return { path, records };
}

/** Rounds of the ceiling and ours, taken in turns (the machine's load moves). */
const ROUNDS = 7;

/** Bare-client runs that warm the server up before anything is measured. */
const WARM_ROUNDS = 40;

/**
 * `events` events of 10 files into one real Handle.Net server, after a warm-up of the
 * server's JIT (40 bare-client runs) and a concurrency sweep of the bare client: in each of seven rounds the bare
 * clients' ceiling (the better of `node:https` and our HTTP/1.1 transport alone, each in a
 * fresh process as ours runs) and ours at default settings, in turns; the medians, peak RSS,
 * and pyhandle once.
 */
export async function realHandleRegistration(report: Report, events: number): Promise<void> {
  if (handleNetHome() === undefined) {
    console.log(
      "\n== real Handle.Net server: not run, ../shared/handle-net not found (set HANDLE_NET_HOME)",
    );
    report.row("real Handle.Net server", "not run: ../shared/handle-net not found");
    return;
  }
  const handles = events * (FILES + 1);
  console.log(
    `\n== registration into a real Handle.Net 9.2.0 server: ${events} events of ${FILES} ` +
      `files (${handles} handles), ${ROUNDS} rounds`,
  );
  const dir = await Deno.makeTempDir({ prefix: "bench-real-handle-" });
  // the server as start.sh deploys it (its default heap, both JIT compilers), not the
  // fast-starting JVM of the tests; `HSJ_JAVA_OPTS` overrides
  const javaOpts = Deno.env.get("HSJ_JAVA_OPTS") ?? "-Xmx256m";
  // its storage in memory where there is a tmpfs: on this VM's disk the BDB-JE writes stall
  // every few thousand handles, for any client, and the medians measure those stalls
  const shm = await Deno.stat("/dev/shm").then((s) => s.isDirectory, () => false);
  const storage = shm
    ? await Deno.makeTempDir({ dir: "/dev/shm", prefix: "bench-hs-" })
    : undefined;
  // removed after the server stopped (disposed in reverse order)
  await using _storage = {
    [Symbol.asyncDispose]: async (): Promise<void> => {
      if (storage !== undefined) await Deno.remove(storage, { recursive: true }).catch(() => {});
    },
  };
  await using server = await startRealHandleServer({
    prefix: PREFIX,
    javaOpts,
    dir: storage === undefined ? undefined : join(storage, "hs"),
  });
  try {
    const stem = `real${Date.now().toString(36)}`;
    const eventsFile = join(dir, "events.jsonl");
    await writeJsonl(eventsFile, events, FILES, stem);
    const { path: recordsFile, records } = await dryRunRecords(eventsFile, dir);
    if (records.length !== handles) {
      throw new Error(`${records.length} records, ${handles} expected`);
    }
    const puts = (tag: string): PreparedPut[] => preparePuts(records, { prefix: PREFIX, tag });

    // the server's JIT (C2) takes some 60,000 writes to reach its speed
    const warm: number[] = [];
    for (let i = 0; i < WARM_ROUNDS; i++) {
      warm.push(await bareCeiling(server, puts(`-warm${i}`), { concurrency: 32 }));
    }
    console.log(
      `  server warm-up (JVM ${javaOpts}, storage ${storage ?? "on disk"}): ` +
        warm.map((r) => fmt(r)).join(" "),
    );
    const sweep = new Map<number, number>();
    for (const n of SWEEP) {
      sweep.set(n, await bareCeiling(server, puts(`-c${n}`), { concurrency: n }));
    }
    const [best] = [...sweep].reduce((a, b) => (b[1] > a[1] ? b : a));
    const sweepText = [...sweep].map(([n, r]) => `${n}:${fmt(r)}`).join(" ");
    console.log(`  bare client sweep (concurrency:handles/s, warm process): ${sweepText}`);

    const job = (transport: CeilingJob["transport"], tag: string): CeilingJob => ({
      server,
      records: recordsFile,
      prefix: PREFIX,
      tag,
      concurrency: best,
      transport,
    });
    const nodeRuns: OurRun[] = [];
    const http1Runs: OurRun[] = [];
    const ours: Array<OurRun & { handles: number; wallRate: number }> = [];
    for (let round = 0; round < ROUNDS; round++) {
      const node = await ceilingProcess(job("node", `-n${round}`), dir);
      const http1 = await ceilingProcess(job("http1", `-h${round}`), dir);
      nodeRuns.push(node);
      http1Runs.push(http1);
      const file = join(dir, `ours-${round}.jsonl`);
      await writeJsonl(file, events, FILES, `${stem}o${round}`);
      const run = await ourRun(server, file, dir);
      ours.push(run);
      console.log(
        `  round ${round + 1}: bare node:https ${fmt(node.rate)}/s, bare http1 ` +
          `${fmt(http1.rate)}/s, ours ${fmt(run.rate)}/s (${fmt(run.rssMb)} MiB)`,
      );
    }
    const load = (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
    // the better transport's median (not the better of each round: two noisy samples
    // against one of ours would raise the ceiling by the noise)
    const nodeRate = median(nodeRuns.map((r) => r.rate));
    const http1Rate = median(http1Runs.map((r) => r.rate));
    const bare = nodeRate >= http1Rate ? nodeRuns : http1Runs;
    const ceiling = Math.max(nodeRate, http1Rate);
    const perK = (runs: OurRun[]): string =>
      `${fmt((1000 * median(runs.map((r) => r.cpuSeconds))) / handles, 2)} CPU-s`;
    const rate = median(ours.map((r) => r.rate));
    const wall = median(ours.map((r) => r.wallRate));
    const rss = Math.max(...ours.map((r) => r.rssMb));
    const bareRss = Math.max(...bare.map((r) => r.rssMb));
    report.row(
      "real server ceiling: bare client, one session, keep-alive HTTPS",
      `${fmt(ceiling)} handles/s (${bare === nodeRuns ? "node:https" : "our HTTP/1.1"}; ` +
        `medians of ${ROUNDS} fresh processes: node:https ${fmt(nodeRate)}, our HTTP/1.1 ` +
        `${fmt(http1Rate)}; concurrency ${best}; ${perK(bare)} per 1,000 handles; peak RSS ` +
        `${fmt(bareRss)} MiB; warm sweep ${sweepText}; load ${load})`,
    );
    report.row(
      "real server, ours (map, default settings, pinned)",
      `${fmt(rate)} handles/s = ${fmt((100 * rate) / ceiling)}% of the ceiling (median; ` +
        `process wall time incl. start: ${fmt(wall)}/s; ${perK(ours)} per 1,000 handles)`,
      { target: ">= 80%", ok: rate >= 0.8 * ceiling },
    );
    report.row(
      "real server, ours: peak RSS",
      `${fmt(rss)} MiB for ${fmt(handles)} handles (max of ${ROUNDS})`,
      { target: "<= 150 MiB", ok: rss <= 150 },
    );
    const tagged = join(dir, "pyhandle-records.jsonl");
    await Deno.writeTextFile(
      tagged,
      records.map((r) => JSON.stringify({ ...r, handle: `${r.handle}-py` })).join("\n") + "\n",
    );
    const py = await pyhandleRun(server, tagged, dir);
    report.row(
      "real server, pyhandle (register_handle_kv, overwrite, one by one)",
      `${fmt(py.rate)} handles/s = ${fmt((100 * py.rate) / ceiling)}% of the ceiling, ` +
        `${fmt((1000 * py.cpuSeconds) / handles, 2)} CPU-s per 1,000 handles, peak RSS ` +
        `${fmt(py.rssMb)} MiB`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
