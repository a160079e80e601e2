/**
 * In-process A/B of the mapping: `JSON.parse` and `map` of one event, this working tree
 * against an earlier commit (its `git archive`, in a temporary folder), both loaded in one
 * process and run in interleaved rounds, so that a slow phase of the machine falls on both.
 * Prints each side's rates, the median of the paired ratios and whether both map the event to
 * the same records.
 *
 * Usage: `deno run -A bench/map_ab.ts <commit> [--files 50] [--rounds 21] [--ms 300]`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import type * as Projects from "../src/projects/mod.ts";
import { mapBenchEventText, parseAndMap } from "./mapping.ts";
import { median } from "./report.ts";

/** What a side exports: that of `src/projects/mod.ts` (the earlier commit's is taken alike). */
type Side = typeof Projects;

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** Extracts `git archive <commit>` into a new temporary folder. */
async function checkout(commit: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "piddi-ab-" });
  const archive = new Deno.Command("git", {
    args: ["archive", "--format=tar", commit],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const tar = new Deno.Command("tar", { args: ["-x", "-C", dir], stdin: "piped" }).spawn();
  await archive.stdout.pipeTo(tar.stdin);
  const [archived, extracted] = await Promise.all([archive.status, tar.status]);
  if (!archived.success || !extracted.success) throw new Error(`git archive ${commit} failed`);
  return dir;
}

/** Events per second of one side, parsing and mapping `text` for `ms` milliseconds. */
function rate(side: Side, text: string, ms: number): number {
  const plugin = side.createPlugin("cmip6");
  const started = performance.now();
  let events = 0;
  while (performance.now() - started < ms) {
    parseAndMap(plugin, text);
    events++;
  }
  return events / (ms / 1000);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      files: { type: "string", default: "50" },
      rounds: { type: "string", default: "21" },
      ms: { type: "string", default: "300" },
    },
  });
  const commit = positionals[0];
  if (commit === undefined) {
    console.error("usage: deno run -A bench/map_ab.ts <commit> [--files N] [--rounds N] [--ms N]");
    Deno.exit(2);
  }
  const dir = await checkout(commit);
  try {
    const before: Side = await import(`${dir}/src/projects/mod.ts`);
    const now: Side = await import("../src/projects/mod.ts");
    const files = Number(values.files);
    const text = mapBenchEventText(files);
    const ms = Number(values.ms);
    rate(before, text, 1000); // warm-up of both
    rate(now, text, 1000);
    const a: number[] = [];
    const b: number[] = [];
    for (let round = 0; round < Number(values.rounds); round++) {
      // each side first in every other round
      if (round % 2 === 0) {
        a.push(rate(before, text, ms));
        b.push(rate(now, text, ms));
      } else {
        b.push(rate(now, text, ms));
        a.push(rate(before, text, ms));
      }
    }
    const mapped = (side: Side): string =>
      JSON.stringify(parseAndMap(side.createPlugin("cmip6"), text));
    const round = (values: number[]): string => values.map((v) => Math.round(v)).join(" ");
    console.log(`${files} files per event, ${values.rounds} rounds of ${ms} ms`);
    console.log(`  ${commit}: ${round(a)} ev/s (median ${Math.round(median(a))})`);
    console.log(`  working tree: ${round(b)} ev/s (median ${Math.round(median(b))})`);
    console.log(`  median of paired ratios: ${median(b.map((x, i) => x / a[i])).toFixed(3)}`);
    console.log(`  same records: ${mapped(before) === mapped(now)}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await main();
