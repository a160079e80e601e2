/**
 * Registration into a real Handle.Net 9.2.0 server (`tools/handle_net/`), side by side on one
 * server and the same records: the server's ceiling with a bare concurrent client
 * (`handle_ceiling.ts`), ours (`map` at default settings, the certificate pinned with
 * `tls_pin_sha256`, peak RSS by `/usr/bin/time`), and pyhandle as the Python tool calls it
 * (`pyhandle_register.py`, in the cached virtual environment of `tools/pyhandle/`). Every run
 * writes fresh handles: the records of one event file, each run's suffixes tagged.
 * Without `../shared/handle-net` the part says so and records nothing.
 *
 * The server runs as start.sh deploys it (its default heap, both JIT compilers), warmed up,
 * its storage on a tmpfs where there is one. The rounds run twice: with the server and the
 * clients sharing the machine's CPUs, and split, the server pinned to one CPU and every
 * client process to another (`taskset`), as a server on its own host would be: there the
 * ceiling is the server's and not how little CPU the bare client takes from it.
 *
 * @module
 */

import { join } from "node:path";
import { handleNetHome, startRealHandleServer } from "../tools/handle_net/mod.ts";
import { writeJsonl } from "./cli_run.ts";
import { bareCeiling, type CeilingJob, type PreparedPut, preparePuts } from "./handle_ceiling.ts";
import {
  ceilingProcess,
  dryRunRecords,
  type OurRun,
  ourRun,
  PREFIX,
  pyhandleRun,
} from "./real_handle_runs.ts";
import { fmt, median, type Report } from "./report.ts";

const FILES = 10;
const SWEEP = [16, 32, 64];

/** Rounds of the ceiling and ours, taken in turns (the machine's load moves). */
const ROUNDS = 7;

/** Bare-client runs that warm the server up before anything is measured. */
const WARM_ROUNDS = 40;

/** Where the server and the clients run: sharing the CPUs, or on CPUs of their own. */
interface Placement {
  name: string;
  /** The CPU list of every client process (`taskset -c`); undefined: any. */
  clientCpu?: string;
  /** The server's CPU list; undefined: any. */
  serverCpu?: string;
}

const SHARED: Placement = { name: "shared CPUs" };
const SPLIT: Placement = {
  name: "server on CPU 1, clients on CPU 0",
  clientCpu: "0",
  serverCpu: "1",
};

/** Pins every thread of process `pid` to `cpus` (`taskset -a -p -c`). */
async function pinProcess(pid: number, cpus: string): Promise<void> {
  const out = await new Deno.Command("taskset", {
    args: ["-a", "-p", "-c", cpus, String(pid)],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`taskset ${cpus} ${pid}: ${new TextDecoder().decode(out.stderr)}`);
  }
}

/** Whether the split placement can run: `taskset` and at least two CPUs. */
async function canSplit(): Promise<boolean> {
  if (navigator.hardwareConcurrency < 2) return false;
  try {
    return (await new Deno.Command("taskset", { args: ["-V"], stdout: "null", stderr: "null" })
      .output()).success;
  } catch {
    return false;
  }
}

/**
 * `events` events of 10 files into one real Handle.Net server, after a warm-up of the
 * server's JIT (40 bare-client runs) and a concurrency sweep of the bare client: for each
 * placement, in each of seven rounds the bare clients' ceiling (the better of `node:https`
 * and our HTTP/1.1 transport alone, each in a fresh process as ours runs) and ours at
 * default settings, in turns; the medians, peak RSS, and pyhandle once.
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
      `files (${handles} handles), ${ROUNDS} rounds per placement`,
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

    const placements = await canSplit() ? [SHARED, SPLIT] : [SHARED];
    let ceilingShared = 0;
    for (const placement of placements) {
      if (placement.serverCpu !== undefined) await pinProcess(server.pid!, placement.serverCpu);
      const ceiling = await rounds(report, placement, {
        server,
        recordsFile,
        dir,
        handles,
        events,
        stem,
        concurrency: best,
        sweepText,
      });
      if (placement === SHARED) ceilingShared = ceiling;
    }
    if (placements.length === 1) {
      report.row(`real server, ${SPLIT.name}`, "not run: no taskset or fewer than 2 CPUs");
    }
    await pinProcess(server.pid!, `0-${navigator.hardwareConcurrency - 1}`).catch(() => {});

    const tagged = join(dir, "pyhandle-records.jsonl");
    await Deno.writeTextFile(
      tagged,
      records.map((r) => JSON.stringify({ ...r, handle: `${r.handle}-py` })).join("\n") + "\n",
    );
    const py = await pyhandleRun(server, tagged, dir);
    report.row(
      "real server, pyhandle (register_handle_kv, overwrite, one by one; shared CPUs)",
      `${fmt(py.rate)} handles/s = ${fmt((100 * py.rate) / ceilingShared)}% of the ceiling, ` +
        `${fmt((1000 * py.cpuSeconds) / handles, 2)} CPU-s per 1,000 handles, peak RSS ` +
        `${fmt(py.rssMb)} MiB`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** The rounds of one placement and their rows; resolves to the ceiling. */
async function rounds(
  report: Report,
  placement: Placement,
  context: {
    server: CeilingJob["server"];
    recordsFile: string;
    dir: string;
    handles: number;
    events: number;
    stem: string;
    concurrency: number;
    sweepText: string;
  },
): Promise<number> {
  const { server, dir, handles } = context;
  console.log(`  -- ${placement.name}`);
  const job = (transport: CeilingJob["transport"], tag: string): CeilingJob => ({
    server,
    records: context.recordsFile,
    prefix: PREFIX,
    tag,
    concurrency: context.concurrency,
    transport,
  });
  const cpu = placement.clientCpu;
  const key = placement.serverCpu ?? "s";
  const nodeRuns: OurRun[] = [];
  const http1Runs: OurRun[] = [];
  const ours: Array<OurRun & { handles: number; wallRate: number }> = [];
  for (let round = 0; round < ROUNDS; round++) {
    const node = await ceilingProcess(job("node", `-n${key}${round}`), { dir, cpu });
    const http1 = await ceilingProcess(job("http1", `-h${key}${round}`), { dir, cpu });
    nodeRuns.push(node);
    http1Runs.push(http1);
    const file = join(dir, `ours-${key}${round}.jsonl`);
    await writeJsonl(file, context.events, FILES, `${context.stem}o${key}${round}`);
    const run = await ourRun(server, file, { dir, cpu });
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
    `real server ceiling (${placement.name}): bare client, one session, keep-alive HTTPS`,
    `${fmt(ceiling)} handles/s (${bare === nodeRuns ? "node:https" : "our HTTP/1.1"}; ` +
      `medians of ${ROUNDS} fresh processes: node:https ${fmt(nodeRate)}, our HTTP/1.1 ` +
      `${fmt(http1Rate)}; concurrency ${context.concurrency}; ${perK(bare)} per 1,000 ` +
      `handles; peak RSS ${fmt(bareRss)} MiB; warm sweep ${context.sweepText}; load ${load})`,
  );
  report.row(
    `real server, ours (${placement.name}; map, default settings, pinned)`,
    `${fmt(rate)} handles/s = ${fmt((100 * rate) / ceiling)}% of the ceiling (median; ` +
      `process wall time incl. start: ${fmt(wall)}/s; ${perK(ours)} per 1,000 handles)`,
    { target: ">= 80%", ok: rate >= 0.8 * ceiling },
  );
  report.row(
    `real server, ours (${placement.name}): peak RSS`,
    `${fmt(rss)} MiB for ${fmt(handles)} handles (max of ${ROUNDS})`,
    { target: "<= 150 MiB", ok: rss <= 150 },
  );
  return ceiling;
}
