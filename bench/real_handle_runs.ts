/**
 * The processes `real_handle.ts` measures, each under `/usr/bin/time` (peak RSS, CPU time)
 * and, when asked, pinned to a CPU with `taskset`: ours (`map` at default settings, the
 * certificate pinned), the bare client in a fresh process (`handle_ceiling.ts`), pyhandle,
 * and the dry run that yields the records all of them write.
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { HandleRecord } from "../src/records/mod.ts";
import { ensurePyhandle } from "../tools/pyhandle/venv.ts";
import { MAIN } from "../tests/helpers.ts";
import { cliV8Flags, timedCli } from "./cli_run.ts";
import type { CeilingJob } from "./handle_ceiling.ts";

/** The prefix the benchmark's server serves. */
export const PREFIX = "21.TEST";
const PYHANDLE_SCRIPT = fileURLToPath(new URL("./pyhandle_register.py", import.meta.url));

/** A run's rate (handles per second), peak RSS and CPU time (user + system). */
export interface OurRun {
  rate: number;
  rssMb: number;
  cpuSeconds: number;
}

/** A process run under `/usr/bin/time`: its output, peak RSS (MiB) and CPU seconds. */
async function measured(
  command: string,
  args: string[],
  options: { dir: string; env?: Record<string, string>; cpu?: string },
): Promise<{ code: number; stdout: string; stderr: string; rssMb: number; cpuSeconds: number }> {
  const timeFile = join(options.dir, `time-${crypto.randomUUID()}.txt`);
  const pinned = options.cpu === undefined ? [] : ["taskset", "-c", options.cpu];
  const output = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "%M %U %S", "-o", timeFile, ...pinned, command, ...args],
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

export async function ourRun(
  server: { url: string; username: string; password: string; pin: string },
  events: string,
  options: { dir: string; cpu?: string },
): Promise<OurRun & { handles: number; wallRate: number }> {
  const { dir } = options;
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
    { dir, cpu: options.cpu },
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

export async function pyhandleRun(
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
export async function ceilingProcess(
  job: CeilingJob,
  options: { dir: string; cpu?: string },
): Promise<OurRun> {
  const { dir } = options;
  const jobFile = join(dir, `ceiling-${job.tag}.json`);
  await Deno.writeTextFile(jobFile, JSON.stringify(job));
  const run = await measured(
    Deno.execPath(),
    ["run", "--allow-all", ...await cliV8Flags(), CEILING_SCRIPT, jobFile],
    { dir, cpu: options.cpu },
  );
  if (run.code !== 0) throw new Error(`bare client: exit ${run.code}\n${run.stderr.slice(-2000)}`);
  const { rate } = JSON.parse(run.stdout) as { rate: number };
  return { rate, rssMb: run.rssMb, cpuSeconds: run.cpuSeconds };
}

/** The records `map --dry-run` writes for an event file. */
export async function dryRunRecords(
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
