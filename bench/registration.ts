/**
 * The registration figures of `bench/throughput.ts`: the adaptive limit against a Handle
 * server with a fixed latency and against one whose latency climbs with load.
 *
 * @module
 */

import { join } from "node:path";
import { loadConfig } from "../src/config/mod.ts";
import { startHandleServer } from "../src/handle_server/mod.ts";
import { fileEvents } from "../src/inputs/mod.ts";
import { wirePipeline } from "../src/runner/mod.ts";
import { Stats } from "../src/stats/mod.ts";
import { makeWorkspace, uniqueName } from "../tests/helpers.ts";
import { writeJsonl } from "./cli_run.ts";
import { fmt, type Report } from "./report.ts";

/**
 * Registration at default settings into `handle-server --latency-ms 50`, with the adaptive
 * limit trace, and against a server whose latency climbs with the writes in flight.
 */
export async function registration(report: Report, events: number): Promise<void> {
  const files = 10;
  console.log(
    `\n== registration at default settings: ${events} events of ${files} files into ` +
      "handle-server --latency-ms 50",
  );
  const server = await startHandleServer({
    prefix: "21.TEST",
    username: "300:21.TEST/testuser",
    password: "testpass",
    latencyMs: 50,
  });
  const ws = await makeWorkspace({ handleUrl: server.url });
  try {
    const path = join(ws.dir, "events.jsonl");
    await writeJsonl(path, events, files, uniqueName("reg").replaceAll(/[^A-Za-z0-9-]/g, ""));
    // Default settings: the packaged defaults plus only the addresses of this workspace.
    const { config } = await loadConfig({ configFile: ws.config, systemFile: "/nonexistent" });
    const trace: Array<[number, number]> = [];
    const started = performance.now();
    const wiring = wirePipeline(config, {
      stats: new Stats(),
      onLimit: (limit) => trace.push([performance.now() - started, limit]),
    });
    try {
      await wiring.pipeline.run(fileEvents([path]));
    } finally {
      await wiring.close();
    }
    const seconds = (performance.now() - started) / 1000;
    const handles = events * (files + 1);
    if (server.size() < handles) throw new Error(`${server.size()} of ${handles} handles`);
    const rate = handles / seconds;
    report.row("registration, default settings, latency 50 ms", `${fmt(rate)} handles/s`, {
      target: ">= 1,000",
      ok: rate >= 1000,
    });
    const sample = trace.filter((_, i) => i % Math.max(1, Math.ceil(trace.length / 12)) === 0)
      .map(([ms, limit]) => `${(ms / 1000).toFixed(2)}s:${limit}`);
    report.row(
      "adaptive limit trace (time:limit)",
      `${sample.join(" ")} … final ${trace.at(-1)?.[1]}`,
    );
  } finally {
    await ws.remove();
    await server.close();
  }
  const climbing = await startHandleServer({
    prefix: "21.TEST",
    username: "300:21.TEST/testuser",
    password: "testpass",
    latencyMs: 10,
    latencyPerInflightMs: 2,
  });
  const ws2 = await makeWorkspace({ handleUrl: climbing.url });
  try {
    const path = join(ws2.dir, "events.jsonl");
    await writeJsonl(path, events, files, uniqueName("climb").replaceAll(/[^A-Za-z0-9-]/g, ""));
    const { config } = await loadConfig({ configFile: ws2.config, systemFile: "/nonexistent" });
    const trace: number[] = [];
    const stats = new Stats();
    const wiring = wirePipeline(config, { stats, onLimit: (limit) => trace.push(limit) });
    const started = performance.now();
    try {
      await wiring.pipeline.run(fileEvents([path]));
    } finally {
      await wiring.close();
    }
    const seconds = (performance.now() - started) / 1000;
    const errors = stats.get("errors") + stats.get("retries");
    report.row(
      "latency climbing with load (10 ms + 2 ms per write in flight)",
      `${fmt(events * (files + 1) / seconds)} handles/s, limit max ${Math.max(...trace)}, ` +
        `final ${trace.at(-1)}, errors+retries ${errors}`,
      { target: "settles, no errors", ok: errors === 0 && Math.max(...trace) < 256 },
    );
  } finally {
    await ws2.remove();
    await climbing.close();
  }
}
