/**
 * End-to-end throughput: generated CMIP6 events on a real Kafka topic, consumed by the real
 * CLI (`consume`, a subprocess) and registered over HTTP in the project's handle server
 * (in process, 50 ms added to every write, as a production server might answer).
 *
 * Two runs, each on a fresh topic, a fresh consumer group and fresh item ids:
 * - `serial`: `[consumer] concurrency = 1` and `[handle] concurrency = 1`, with fewer events
 *   (every handle costs one full latency, so 2200 handles would take about two minutes);
 * - `default`: the concurrency of `config/default.toml`.
 *
 * The time of a run is from spawning the CLI to the moment the handle server holds every
 * expected handle (the idle timeout that ends the CLI afterwards is not counted); the CLI's
 * final summary must report the same number of handles.
 *
 * Usage: `deno run -A bench/e2e_kafka.ts [--events 200] [--serial-events 40] [--files 10]
 * [--latency-ms 50]`. Uses the broker in `KAFKA_BOOTSTRAP`, else starts one.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { startHandleServer } from "../src/handle_server/mod.ts";
import type { HandleServer } from "../src/handle_server/mod.ts";
import { makeCmip6Event } from "../tests/fixtures/events.ts";
import { cliCommand, makeWorkspace, produce, uniqueName } from "../tests/helpers.ts";
import { kafkaBootstrapForTests } from "../tools/kafka/broker.ts";

/** Seconds without a new event before `consume` ends. */
const IDLE_TIMEOUT_SECONDS = 3;
/** A run that has not registered everything by then is stopped and reported as failed. */
const RUN_LIMIT_MS = 120_000;
/** How often the handle server's size is sampled, ms. */
const POLL_MS = 5;

/** One measured `consume` run. */
interface RunFigures {
  mode: string;
  events: number;
  handles: number;
  /** Spawn to the last registration, seconds. */
  seconds: number;
  /** Spawn to the first registration (start-up and group join), seconds. */
  firstSeconds: number;
  /** Spawn to the CLI's exit (idle timeout and shutdown included), seconds. */
  exitSeconds: number;
}

/** What one run is asked to do. */
interface RunPlan {
  mode: string;
  events: number;
  files: number;
  bootstrap: string;
  server: HandleServer;
  sections: Record<string, string[]>;
}

function eventsFor(count: number, files: number, stem: string): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) =>
    makeCmip6Event({
      files,
      itemId: `CMIP6.CMIP.TEST-INST.TEST-ESM1-0.${stem}.r${i + 1}i1p1f1.Amon.tas.gn.v20240101`,
    }));
}

function itemIdOf(event: Record<string, unknown>): string {
  return (event.data as { payload: { item: { id: string } } }).payload.item.id;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function measure(plan: RunPlan): Promise<RunFigures> {
  const ws = await makeWorkspace({
    bootstrap: plan.bootstrap,
    handleUrl: plan.server.url,
    sections: plan.sections,
  });
  try {
    // Item ids unique to this run, so every PUT adds a handle to the shared server.
    const stem = uniqueName(plan.mode).replaceAll(/[^A-Za-z0-9-]/g, "");
    const events = eventsFor(plan.events, plan.files, stem);
    await produce(
      plan.bootstrap,
      ws.topic,
      events.map((e) => ({ key: itemIdOf(e), value: JSON.stringify(e) })),
    );
    const expected = plan.events * (plan.files + 1);
    const base = plan.server.size();
    const started = performance.now();
    const child = cliCommand(
      ["-c", ws.config, "consume", "--idle-timeout", String(IDLE_TIMEOUT_SECONDS)],
      { cwd: ws.dir },
    ).spawn();
    const output = child.output();
    let exited = false;
    output.finally(() => exited = true).catch(() => {});
    let first: number | undefined;
    let last: number | undefined;
    while (last === undefined && !exited && performance.now() - started < RUN_LIMIT_MS) {
      const added = plan.server.size() - base;
      if (added > 0) first ??= performance.now();
      if (added >= expected) last = performance.now();
      else await delay(POLL_MS);
    }
    if (last === undefined && !exited) child.kill("SIGKILL");
    const result = await output;
    const exitedAt = performance.now();
    const stderr = new TextDecoder().decode(result.stderr);
    if (last === undefined) {
      throw new Error(
        `${plan.mode}: ${plan.server.size() - base} of ${expected} handles after ${
          ((performance.now() - started) / 1000).toFixed(1)
        } s (exit ${result.code}):\n${stderr}`,
      );
    }
    if (result.code !== 0) throw new Error(`${plan.mode}: consume exit ${result.code}:\n${stderr}`);
    const reported = Number(/handles=(\d+)/.exec(stderr)?.[1] ?? NaN);
    if (reported !== expected) {
      throw new Error(
        `${plan.mode}: summary handles=${reported}, expected ${expected}:\n${stderr}`,
      );
    }
    return {
      mode: plan.mode,
      events: plan.events,
      handles: expected,
      seconds: (last - started) / 1000,
      firstSeconds: ((first ?? last) - started) / 1000,
      exitSeconds: (exitedAt - started) / 1000,
    };
  } finally {
    await ws.remove();
  }
}

function table(rows: RunFigures[]): string {
  const header = [
    "mode",
    "events",
    "handles",
    "seconds",
    "handles/s",
    "first handle s",
    "steady/s",
    "exit s",
  ];
  const body = rows.map((r) => [
    r.mode,
    String(r.events),
    String(r.handles),
    r.seconds.toFixed(2),
    (r.handles / r.seconds).toFixed(1),
    r.firstSeconds.toFixed(2),
    r.seconds > r.firstSeconds ? (r.handles / (r.seconds - r.firstSeconds)).toFixed(1) : "-",
    r.exitSeconds.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  return [header, ...body]
    .map((row) => row.map((cell, i) => i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
    .map((row) => row.join("  "))
    .join("\n");
}

async function main(): Promise<void> {
  const args = parseArgs({
    args: Deno.args,
    options: {
      events: { type: "string", default: "200" },
      "serial-events": { type: "string", default: "40" },
      files: { type: "string", default: "10" },
      "latency-ms": { type: "string", default: "50" },
    },
  }).values;
  const events = Number(args.events);
  const serialEvents = Number(args["serial-events"]);
  const files = Number(args.files);
  const latencyMs = Number(args["latency-ms"]);

  if (!Deno.env.get("KAFKA_BOOTSTRAP")) console.log("e2e: starting a local Kafka broker");
  const { bootstrap, stop: stopBroker } = await kafkaBootstrapForTests();
  const server = await startHandleServer({
    prefix: "21.TEST",
    username: "300:21.TEST/testuser",
    password: "testpass",
    latencyMs,
  });
  console.log(
    `e2e: broker ${bootstrap}, handle server ${server.url} (latency ${latencyMs} ms per write), ` +
      `${files} files per event, consume --idle-timeout ${IDLE_TIMEOUT_SECONDS} (not counted)`,
  );
  try {
    const rows: RunFigures[] = [];
    rows.push(
      await measure({
        mode: "serial (consumer=1, handle=1)",
        events: serialEvents,
        files,
        bootstrap,
        server,
        sections: { consumer: ["concurrency = 1"], handle: ["concurrency = 1"] },
      }),
    );
    rows.push(
      await measure({
        mode: "default (config/default.toml)",
        events,
        files,
        bootstrap,
        server,
        sections: {},
      }),
    );
    console.log(`\n${table(rows)}`);
    console.log(
      "\nseconds: CLI spawn to last registration; first handle s: spawn to first registration " +
        "(Deno start, Kafka group join); steady/s: handles / (seconds - first handle s); " +
        `exit s: spawn to exit, the ${IDLE_TIMEOUT_SECONDS} s idle timeout and the shutdown included.`,
    );
  } finally {
    await server.close();
    await stopBroker();
  }
}

if (import.meta.main) await main();
