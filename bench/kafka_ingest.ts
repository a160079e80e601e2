/**
 * The Kafka figures of `bench/throughput.ts`: the growth series through Kafka, and the
 * ingest rates of both clients against Java `ConsumerPerformance` on the same topic, with
 * the peak memory of their dry runs.
 *
 * @module
 */

import { join } from "node:path";
import { KAFKA_CLIENTS, type KafkaClientName } from "../src/kafka/mod.ts";
import { makeCmip6Event } from "../tests/fixtures/events.ts";
import { makeWorkspace, produce, uniqueName } from "../tests/helpers.ts";
import { type CliRun, itemId, timedCli } from "./cli_run.ts";
import { kafkaEventSeconds } from "./kafka_growth.ts";
import { ensureKafkaToolJars } from "./kafka_tools.ts";
import { fmt, median, type Report } from "./report.ts";

/** The growth series through Kafka (see `bench/kafka_growth.ts`), best of two per size. */
export async function kafkaGrowth(report: Report, bootstrap: string): Promise<void> {
  console.log("\n== growth series through Kafka: one event of N files, fetched, decoded, mapped");
  const perFile: Record<number, number> = {};
  for (const files of [1000, 10_000, 50_000]) {
    const seconds = Math.min(
      await kafkaEventSeconds(bootstrap, files),
      await kafkaEventSeconds(bootstrap, files),
    );
    perFile[files] = seconds / files * 1e6;
    report.row(
      `one event through Kafka, ${fmt(files)} files`,
      `${seconds.toFixed(3)} s, ${fmt(perFile[files], 1)} µs/file`,
    );
  }
  const ratio = perFile[50_000] / perFile[1000];
  report.row("per-file cost 50k / 1k files, Kafka", `${ratio.toFixed(2)}x`, {
    target: "<= 1.2x",
    ok: ratio <= 1.2,
  });
}

/** Parses the CSV line of `ConsumerPerformance` for `fetch.nMsg.sec`. */
function consumerPerformanceRate(stdout: string): number {
  const lines = stdout.trim().split("\n").filter((l) => l.includes(","));
  const header = lines.find((l) => l.includes("nMsg.sec"))!.split(",").map((h) => h.trim());
  const values = lines.at(-1)!.split(",").map((v) => v.trim());
  const index = header.indexOf("fetch.nMsg.sec");
  return Number(values[index >= 0 ? index : header.indexOf("nMsg.sec")]);
}

/**
 * Java `ConsumerPerformance` over `topic` (`fetch.nMsg.sec`); `consumerConfig` names a
 * properties file of client settings (e.g. SASL_SSL).
 */
export async function javaConsumerPerformance(
  bootstrap: string,
  topic: string,
  messages: number,
  consumerConfig?: string,
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
      ...(consumerConfig ? ["--consumer.config", consumerConfig] : []),
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
function kafkaRows(
  report: Report,
  client: KafkaClientName,
  { events, javaRate, dry, filt }: ClientRuns,
): void {
  const dryRate = median(dry.map((d) => d.rate));
  const filtRate = median(filt);
  report.row(
    `consume --dry-run (decode, map, JSONL), ${client}`,
    `${fmt(dryRate)} ev/s = ${(dryRate / javaRate).toFixed(2)}x Java`,
    { target: ">= 0.50x", ok: dryRate / javaRate >= 0.5 },
  );
  report.row(
    `decode + ack of filtered events, ${client}`,
    `${fmt(filtRate)} ev/s = ${(filtRate / javaRate).toFixed(2)}x Java`,
    { target: ">= 0.90x", ok: filtRate / javaRate >= 0.9 },
  );
  const peak = Math.max(...dry.map((d) => d.run.rssMb));
  const samples = dry[0].run.samples;
  const half = Math.floor(samples.length / 2);
  const firstHalf = Math.max(...samples.slice(0, half));
  const secondHalf = Math.max(...samples.slice(half));
  report.row(
    `peak memory draining ${fmt(events)} events (dry run), ${client}`,
    `${fmt(peak)} MB; RSS max 1st half ${fmt(firstHalf)} MB, 2nd half ${fmt(secondHalf)} MB`,
    { target: "< 200 MB, flat", ok: peak < 200 && secondHalf <= firstHalf * 1.1 },
  );
}

/** Messages per second between the first and last periodic summary line of a run's log file. */
export async function rateFromSummaries(
  logFile: string,
): Promise<{ rate: number; messages: number }> {
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

/**
 * `consume --dry-run` of both Kafka clients over a topic of one-file events and over one of
 * events no project selects, against Java `ConsumerPerformance` on the same topic.
 */
export async function kafkaIngest(
  report: Report,
  bootstrap: string,
  options: { events: number; rounds: number },
): Promise<void> {
  const { events, rounds } = options;
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
    report.row(
      `Java ConsumerPerformance (fetch.nMsg.sec, median of ${rounds})`,
      `${fmt(javaRate)} msg/s`,
    );
    for (const client of KAFKA_CLIENTS) {
      kafkaRows(report, client, {
        events,
        javaRate,
        dry: dry.get(client)!,
        filt: filt.get(client)!,
      });
    }
  } finally {
    await ws.remove();
    await filteredWs.remove();
  }
}
