/**
 * The CLI as the benchmark runs it: `main.ts` with the V8 flags of the `piddiplatsch` task
 * (those the binary is compiled with), timed, its peak memory taken by `/usr/bin/time`; and
 * the event files it reads.
 *
 * @module
 */

import { join } from "node:path";
import { makeCmip6Event } from "../tests/fixtures/events.ts";
import { MAIN } from "../tests/helpers.ts";

/** What a CLI run cost: wall seconds, peak resident memory and RSS samples (MB, every 0.5 s). */
export interface CliRun {
  seconds: number;
  rssMb: number;
  samples: number[];
  code: number;
  stderr: string;
}

/** The V8 flags the CLI runs with (those of the `piddiplatsch` task in `deno.json`). */
export async function cliV8Flags(): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  return String(config.tasks.piddiplatsch).split(/\s+/).filter((w) => w.startsWith("--v8-flags"));
}

/** Runs `main.ts` (with the task's V8 flags) under `/usr/bin/time` for its peak RSS. */
export async function timedCli(args: string[], cwd: string): Promise<CliRun> {
  const rssFile = join(cwd, `rss-${Math.random().toString(36).slice(2)}.txt`);
  const started = performance.now();
  const deno = [Deno.execPath(), "run", "--allow-all", ...await cliV8Flags(), MAIN];
  const child = new Deno.Command("/usr/bin/time", {
    args: ["-f", "%M", "-o", rssFile, ...deno, ...args],
    cwd,
    env: { NO_COLOR: "1", KAFKAJS_NO_PARTITIONER_WARNING: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const samples: number[] = [];
  const sampler = setInterval(() => {
    try {
      const children = Deno.readTextFileSync(`/proc/${child.pid}/task/${child.pid}/children`);
      const pid = children.trim().split(/\s+/)[0];
      const status = Deno.readTextFileSync(`/proc/${pid}/status`);
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
      if (kb > 0) samples.push(kb / 1024);
    } catch {
      // not started yet, or gone
    }
  }, 500);
  const out = await child.output();
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  const rssKb = Number((await Deno.readTextFile(rssFile)).trim().split("\n").at(-1));
  return {
    seconds,
    rssMb: rssKb / 1024,
    samples,
    code: out.code,
    stderr: new TextDecoder().decode(out.stderr),
  };
}

/** The id of the `i`-th item of a benchmark's events. */
export function itemId(stem: string, i: number): string {
  return `CMIP6.CMIP.TEST-INST.TEST-ESM1-0.${stem}.r${i + 1}i1p1f1.Amon.tas.gn.v20240101`;
}

/** Writes `count` events of `files` files each as JSON lines. */
export async function writeJsonl(
  path: string,
  count: number,
  files: number,
  stem: string,
): Promise<void> {
  const file = await Deno.open(path, { create: true, write: true, truncate: true });
  const encoder = new TextEncoder();
  try {
    for (let i = 0; i < count; i++) {
      const event = makeCmip6Event({ files, itemId: itemId(stem, i) });
      await file.write(encoder.encode(JSON.stringify(event) + "\n"));
    }
  } finally {
    file.close();
  }
}
