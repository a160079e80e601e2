/**
 * The Kafka ingest rate over TLS: `consume --dry-run` of both clients over the local
 * broker's `SASL_SSL` listener (SCRAM-SHA-512) next to the same topic over PLAINTEXT, and
 * Java `ConsumerPerformance` over the same two listeners, in interleaved rounds (medians).
 *
 * @module
 */

import { join } from "node:path";
import { KAFKA_CLIENTS, type KafkaClientName } from "../src/kafka/mod.ts";
import { makeCmip6Event } from "../tests/fixtures/events.ts";
import { makeWorkspace, produce, uniqueName } from "../tests/helpers.ts";
import type { SecureSettings } from "../tools/kafka/broker.ts";
import { itemId, timedCli } from "./cli_run.ts";
import { javaConsumerPerformance, rateFromSummaries } from "./kafka_ingest.ts";
import { fmt, median, type Report } from "./report.ts";

/** The two listeners measured. */
const LISTENERS = ["PLAINTEXT", "SASL_SSL"] as const;
type Listener = typeof LISTENERS[number];

/** Writes the Java client properties of the SCRAM-SHA-512 user over SASL_SSL. */
async function javaSaslSslConfig(settings: SecureSettings, dir: string): Promise<string> {
  const user = settings.users.find((u) => u.mechanism === "SCRAM-SHA-512")!;
  const file = join(dir, "sasl_ssl.properties");
  await Deno.writeTextFile(
    file,
    [
      "security.protocol=SASL_SSL",
      "sasl.mechanism=SCRAM-SHA-512",
      "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required " +
      `username="${user.username}" password="${user.password}";`,
      "ssl.truststore.type=PEM",
      `ssl.truststore.location=${settings.caLocation}`,
    ].join("\n") + "\n",
    { mode: 0o600 },
  );
  return file;
}

/** The `[kafka]` layer of a listener for a client. */
function kafkaLayer(settings: SecureSettings, listener: Listener, client: KafkaClientName): string {
  const user = settings.users.find((u) => u.mechanism === "SCRAM-SHA-512")!;
  const lines = [`[consumer]`, `kafka_client = "${client}"`, `[kafka]`];
  if (listener === "PLAINTEXT") {
    lines.push(`"bootstrap.servers" = "${settings.plaintext}"`);
  } else {
    lines.push(
      `"bootstrap.servers" = "${settings.saslSsl}"`,
      `"security.protocol" = "SASL_SSL"`,
      `"sasl.mechanisms" = "SCRAM-SHA-512"`,
      `"sasl.username" = "${user.username}"`,
      `"sasl.password" = "${user.password}"`,
      `"ssl.ca.location" = "${settings.caLocation}"`,
    );
  }
  return lines.join("\n") + "\n";
}

/**
 * `consume --dry-run` over SASL_SSL and over PLAINTEXT, each client, against Java
 * `ConsumerPerformance` over the same listeners, on one topic of one-file events.
 */
export async function kafkaIngestTls(
  report: Report,
  settings: SecureSettings,
  options: { events: number; rounds: number },
): Promise<void> {
  const { events, rounds } = options;
  console.log(`\n== Kafka ingest over SASL_SSL and PLAINTEXT: ${fmt(events)} one-file events`);
  const ws = await makeWorkspace({ bootstrap: settings.plaintext });
  try {
    const toml = await Deno.readTextFile(ws.config);
    await Deno.writeTextFile(
      ws.config,
      toml.replace("summary_interval = 0", `summary_interval = ${Math.ceil(events / 20)}`),
    );
    const layer = (listener: Listener, client: KafkaClientName): string =>
      join(ws.dir, `${listener}-${client}.toml`);
    for (const listener of LISTENERS) {
      for (const client of KAFKA_CLIENTS) {
        await Deno.writeTextFile(layer(listener, client), kafkaLayer(settings, listener, client));
      }
    }
    const javaConfig = await javaSaslSslConfig(settings, ws.dir);
    const stem = uniqueName("tls").replaceAll(/[^A-Za-z0-9-]/g, "");
    await produce(
      settings.plaintext,
      ws.topic,
      Array.from({ length: events }, (_, i) => ({
        key: itemId(stem, i),
        value: JSON.stringify(makeCmip6Event({ files: 1, itemId: itemId(stem, i) })),
      })),
    );
    const java = new Map(LISTENERS.map((l) => [l, [] as number[]]));
    const rates = new Map<string, number[]>();
    for (let round = 0; round < rounds; round++) {
      const line: string[] = [];
      for (const listener of LISTENERS) {
        const rate = await javaConsumerPerformance(
          listener === "PLAINTEXT" ? settings.plaintext : settings.saslSsl,
          ws.topic,
          events,
          listener === "PLAINTEXT" ? undefined : javaConfig,
        );
        java.get(listener)!.push(rate);
        line.push(`Java ${listener} ${fmt(rate)}`);
        for (const client of KAFKA_CLIENTS) {
          const log = join(ws.dir, "run.log");
          const run = await timedCli([
            ...["-c", ws.config, "-c", layer(listener, client), "-l", log],
            ...["consume", "--dry-run", "--idle-timeout", "3"],
          ], ws.dir);
          if (run.code !== 0) {
            throw new Error(`consume --dry-run (${client}, ${listener}) failed: ${run.stderr}`);
          }
          const { rate: clientRate } = await rateFromSummaries(log);
          await Deno.remove(log);
          const key = `${listener}/${client}`;
          rates.set(key, [...(rates.get(key) ?? []), clientRate]);
          line.push(`${client} ${listener} ${fmt(clientRate)}`);
        }
      }
      console.log(`  round ${round + 1}: ${line.join("; ")} msg/s`);
    }
    for (const listener of LISTENERS) {
      report.row(
        `Java ConsumerPerformance over ${listener} (median of ${rounds})`,
        `${fmt(median(java.get(listener)!))} msg/s`,
      );
    }
    const javaTls = median(java.get("SASL_SSL")!);
    for (const client of KAFKA_CLIENTS) {
      const plain = median(rates.get(`PLAINTEXT/${client}`)!);
      const tls = median(rates.get(`SASL_SSL/${client}`)!);
      report.row(
        `consume --dry-run over SASL_SSL (SCRAM-SHA-512), ${client}`,
        `${fmt(tls)} ev/s = ${(tls / javaTls).toFixed(2)}x Java SASL_SSL, ` +
          `${(tls / plain).toFixed(2)}x own PLAINTEXT (${fmt(plain)} ev/s)`,
        { target: ">= 0.50x Java", ok: tls / javaTls >= 0.5 },
      );
    }
  } finally {
    await ws.remove();
  }
}
