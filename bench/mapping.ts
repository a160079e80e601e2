/**
 * The mapping figures of `bench/throughput.ts`: parse and map in process, `map` through
 * the CLI, and the growth series (one event of 1, 1k, 10k, 50k files through the dry-run
 * pipeline, and the peak memory of `map` with the largest).
 *
 * @module
 */

import { join } from "node:path";
import { type Config, loadConfig } from "../src/config/mod.ts";
import { fileEvents } from "../src/inputs/mod.ts";
import type { StacItem } from "../src/events/item.ts";
import type { ProjectPlugin } from "../src/projects/types.ts";
import type { MappedEvent } from "../src/records/mod.ts";
import { createPlugin } from "../src/projects/mod.ts";
import { wirePipeline } from "../src/runner/mod.ts";
import { Stats } from "../src/stats/mod.ts";
import { makeCmip6Event } from "../tests/fixtures/events.ts";
import { makeWorkspace } from "../tests/helpers.ts";
import { itemId, timedCli, writeJsonl } from "./cli_run.ts";
import { fmt, median, type Report } from "./report.ts";

/** Calls of `body` per second over a loop of `seconds`. */
function timeLoop(seconds: number, body: () => void): number {
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < seconds * 1000) {
    body();
    n++;
  }
  return n / ((performance.now() - started) / 1000);
}

/** Rounds of the in-process figures (after one warm-up loop), one second each. */
const IN_PROCESS_ROUNDS = 5;

/**
 * Calls of `body` per second: a warm-up second, then {@linkcode IN_PROCESS_ROUNDS} loops of a
 * second; their median, and the slowest and fastest.
 */
function roundRates(body: () => void): { median: number; min: number; max: number } {
  timeLoop(1, body);
  const rates = Array.from({ length: IN_PROCESS_ROUNDS }, () => timeLoop(1, body));
  return { median: median(rates), min: Math.min(...rates), max: Math.max(...rates) };
}

/** The mapping clock of the in-process figures. */
const MAP_NOW = new Date("2030-01-01T00:00:00Z");

/** The event the in-process figures map: `files` files, each with one replica. */
export function mapBenchEventText(files: number): string {
  return JSON.stringify(makeCmip6Event({ files, replicas: ["replica.example.org"] }));
}

/** Parses an event's text and maps it with a plugin: the work of the in-process figures. */
export function parseAndMap(plugin: ProjectPlugin, text: string): MappedEvent {
  const event = JSON.parse(text);
  const payload = event.data.payload;
  return plugin.map(payload.item as StacItem, {
    prefix: "21.TEST",
    eventTime: event.metadata.time,
    collectionId: payload.collection_id,
    now: MAP_NOW,
  });
}

/** Parse and map of 1- and 50-file events in this process, in a loop. */
export function mapInProcess(report: Report): void {
  console.log("\n== mapping in process (parse + map)");
  const plugin = createPlugin("cmip6");
  for (const files of [1, 50]) {
    const text = mapBenchEventText(files);
    const { median: rate, min, max } = roundRates(() => parseAndMap(plugin, text));
    const value = `${fmt(rate)} ev/s (rounds ${fmt(min)}–${fmt(max)})`;
    const figure = `map in process, ${files} file${files === 1 ? "" : "s"}/event, ` +
      `median of ${IN_PROCESS_ROUNDS}`;
    if (files === 50) report.row(figure, value, { target: ">= 5,000", ok: rate >= 5000 });
    else report.row(figure, value);
  }
}

/** `map --dry-run` through the CLI: events of 50 files per second, net of start-up. */
export async function mapProcess(report: Report, mapEvents: number): Promise<void> {
  console.log(`\n== map --dry-run, whole process (${mapEvents} events of 50 files)`);
  const ws = await makeWorkspace();
  try {
    // Start-up: the same process with one event of the same kind (so its worker threads
    // start too); the rate is that of the other events.
    const one = join(ws.dir, "one.jsonl");
    await writeJsonl(one, 1, 50, "mapbench-one");
    const many = join(ws.dir, "many.jsonl");
    await writeJsonl(many, mapEvents + 1, 50, "mapbench");
    // Three interleaved rounds of start-up (one small event) and run; medians.
    const startups: number[] = [];
    const runs: number[] = [];
    for (let round = 0; round < 3; round++) {
      startups.push((await timedCli(["-c", ws.config, "map", "--dry-run", one], ws.dir)).seconds);
      const run = await timedCli(["-c", ws.config, "map", "--dry-run", many], ws.dir);
      if (run.code !== 0) throw new Error(`map failed: ${run.stderr}`);
      runs.push(run.seconds);
    }
    const rate = mapEvents / (median(runs) - median(startups));
    console.log(
      `  rounds: ${runs.map((r, i) => fmt(mapEvents / (r - startups[i]))).join(", ")} ev/s`,
    );
    report.row("map process, 50 files/event, net of start-up (median of 3)", `${fmt(rate)} ev/s`, {
      target: ">= 1,500",
      ok: rate >= 1500,
    });
  } finally {
    await ws.remove();
  }
}

/** Seconds one event file takes through the dry-run pipeline, in process (a new wiring). */
async function pipelineSeconds(config: Config, path: string): Promise<number> {
  const wiring = wirePipeline(config, { stats: new Stats(), dryRun: true });
  const started = performance.now();
  try {
    await wiring.pipeline.run(fileEvents([path]));
  } finally {
    await wiring.close();
  }
  return (performance.now() - started) / 1000;
}

/** The sizes of the growth series, and how many runs each takes per round. */
const GROWTH_SIZES: ReadonlyArray<readonly [files: number, runsPerRound: number]> = [
  [1, 9],
  [1000, 9],
  [10_000, 3],
  [50_000, 2],
];
const GROWTH_ROUNDS = 5;
const EXTENSIONS = ["json", "jsonl"] as const;

/**
 * The growth series: one event of 1, 1k, 10k, 50k files, `.json` and `.jsonl`. After one
 * warm-up run of each, the sizes take turns in rounds (so that a slow phase of the machine
 * or the collector falls on all of them alike), and each figure is the median of its runs.
 */
export async function growth(report: Report): Promise<void> {
  console.log(
    `\n== growth series: one event of N files, read, decoded, mapped, written (dry run; ` +
      `sizes in turn, ${GROWTH_ROUNDS} rounds, medians)`,
  );
  const ws = await makeWorkspace();
  try {
    const { config } = await loadConfig({ configFile: ws.config, systemFile: "/nonexistent" });
    const path = (files: number, ext: string): string => join(ws.dir, `event-${files}.${ext}`);
    for (const [files] of GROWTH_SIZES) {
      const text = JSON.stringify(makeCmip6Event({ files, itemId: itemId("growth", files) }));
      await Deno.writeTextFile(path(files, "json"), text);
      await Deno.writeTextFile(path(files, "jsonl"), text + "\n");
    }
    const times = new Map<string, number[]>();
    for (let round = -1; round < GROWTH_ROUNDS; round++) {
      for (const ext of EXTENSIONS) {
        for (const [files, runs] of GROWTH_SIZES) {
          for (let run = 0; run < (round < 0 ? 1 : runs); run++) {
            const seconds = await pipelineSeconds(config, path(files, ext));
            if (round < 0) continue; // warm-up
            const key = `${files}.${ext}`;
            times.set(key, [...times.get(key) ?? [], seconds]);
          }
        }
      }
    }
    const perFile: Record<string, Record<number, number>> = { json: {}, jsonl: {} };
    for (const [files] of GROWTH_SIZES) {
      for (const ext of EXTENSIONS) {
        const seconds = median(times.get(`${files}.${ext}`)!);
        perFile[ext][files] = seconds / files * 1e6;
        let memory = "";
        let ok: boolean | undefined;
        if (files === 50_000) {
          const run = await timedCli(
            ["-c", ws.config, "map", "--dry-run", path(files, ext)],
            ws.dir,
          );
          if (run.code !== 0) throw new Error(`map of ${files} files failed: ${run.stderr}`);
          memory = `; map process peak ${fmt(run.rssMb)} MB`;
          ok = run.rssMb < 400;
        }
        report.row(
          `one event, ${fmt(files)} files, .${ext}`,
          `${seconds.toFixed(3)} s, ${fmt(seconds / files * 1e6, 1)} µs/file${memory}`,
          { target: files === 50_000 ? "< 400 MB" : "—", ok: ok },
        );
      }
    }
    for (const ext of ["json", "jsonl"] as const) {
      const ratio = perFile[ext][50_000] / perFile[ext][1000];
      report.row(`per-file cost 50k / 1k files, .${ext}`, `${ratio.toFixed(2)}x`, {
        target: "<= 1.2x",
        ok: ratio <= 1.2,
      });
    }
  } finally {
    await ws.remove();
  }
}
