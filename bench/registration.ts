/**
 * The registration figures of `bench/throughput.ts`: the adaptive limit against a Handle
 * server with a fixed latency and against one whose latency climbs with load.
 *
 * @module
 */

import { join } from "node:path";
import { loadConfig } from "../src/config/mod.ts";
import { type HandleServerOptions, startHandleServer } from "../src/handle_server/mod.ts";
import { fileEvents } from "../src/inputs/mod.ts";
import { wirePipeline } from "../src/runner/mod.ts";
import { Stats } from "../src/stats/mod.ts";
import { makeWorkspace, uniqueName } from "../tests/helpers.ts";
import { writeJsonl } from "./cli_run.ts";
import { fmt, type Report } from "./report.ts";

/** What one registration run gave: its time, the limit's trace, and the counters. */
interface RegistrationRun {
  seconds: number;
  /** Each change of the request limit: ms since the start, and the new limit. */
  trace: Array<[number, number]>;
  stats: Stats;
  /** Handles the server holds afterwards. */
  stored: number;
}

/**
 * `events` events of `files` files registered at default settings (the packaged defaults plus
 * only this workspace's addresses) into a `handle-server` with `latency`.
 */
async function registrationRun(
  events: number,
  files: number,
  latency: Pick<HandleServerOptions, "latencyMs" | "latencyPerInflightMs">,
): Promise<RegistrationRun> {
  const server = await startHandleServer({
    prefix: "21.TEST",
    username: "300:21.TEST/testuser",
    password: "testpass",
    ...latency,
  });
  const ws = await makeWorkspace({ handleUrl: server.url });
  try {
    const path = join(ws.dir, "events.jsonl");
    await writeJsonl(path, events, files, uniqueName("reg").replaceAll(/[^A-Za-z0-9-]/g, ""));
    const { config } = await loadConfig({ configFile: ws.config, systemFile: "/nonexistent" });
    const trace: Array<[number, number]> = [];
    const stats = new Stats();
    const started = performance.now();
    const wiring = wirePipeline(config, {
      stats,
      onLimit: (limit) => trace.push([performance.now() - started, limit]),
    });
    try {
      await wiring.pipeline.run(fileEvents([path]));
    } finally {
      await wiring.close();
    }
    return { seconds: (performance.now() - started) / 1000, trace, stats, stored: server.size() };
  } finally {
    await ws.remove();
    await server.close();
  }
}

/**
 * Registration at default settings into `handle-server --latency-ms 50`, with the adaptive
 * limit trace, and against a server whose latency climbs with the writes in flight.
 */
export async function registration(report: Report, events: number): Promise<void> {
  const files = 10;
  const handles = events * (files + 1);
  console.log(
    `\n== registration at default settings: ${events} events of ${files} files into ` +
      "handle-server --latency-ms 50",
  );
  const fixed = await registrationRun(events, files, { latencyMs: 50 });
  if (fixed.stored < handles) throw new Error(`${fixed.stored} of ${handles} handles`);
  const rate = handles / fixed.seconds;
  report.row("registration, default settings, latency 50 ms", `${fmt(rate)} handles/s`, {
    target: ">= 1,000",
    ok: rate >= 1000,
  });
  const trace = fixed.trace;
  const sample = trace.filter((_, i) => i % Math.max(1, Math.ceil(trace.length / 12)) === 0)
    .map(([ms, limit]) => `${(ms / 1000).toFixed(2)}s:${limit}`);
  report.row(
    "adaptive limit trace (time:limit)",
    `${sample.join(" ")} … final ${trace.at(-1)?.[1]}`,
  );

  const climbing = await registrationRun(events, files, {
    latencyMs: 10,
    latencyPerInflightMs: 2,
  });
  const limits = climbing.trace.map(([, limit]) => limit);
  const errors = climbing.stats.get("errors") + climbing.stats.get("retries");
  report.row(
    "latency climbing with load (10 ms + 2 ms per write in flight)",
    `${fmt(handles / climbing.seconds)} handles/s, limit max ${Math.max(...limits)}, ` +
      `final ${limits.at(-1)}, errors+retries ${errors}`,
    { target: "settles, no errors", ok: errors === 0 && Math.max(...limits) < 256 },
  );
}
