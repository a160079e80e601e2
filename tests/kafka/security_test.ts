/**
 * Kafka as ESGF runs it, end to end through the real CLI against a broker of our own
 * with a `SASL_SSL` listener (PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 users) and an `SSL`
 * listener that requires client certificates (`tools/kafka/security.ts`): `send`,
 * `consume` into the stand-in Handle server and `verify --topic` over each, with the
 * Python tool's librdkafka keys; then every wrong setting is refused with one line naming
 * the keys to look at, exit 2, nothing consumed and nothing committed, and no secret.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { makeCmip6Events } from "../fixtures/events.ts";
import {
  type CliResult,
  makeWorkspace,
  produce,
  runCli,
  startTestHandleServer,
  summaryCount,
  uniqueName,
  type Workspace,
} from "../helpers.ts";
import { secureKafkaForTests, type SecureSettings } from "../../tools/kafka/broker.ts";
import { makeAuthority, makeCertificate } from "../../tools/kafka/certs.ts";

const kafkaTest = { sanitizeOps: false, sanitizeResources: false };

/** The `[kafka]` lines of a SASL_SSL user. */
function saslLines(settings: SecureSettings, mechanism: string): string[] {
  const user = settings.users.find((u) => u.mechanism === mechanism)!;
  return [
    `"security.protocol" = "SASL_SSL"`,
    `"sasl.mechanisms" = "${mechanism}"`,
    `"sasl.username" = "${user.username}"`,
    `"sasl.password" = "${user.password}"`,
    `"ssl.ca.location" = "${settings.caLocation}"`,
  ];
}

/** The `[kafka]` lines of the client certificate. */
function certLines(settings: SecureSettings): string[] {
  return [
    `"security.protocol" = "SSL"`,
    `"ssl.ca.location" = "${settings.caLocation}"`,
    `"ssl.certificate.location" = "${settings.client.certificateLocation}"`,
    `"ssl.key.location" = "${settings.client.keyLocation}"`,
    `"ssl.key.password" = "${settings.client.keyPassword}"`,
  ];
}

/** Every secret the broker's settings hold. */
function secrets(settings: SecureSettings): string[] {
  return [...settings.users.map((u) => u.password), settings.client.keyPassword];
}

/** A workspace whose `[kafka]` is `lines` at `bootstrap`. */
function workspace(
  bootstrap: string,
  lines: string[],
  options: { handleUrl: string; client?: string; topic?: string },
): Promise<Workspace> {
  return makeWorkspace({
    bootstrap,
    handleUrl: options.handleUrl,
    topic: options.topic,
    sections: {
      kafka: [...lines, "connect_timeout = 20"],
      consumer: options.client ? [`kafka_client = "${options.client}"`] : [],
    },
  });
}

/** The committed offsets of `group` on `topic`, read over the PLAINTEXT listener. */
async function committed(plaintext: string, group: string, topic: string): Promise<string[]> {
  const admin = new Kafka({ brokers: [plaintext], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return offsets.partitions.map((p) => p.offset);
  } finally {
    await admin.disconnect();
  }
}

/** Creates a topic over the PLAINTEXT listener. */
async function createTopic(plaintext: string, topic: string): Promise<void> {
  const admin = new Kafka({ brokers: [plaintext], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  } finally {
    await admin.disconnect();
  }
}

/** The group id in a workspace's configuration. */
async function groupOf(ws: Workspace): Promise<string> {
  const text = await Deno.readTextFile(ws.config);
  return /"group\.id" = "([^"]+)"/.exec(text)![1];
}

/** Asserts a refusal: exit 2, one line naming the keys, no secret, no warning noise. */
function assertRefused(run: CliResult, keys: RegExp, settings: SecureSettings): void {
  assert.equal(run.code, 2, run.stderr);
  const lines = run.stderr.trim().split("\n");
  const refusal = lines[lines.length - 1];
  assert.match(refusal, keys, run.stderr);
  assert.equal(lines.filter((l) => l.includes("bootstrap.servers")).length <= 1, true, run.stderr);
  assert.doesNotMatch(run.stderr, /cannot be reached|TimeoutNegativeWarning|write after end/);
  for (const secret of secrets(settings)) assert.ok(!run.stderr.includes(secret), run.stderr);
}

Deno.test(
  "over SASL_SSL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) and SSL with client certificates: " +
    "send, consume and verify --topic; every wrong setting refused with one line, exit 2",
  kafkaTest,
  async (t) => {
    const kafka = await secureKafkaForTests();
    const { settings } = kafka;
    const handles = await startTestHandleServer();
    const workspaces: Workspace[] = [];
    const cli = (ws: Workspace, ...args: string[]): Promise<CliResult> =>
      runCli(["-c", ws.config, ...args], { cwd: ws.dir });
    try {
      const listeners: Array<[string, string, string[], string | undefined]> = [
        ["SASL_SSL PLAIN", settings.saslSsl, saslLines(settings, "PLAIN"), undefined],
        [
          "SASL_SSL SCRAM-SHA-256",
          settings.saslSsl,
          saslLines(settings, "SCRAM-SHA-256"),
          undefined,
        ],
        [
          "SASL_SSL SCRAM-SHA-512",
          settings.saslSsl,
          saslLines(settings, "SCRAM-SHA-512"),
          undefined,
        ],
        ["SSL client certificate", settings.ssl, certLines(settings), undefined],
        [
          "SASL_SSL SCRAM-SHA-512 on kafkajs",
          settings.saslSsl,
          saslLines(settings, "SCRAM-SHA-512"),
          "kafkajs",
        ],
        [
          "SSL client certificate on kafkajs",
          settings.ssl,
          certLines(settings),
          "kafkajs",
        ],
      ];
      for (const [name, bootstrap, lines, client] of listeners) {
        await t.step(name, async () => {
          const ws = await workspace(bootstrap, lines, { handleUrl: handles.url, client });
          workspaces.push(ws);
          const events = makeCmip6Events(2, uniqueName("sec").replaceAll("-", ""), { files: 1 });
          await Deno.writeTextFile(
            join(ws.dir, "events.jsonl"),
            events.map((e) => JSON.stringify(e)).join("\n") + "\n",
          );
          const sent = await cli(ws, "send", "events.jsonl");
          assert.equal(sent.code, 0, sent.stderr);
          assert.match(sent.stdout, /sent 2 event\(s\) from 1 file\(s\)/);
          const before = handles.size();
          const consumed = await cli(ws, "consume", "--idle-timeout", "3");
          assert.equal(consumed.code, 0, consumed.stderr);
          assert.equal(summaryCount(consumed.stderr, "messages"), 2);
          assert.equal(summaryCount(consumed.stderr, "errors"), 0);
          assert.equal(handles.size() - before, 4);
          assert.doesNotMatch(consumed.stderr, /ignored by this client/);
          const verified = await cli(ws, "verify", "--topic");
          assert.equal(verified.code, 0, verified.stdout + verified.stderr);
          assert.match(verified.stdout, /verify: 4 handle\(s\) from 2 input\(s\): 4 ok/);
          const group = await groupOf(ws);
          assert.equal((await committed(settings.plaintext, group, ws.topic)).length > 0, true);
        });
      }

      // Certificates for the refusals: a CA that did not sign the broker, and a client
      // certificate of the broker's CA that has expired.
      const certDir = await Deno.makeTempDir({ prefix: "piddi-certs-" });
      const otherCa = await makeAuthority(certDir, "other-ca");
      const expired = await makeCertificate(certDir, "expired", {
        ca: { cert: settings.caLocation, key: settings.caKeyLocation },
        commonName: "expired-client",
        usage: "clientAuth",
        days: -1,
      });
      const scram = settings.users.find((u) => u.mechanism === "SCRAM-SHA-512")!;
      const sasl = saslLines(settings, "SCRAM-SHA-512");
      const replace = (lines: string[], key: string, value: string): string[] =>
        lines.map((l) => l.startsWith(`"${key}"`) ? `"${key}" = "${value}"` : l);
      const refusals: Array<[string, string, string[], RegExp]> = [
        [
          "wrong password",
          settings.saslSsl,
          replace(sasl, "sasl.password", "wrong"),
          /"sasl\.password"/,
        ],
        [
          "unknown user",
          settings.saslSsl,
          replace(sasl, "sasl.username", "nobody"),
          /"sasl\.username"/,
        ],
        [
          "wrong mechanism",
          settings.saslSsl,
          replace(sasl, "sasl.mechanisms", "SCRAM-SHA-256"),
          /"sasl\.mechanisms"/,
        ],
        [
          "a CA that did not sign the broker",
          settings.saslSsl,
          replace(sasl, "ssl.ca.location", otherCa.cert),
          /not signed by a trusted CA.*"ssl\.ca\.location"/,
        ],
        [
          "no client certificate where one is required",
          settings.ssl,
          [`"security.protocol" = "SSL"`, `"ssl.ca.location" = "${settings.caLocation}"`],
          /requires a client certificate.*"ssl\.certificate\.location", "ssl\.key\.location"/,
        ],
        [
          "an expired client certificate",
          settings.ssl,
          [
            `"security.protocol" = "SSL"`,
            `"ssl.ca.location" = "${settings.caLocation}"`,
            `"ssl.certificate.location" = "${expired.cert}"`,
            `"ssl.key.location" = "${expired.key}"`,
          ],
          /"ssl\.certificate\.location" = .*expired on/,
        ],
        [
          "a wrong key password",
          settings.ssl,
          replace(certLines(settings), "ssl.key.password", "wrong"),
          /"ssl\.key\.password" does not open "ssl\.key\.location"/,
        ],
        [
          "plaintext against a TLS listener",
          settings.saslSsl,
          [],
          /speaks TLS but the client does not.*"security\.protocol"/,
        ],
        [
          "TLS against a plaintext listener",
          settings.plaintext,
          sasl,
          /does not speak TLS.*"security\.protocol"/,
        ],
      ];
      // Events that a refused run must not consume.
      const topic = uniqueName("refused");
      await produce(settings.plaintext, topic, [{ key: "k", value: "{}" }]);
      for (const [name, bootstrap, lines, keys] of refusals) {
        await t.step(`refused: ${name}`, async () => {
          const ws = await workspace(bootstrap, lines, { handleUrl: handles.url, topic });
          workspaces.push(ws);
          const before = handles.size();
          const consumed = await cli(ws, "consume", "--idle-timeout", "2");
          assertRefused(consumed, keys, settings);
          assert.equal(handles.size(), before);
          const offsets = await committed(settings.plaintext, await groupOf(ws), topic);
          assert.ok(offsets.every((o) => o === "-1"), `committed: ${offsets}`);
          await Deno.writeTextFile(join(ws.dir, "one.jsonl"), "{}\n");
          assertRefused(await cli(ws, "send", "one.jsonl"), keys, settings);
          assertRefused(await cli(ws, "verify", "--topic"), keys, settings);
          // The same line on the other client (its start-up check is the same).
          const other = await workspace(bootstrap, lines, {
            handleUrl: handles.url,
            topic,
            client: "kafkajs",
          });
          workspaces.push(other);
          assertRefused(await cli(other, "consume", "--idle-timeout", "2"), keys, settings);
          assert.equal(handles.size(), before);
        });
      }
      await Deno.remove(certDir, { recursive: true });

      await t.step("secrets stay out of config show and --debug", async () => {
        const quiet = uniqueName("debug");
        await createTopic(settings.plaintext, quiet);
        const ws = await workspace(settings.ssl, certLines(settings), {
          handleUrl: handles.url,
          topic: quiet,
        });
        workspaces.push(ws);
        const shown = await cli(ws, "config", "show", "--section", "kafka");
        assert.equal(shown.code, 0, shown.stderr);
        assert.match(shown.stdout, /ssl\.key\.password/);
        const debug = await cli(ws, "--debug", "consume", "--idle-timeout", "2");
        assert.equal(debug.code, 0, debug.stderr);
        const sasl = await workspace(settings.saslSsl, saslLines(settings, "PLAIN"), {
          handleUrl: handles.url,
          topic: quiet,
        });
        workspaces.push(sasl);
        const saslDebug = await cli(sasl, "--debug", "consume", "--idle-timeout", "2");
        assert.equal(saslDebug.code, 0, saslDebug.stderr);
        for (const output of [shown.stdout + shown.stderr, debug.stderr, saslDebug.stderr]) {
          for (const secret of secrets(settings)) assert.ok(!output.includes(secret));
        }
        assert.ok(!shown.stdout.includes(scram.password));
      });
    } finally {
      for (const ws of workspaces) await ws.remove();
      await handles.close();
      await kafka.stop();
    }
  },
);
