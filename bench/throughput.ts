/**
 * The throughput benchmark of issue 11, in one run: mapping (in process and through
 * `map`), the growth series (1, 1k, 10k, 50k files per event, `.json` and `.jsonl`),
 * Kafka ingest against Java `ConsumerPerformance` on the same topic, registration at
 * default settings with the adaptive limit's trace, and peak memory. Prints one table,
 * each figure next to its target.
 *
 * Usage: `deno run -A bench/throughput.ts [--kafka-events 100000] [--kafka-rounds 3]
 * [--map-events 1500] [--register-events 300] [--only map,process,growth,kafka,register]`
 * (`--only` runs just those parts). The CLI runs with the V8 flags of the
 * `piddiplatsch` task. Uses the broker in `KAFKA_BOOTSTRAP`, else starts one.
 *
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config/mod.ts";
import { startHandleServer } from "../src/handle_server/mod.ts";
import { fileEvents, KAFKA_CLIENTS, type KafkaClientName } from "../src/inputs/mod.ts";
import { createPlugin } from "../src/projects/mod.ts";
import type { StacItem } from "../src/plugins/types.ts";
import { wirePipeline } from "../src/runner/mod.ts";
import { Stats } from "../src/stats/mod.ts";
import { makeCmip6Event } from "../tests/fixtures/events.ts";
import { MAIN, makeWorkspace, produce, uniqueName } from "../tests/helpers.ts";
import { kafkaBootstrapForTests } from "../tools/kafka/broker.ts";
import { kafkaEventSeconds } from "./kafka_growth.ts";
import { ensureKafkaToolJars } from "./kafka_tools.ts";

/** One row of the table. */
interface Row {
  figure: string;
  value: string;
  target: string;
  ok?: boolean;
}

const rows: Row[] = [];

function row(figure: string, value: string, target = "—", ok?: boolean): void {
  rows.push({ figure, value, target, ok });
  console.log(`  ${figure}: ${value}${target === "—" ? "" : ` (target ${target})`}`);
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString("en-US", {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}

/** What a CLI run cost: wall seconds, peak resident memory and RSS samples (MB, every 0.5 s). */
interface CliRun {
  seconds: number;
  rssMb: number;
  samples: number[];
  code: number;
  stderr: string;
}

/** The V8 flags the CLI runs with (those of the `piddiplatsch` task in `deno.json`). */
async function cliV8Flags(): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  return String(config.tasks.piddiplatsch).split(/\s+/).filter((w) => w.startsWith("--v8-flags"));
}

/** Runs `main.ts` (with the task's V8 flags) under `/usr/bin/time` for its peak RSS. */
async function timedCli(args: string[], cwd: string): Promise<CliRun> {
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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function itemId(stem: string, i: number): string {
  return `CMIP6.CMIP.TEST-INST.TEST-ESM1-0.${stem}.r${i + 1}i1p1f1.Amon.tas.gn.v20240101`;
}

function timeLoop(seconds: number, body: () => void): number {
  for (let i = 0; i < 50; i++) body();
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < seconds * 1000) {
    body();
    n++;
  }
  return n / ((performance.now() - started) / 1000);
}

function mapInProcess(): void {
  console.log("\n== mapping in process (parse + map)");
  const plugin = createPlugin("cmip6");
  const now = new Date("2030-01-01T00:00:00Z");
  for (const files of [1, 50]) {
    const text = JSON.stringify(makeCmip6Event({ files, replicas: ["replica.example.org"] }));
    const rate = timeLoop(3, () => {
      const event = JSON.parse(text);
      const payload = event.data.payload;
      plugin.map(payload.item as StacItem, {
        prefix: "21.TEST",
        eventTime: event.metadata.time,
        collectionId: payload.collection_id,
        now,
      });
    });
    if (files === 50) {
      row("map in process, 50 files/event", `${fmt(rate)} ev/s`, ">= 5,000", rate >= 5000);
    } else row("map in process, 1 file/event", `${fmt(rate)} ev/s`);
  }
}

async function writeJsonl(path: string, count: number, files: number, stem: string): Promise<void> {
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

async function mapProcess(mapEvents: number): Promise<void> {
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
    row(
      "map process, 50 files/event, net of start-up (median of 3)",
      `${fmt(rate)} ev/s`,
      ">= 1,500",
      rate >= 1500,
    );
  } finally {
    await ws.remove();
  }
}

/**
 * Seconds one event file takes through the dry-run pipeline, in process: the median of `runs`
 * (a single small event's time swings with the collector, so its best run is a lucky one).
 */
async function pipelineSeconds(configFile: string, path: string, runs: number): Promise<number> {
  const { config } = await loadConfig({ configFile, systemFile: "/nonexistent" });
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const wiring = wirePipeline(config, { stats: new Stats(), dryRun: true });
    const started = performance.now();
    try {
      await wiring.pipeline.run(fileEvents([path]));
    } finally {
      await wiring.close();
    }
    times.push((performance.now() - started) / 1000);
  }
  return median(times);
}

async function growth(): Promise<void> {
  console.log(
    "\n== growth series: one event of N files, read, decoded, mapped, written (dry run; median of 9 runs, 3 from 10k files)",
  );
  const ws = await makeWorkspace();
  try {
    const perFile: Record<string, Record<number, number>> = { json: {}, jsonl: {} };
    for (const files of [1, 1000, 10_000, 50_000]) {
      const text = JSON.stringify(makeCmip6Event({ files, itemId: itemId("growth", files) }));
      for (const ext of ["json", "jsonl"] as const) {
        const path = join(ws.dir, `event-${files}.${ext}`);
        await Deno.writeTextFile(path, ext === "json" ? text : text + "\n");
        const seconds = await pipelineSeconds(ws.config, path, files >= 10_000 ? 3 : 9);
        perFile[ext][files] = seconds / files * 1e6;
        let memory = "";
        let ok: boolean | undefined;
        if (files === 50_000) {
          const run = await timedCli(["-c", ws.config, "map", "--dry-run", path], ws.dir);
          if (run.code !== 0) throw new Error(`map of ${files} files failed: ${run.stderr}`);
          memory = `; map process peak ${fmt(run.rssMb)} MB`;
          ok = run.rssMb < 400;
        }
        row(
          `one event, ${fmt(files)} files, .${ext}`,
          `${seconds.toFixed(3)} s, ${fmt(seconds / files * 1e6, 1)} µs/file${memory}`,
          files === 50_000 ? "< 400 MB" : "—",
          ok,
        );
      }
    }
    for (const ext of ["json", "jsonl"] as const) {
      const ratio = perFile[ext][50_000] / perFile[ext][1000];
      row(`per-file cost 50k / 1k files, .${ext}`, `${ratio.toFixed(2)}x`, "<= 1.2x", ratio <= 1.2);
    }
  } finally {
    await ws.remove();
  }
}

/** The growth series through Kafka (see `bench/kafka_growth.ts`), best of two per size. */
async function kafkaGrowth(bootstrap: string): Promise<void> {
  console.log("\n== growth series through Kafka: one event of N files, fetched, decoded, mapped");
  const perFile: Record<number, number> = {};
  for (const files of [1000, 10_000, 50_000]) {
    const seconds = Math.min(
      await kafkaEventSeconds(bootstrap, files),
      await kafkaEventSeconds(bootstrap, files),
    );
    perFile[files] = seconds / files * 1e6;
    row(
      `one event through Kafka, ${fmt(files)} files`,
      `${seconds.toFixed(3)} s, ${fmt(perFile[files], 1)} µs/file`,
    );
  }
  const ratio = perFile[50_000] / perFile[1000];
  row("per-file cost 50k / 1k files, Kafka", `${ratio.toFixed(2)}x`, "<= 1.2x", ratio <= 1.2);
}

/** Parses the CSV line of `ConsumerPerformance` for `fetch.nMsg.sec`. */
function consumerPerformanceRate(stdout: string): number {
  const lines = stdout.trim().split("\n").filter((l) => l.includes(","));
  const header = lines.find((l) => l.includes("nMsg.sec"))!.split(",").map((h) => h.trim());
  const values = lines.at(-1)!.split(",").map((v) => v.trim());
  const index = header.indexOf("fetch.nMsg.sec");
  return Number(values[index >= 0 ? index : header.indexOf("nMsg.sec")]);
}

async function javaConsumerPerformance(
  bootstrap: string,
  topic: string,
  messages: number,
): Promise<number> {
  const jars = await ensureKafkaToolJars();
  const out = await new Deno.Command("java", {
    args: [
      "-Xmx512m",
      "-cp",
      `${jars}/*`,
      "org.apache.kafka.tools.ConsumerPerformance",
      "--bootstrap-server",
      bootstrap,
      "--topic",
      topic,
      "--messages",
      String(messages),
      "--group",
      uniqueName("perf"),
      "--timeout",
      "60000",
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`ConsumerPerformance failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return consumerPerformanceRate(stdout);
}

/** Dry-run and filtered rates of one Kafka client, and the RSS of its dry runs. */
interface ClientRuns {
  events: number;
  javaRate: number;
  dry: Array<{ rate: number; run: CliRun }>;
  filt: number[];
}

/** The rows of one client: its medians against Java's, and the peak memory of its dry runs. */
function kafkaRows(client: KafkaClientName, { events, javaRate, dry, filt }: ClientRuns): void {
  const dryRate = median(dry.map((d) => d.rate));
  const filtRate = median(filt);
  row(
    `consume --dry-run (decode, map, JSONL), ${client}`,
    `${fmt(dryRate)} ev/s = ${(dryRate / javaRate).toFixed(2)}x Java`,
    ">= 0.50x",
    dryRate / javaRate >= 0.5,
  );
  row(
    `decode + ack of filtered events, ${client}`,
    `${fmt(filtRate)} ev/s = ${(filtRate / javaRate).toFixed(2)}x Java`,
    ">= 0.90x",
    filtRate / javaRate >= 0.9,
  );
  const peak = Math.max(...dry.map((d) => d.run.rssMb));
  const samples = dry[0].run.samples;
  const half = Math.floor(samples.length / 2);
  const firstHalf = Math.max(...samples.slice(0, half));
  const secondHalf = Math.max(...samples.slice(half));
  row(
    `peak memory draining ${fmt(events)} events (dry run), ${client}`,
    `${fmt(peak)} MB; RSS max 1st half ${fmt(firstHalf)} MB, 2nd half ${fmt(secondHalf)} MB`,
    "< 200 MB, flat",
    peak < 200 && secondHalf <= firstHalf * 1.1,
  );
}

/** Messages per second between the first and last periodic summary line of a run's log file. */
async function rateFromSummaries(logFile: string): Promise<{ rate: number; messages: number }> {
  const points: Array<[number, number]> = [];
  for (const line of (await Deno.readTextFile(logFile)).split("\n")) {
    const time = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d+) \+00/.exec(line);
    const messages = /messages=(\d+)/.exec(line)?.[1];
    if (time && messages && !line.includes("Final")) {
      points.push([Date.parse(`${time[1]}T${time[2]}Z`), Number(messages)]);
    }
  }
  if (points.length < 2) return { rate: NaN, messages: points.at(-1)?.[1] ?? 0 };
  const [t0, m0] = points[0];
  const [t1, m1] = points.at(-1)!;
  return { rate: (m1 - m0) / ((t1 - t0) / 1000), messages: m1 };
}

async function kafkaIngest(bootstrap: string, events: number, rounds: number): Promise<void> {
  console.log(`\n== Kafka ingest: ${fmt(events)} one-file events, 3 partitions`);
  const ws = await makeWorkspace({ bootstrap });
  const filteredWs = await makeWorkspace({ bootstrap });
  try {
    // A summary line every 5% of the events: the rate is taken between the first and last.
    for (const w of [ws, filteredWs]) {
      const toml = await Deno.readTextFile(w.config);
      await Deno.writeTextFile(
        w.config,
        toml.replace("summary_interval = 0", `summary_interval = ${Math.ceil(events / 20)}`),
      );
    }
    // Each client by a configuration layer of its own on top of the workspace's.
    const clientConfig = (client: KafkaClientName): string => join(ws.dir, `${client}.toml`);
    for (const client of KAFKA_CLIENTS) {
      await Deno.writeTextFile(clientConfig(client), `[consumer]\nkafka_client = "${client}"\n`);
    }
    const stem = uniqueName("ingest").replaceAll(/[^A-Za-z0-9-]/g, "");
    const messages = Array.from({ length: events }, (_, i) => {
      const event = makeCmip6Event({ files: 1, itemId: itemId(stem, i) });
      return { key: itemId(stem, i), value: JSON.stringify(event) };
    });
    await produce(bootstrap, ws.topic, messages);
    const filtered = messages.map((m) => ({
      key: m.key,
      // A project no configuration selects: collection_id, collection and properties.project.
      value: m.value.replaceAll('"CMIP6"', '"OTHER"'),
    }));
    await produce(bootstrap, filteredWs.topic, filtered);
    const consume = async (
      w: typeof ws,
      client: KafkaClientName,
    ): Promise<{ rate: number; run: CliRun }> => {
      const log = join(w.dir, "run.log");
      const run = await timedCli(
        [
          ...["-c", w.config, "-c", clientConfig(client), "-l", log],
          ...["consume", "--dry-run", "--idle-timeout", "3"],
        ],
        w.dir,
      );
      if (run.code !== 0) throw new Error(`consume --dry-run (${client}) failed: ${run.stderr}`);
      const { rate } = await rateFromSummaries(log);
      await Deno.remove(log);
      return { rate, run };
    };
    // Interleaved rounds on the same topics (a dry run commits nothing); medians.
    const java: number[] = [];
    const dry = new Map(KAFKA_CLIENTS.map((c) => [c, [] as Array<{ rate: number; run: CliRun }>]));
    const filt = new Map(KAFKA_CLIENTS.map((c) => [c, [] as number[]]));
    for (let round = 0; round < rounds; round++) {
      java.push(await javaConsumerPerformance(bootstrap, ws.topic, events));
      const line = [`Java ${fmt(java[round])}`];
      for (const client of KAFKA_CLIENTS) {
        dry.get(client)!.push(await consume(ws, client));
        const filtered = await consume(filteredWs, client);
        if (!/filtered=[1-9]/.test(filtered.run.stderr)) {
          throw new Error(`nothing filtered (${client}): ${filtered.run.stderr}`);
        }
        filt.get(client)!.push(filtered.rate);
        line.push(
          `${client}: dry run ${fmt(dry.get(client)![round].rate)}, filtered ${fmt(filtered.rate)}`,
        );
      }
      console.log(`  round ${round + 1}: ${line.join("; ")} msg/s`);
    }
    const javaRate = median(java);
    row(`Java ConsumerPerformance (fetch.nMsg.sec, median of ${rounds})`, `${fmt(javaRate)} msg/s`);
    for (const client of KAFKA_CLIENTS) {
      kafkaRows(client, { events, javaRate, dry: dry.get(client)!, filt: filt.get(client)! });
    }
  } finally {
    await ws.remove();
    await filteredWs.remove();
  }
}

async function registration(events: number): Promise<void> {
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
    row(
      "registration, default settings, latency 50 ms",
      `${fmt(rate)} handles/s`,
      ">= 1,000",
      rate >= 1000,
    );
    const sample = trace.filter((_, i) => i % Math.max(1, Math.ceil(trace.length / 12)) === 0)
      .map(([ms, limit]) => `${(ms / 1000).toFixed(2)}s:${limit}`);
    row("adaptive limit trace (time:limit)", `${sample.join(" ")} … final ${trace.at(-1)?.[1]}`);
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
    row(
      "latency climbing with load (10 ms + 2 ms per write in flight)",
      `${fmt(events * (files + 1) / seconds)} handles/s, limit max ${Math.max(...trace)}, ` +
        `final ${trace.at(-1)}, errors+retries ${errors}`,
      "settles, no errors",
      errors === 0 && Math.max(...trace) < 256,
    );
  } finally {
    await ws2.remove();
    await climbing.close();
  }
}

function table(): string {
  const header = ["figure", "measured", "target", ""];
  const body = rows.map((
    r,
  ) => [r.figure, r.value, r.target, r.ok === undefined ? "" : r.ok ? "ok" : "MISSED"]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)]
    .join("\n");
}

async function machine(): Promise<string> {
  const cpu = (await Deno.readTextFile("/proc/cpuinfo")).match(/model name\s*:\s*(.*)/)?.[1];
  const memGb = Deno.systemMemoryInfo().total / 2 ** 30;
  return `${cpu ?? "?"}, ${navigator.hardwareConcurrency} cores, ${memGb.toFixed(0)} GiB, ` +
    `Deno ${Deno.version.deno}, ${new Date().toISOString().slice(0, 10)}`;
}

async function main(): Promise<void> {
  const args = parseArgs({
    args: Deno.args,
    options: {
      "kafka-events": { type: "string", default: "100000" },
      "kafka-rounds": { type: "string", default: "3" },
      "map-events": { type: "string", default: "1500" },
      "register-events": { type: "string", default: "300" },
      only: { type: "string", multiple: true },
    },
  }).values;
  const parts = ["map", "process", "growth", "kafka", "register"];
  const only = args.only?.flatMap((o) => o.split(","));
  const unknown = only?.filter((o) => !parts.includes(o)) ?? [];
  if (unknown.length > 0) {
    console.error(`--only: unknown part(s) ${unknown.join(", ")}; parts: ${parts.join(", ")}`);
    Deno.exit(2);
  }
  const runs = (part: string): boolean => only === undefined || only.includes(part);
  if (runs("map")) mapInProcess();
  if (runs("process")) await mapProcess(Number(args["map-events"]));
  if (runs("growth")) await growth();
  if (runs("kafka")) {
    if (!Deno.env.get("KAFKA_BOOTSTRAP")) console.log("\nstarting a local Kafka broker");
    const kafka = await kafkaBootstrapForTests();
    try {
      await kafkaGrowth(kafka.bootstrap);
      await kafkaIngest(
        kafka.bootstrap,
        Number(args["kafka-events"]),
        Number(args["kafka-rounds"]),
      );
    } finally {
      await kafka.stop();
    }
  }
  if (runs("register")) await registration(Number(args["register-events"]));
  console.log(`\nmachine: ${await machine()}\n\n${table()}`);
  // A kafkajs consumer that ran in this process (the growth series through Kafka) leaves a
  // handle open after it disconnected, which would keep the process alive; the CLI exits
  // explicitly too.
  Deno.exit(0);
}

if (import.meta.main) await main();
