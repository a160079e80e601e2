/**
 * The Handle-outage variant of `deno task soak` (`--handle-outages N`): one `consume`
 * (default settings: `on_outage = "wait"`) over a topic that keeps filling while its
 * Handle server (the project's `handle-server`, records kept in a data file) is stopped N
 * times for `--outage-s` seconds and started again on the same port. Measures, per
 * outage, the time from the server's return to the first new registration; over the run,
 * the most events held and the peak resident memory (from `/metrics`); at the end checks
 * every expected handle on the server (lost) and that the process never exited early.
 *
 * @module
 */

import { join } from "node:path";
import { expectedRecords, itemIdOf } from "../tests/fixtures/expected.ts";
import { makeCmip6Events } from "../tests/fixtures/events.ts";
import { makeWorkspace, produce, resolveHandle, startTestHandleServer } from "../tests/helpers.ts";
import { startConsume, until } from "../tests/commands/outage_support.ts";

/** Options of {@linkcode runOutageSoak}. */
export interface OutageSoakOptions {
  /** The broker. */
  bootstrap: string;
  /** Events produced in all, at `rate` per second. */
  events: number;
  /** Events per second. */
  rate: number;
  /** Outages of the Handle server. */
  outages: number;
  /** Seconds each outage lasts. */
  outageSeconds: number;
}

/** What one run measured. */
export interface OutageSoakResult {
  /** Handles expected. */
  expected: number;
  /** Expected handles not on the server at the end. */
  lost: number;
  /** Per outage: seconds from the server's return to the first new registration. */
  resumeSeconds: number[];
  /** Per outage: seconds from the server's return until no event is held (±1 s). */
  drainSeconds: number[];
  /** The most events held at once (`piddiplatsch_events_held`). */
  heldPeak: number;
  /** Peak resident memory of the consumer, MB. */
  rssPeakMb: number;
  /** The consumer's exit code. */
  code: number;
  /** Whether it ended before the last event was produced. */
  exitedEarly: boolean;
  /** Wall time, seconds. */
  seconds: number;
}

function gauge(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name} ([0-9.e+]+)$`, "m").exec(text);
  return match ? Number(match[1]) : undefined;
}

/** One run: produce while the Handle server goes away and comes back, then check. */
export async function runOutageSoak(o: OutageSoakOptions): Promise<OutageSoakResult> {
  const started = performance.now();
  const dir = await Deno.makeTempDir({ prefix: "piddi-soak-outage-" });
  const dataFile = join(dir, "handles.data");
  let server = await startTestHandleServer({ dataFile });
  const port = server.port;
  const ws = await makeWorkspace({ bootstrap: o.bootstrap, handleUrl: server.url });
  const events = makeCmip6Events(o.events, `soak${Date.now().toString(36)}`, { files: 1 });
  const batches: Array<typeof events> = [];
  for (let i = 0; i < events.length; i += o.rate) batches.push(events.slice(i, i + o.rate));
  const result: OutageSoakResult = {
    expected: events.reduce((n, e) => n + expectedRecords(e).size, 0),
    lost: 0,
    resumeSeconds: [],
    drainSeconds: [],
    heldPeak: 0,
    rssPeakMb: 0,
    code: -1,
    exitedEarly: false,
    seconds: 0,
  };
  const send = (batch: typeof events): Promise<void> =>
    produce(
      o.bootstrap,
      ws.topic,
      batch.map((e) => ({ key: itemIdOf(e), value: JSON.stringify(e) })),
    );
  await send(batches.shift() ?? []);
  const run = startConsume(ws.config, { cwd: ws.dir, args: ["--idle-timeout", "15"] });
  let producing = true;
  let held = 0;
  run.done.then(() => result.exitedEarly = producing);
  const sampler = setInterval(async () => {
    const text = await run.metrics();
    held = gauge(text, "piddiplatsch_events_held") ?? held;
    result.heldPeak = Math.max(result.heldPeak, held);
    const rss = gauge(text, "process_resident_memory_bytes") ?? 0;
    result.rssPeakMb = Math.max(result.rssPeakMb, rss / 1e6);
  }, 1000);
  try {
    const producer = (async () => {
      for (const batch of batches) {
        const t = performance.now();
        await send(batch);
        await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (performance.now() - t))));
      }
      producing = false;
    })();
    const runMs = (batches.length + 1) * 1000;
    const gap = runMs / (o.outages + 1);
    for (let i = 0; i < o.outages; i++) {
      await new Promise((r) => setTimeout(r, Math.max(1000, gap - o.outageSeconds * 1000)));
      await server.close();
      await new Promise((r) => setTimeout(r, o.outageSeconds * 1000));
      const before = server.size();
      server = await startTestHandleServer({ dataFile, port });
      const back = performance.now();
      await until(() => server.size() > before || run.ended(), "a registration", 600_000);
      result.resumeSeconds.push((performance.now() - back) / 1000);
      await until(() => held === 0 || run.ended(), "the held events done", 600_000);
      result.drainSeconds.push((performance.now() - back) / 1000);
      console.log(
        `  outage ${i + 1}: ${o.outageSeconds} s; first registration ${
          result.resumeSeconds.at(-1)!.toFixed(2)
        } s after the server came back, none held after ${
          result.drainSeconds.at(-1)!.toFixed(1)
        } s; held peak so far ${result.heldPeak}`,
      );
    }
    await producer;
    const end = await run.done;
    result.code = end.code;
    for (const event of events) {
      for (const handle of expectedRecords(event).keys()) {
        if (await resolveHandle(server.url, handle) === undefined) result.lost++;
      }
    }
  } finally {
    clearInterval(sampler);
    await run.stop();
    await server.close();
    await ws.remove();
    await Deno.remove(dir, { recursive: true });
  }
  result.seconds = (performance.now() - started) / 1000;
  return result;
}
