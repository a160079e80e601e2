/**
 * Kafka start-up through the real CLI: a broker that is not there (one line naming
 * `bootstrap.servers` at once, exit 3 after `connect_timeout`, also under
 * `--idle-timeout`), a SASL mismatch against the real PLAINTEXT broker (exit 2
 * naming the settings), and the sorting of connection errors.
 */

import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import { awaitKafka, classifyConnectError, handshakeError } from "../../src/kafka/mod.ts";
import { setupLogging } from "../../src/log/mod.ts";
import { cliCommand, kafkaForTests, makeWorkspace, uniqueName } from "../helpers.ts";
import { freePort } from "../monitor/prom.ts";

const kafkaTest = { sanitizeOps: false, sanitizeResources: false };

/** Runs the CLI; returns its exit code, its standard error and when each stderr line came. */
async function runTimed(
  args: string[],
  cwd: string,
): Promise<{ code: number; stderr: string; lines: Array<{ at: number; text: string }> }> {
  const started = performance.now();
  const child = cliCommand(args, { cwd }).spawn();
  const stdout = new Response(child.stdout).text();
  const lines: Array<{ at: number; text: string }> = [];
  let rest = "";
  const decoder = new TextDecoder();
  for await (const chunk of child.stderr) {
    rest += decoder.decode(chunk, { stream: true });
    const parts = rest.split("\n");
    rest = parts.pop()!;
    for (const text of parts) lines.push({ at: (performance.now() - started) / 1000, text });
  }
  if (rest) lines.push({ at: (performance.now() - started) / 1000, text: rest });
  const { code } = await child.status;
  await stdout;
  lines.push({ at: (performance.now() - started) / 1000, text: `<exit ${code}>` });
  return { code, stderr: lines.map((l) => l.text).join("\n"), lines };
}

Deno.test("a broker that is not there: one line at once, exit 3 after connect_timeout", async () => {
  const port = freePort(); // nothing listens here
  const ws = await makeWorkspace({
    bootstrap: `127.0.0.1:${port}`,
    sections: { kafka: ["connect_timeout = 4"] },
  });
  try {
    for (const extra of [[], ["--idle-timeout", "1"]]) {
      const run = await runTimed(["-c", ws.config, "consume", ...extra], ws.dir);
      assert.equal(run.code, 3, run.stderr);
      const first = run.lines.find((l) => l.text.includes("cannot be reached"));
      assert.ok(first, run.stderr);
      assert.match(first.text, new RegExp(`bootstrap.servers = 127\\.0\\.0\\.1:${port}`));
      assert.match(first.text, /ECONNREFUSED/);
      assert.equal(
        run.lines.filter((l) => l.text.includes("cannot be reached")).length,
        2,
        `one warning while retrying and the final reason:\n${run.stderr}`,
      );
      const exit = run.lines[run.lines.length - 1].at;
      assert.ok(first.at < exit - 2.5, `the first line came late: ${first.at}s of ${exit}s`);
      assert.ok(exit >= 3.5, `gave up before connect_timeout: ${exit}s`);
      assert.match(run.stderr, /gave up after 4 s, \[kafka\]\.connect_timeout/);
      assert.doesNotMatch(run.stderr, /KafkaJS|\{"level"/);
    }
  } finally {
    await ws.remove();
  }
});

Deno.test(
  "a SASL mismatch against the real broker: exit 2 naming the settings",
  kafkaTest,
  async () => {
    const kafka = await kafkaForTests();
    const ws = await makeWorkspace({
      bootstrap: kafka.bootstrap,
      sections: {
        kafka: [
          `"security.protocol" = "SASL_PLAINTEXT"`,
          `"sasl.mechanisms" = "PLAIN"`,
          `"sasl.username" = "piddi"`,
          `"sasl.password" = "not-a-secret-to-leak"`,
        ],
      },
    });
    try {
      const run = await runTimed(["-c", ws.config, "consume", "--idle-timeout", "1"], ws.dir);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /SASL handshake failed/);
      assert.match(run.stderr, /"security\.protocol"/);
      assert.match(run.stderr, /"sasl\.mechanisms"/);
      assert.doesNotMatch(run.stderr, /not-a-secret-to-leak/);
      assert.ok(run.lines[run.lines.length - 1].at < 30, "a handshake failure is not retried");
    } finally {
      await ws.remove();
      await kafka.stop();
    }
  },
);

Deno.test(
  "TLS against the real PLAINTEXT broker: exit 2 naming the settings",
  kafkaTest,
  async () => {
    const kafka = await kafkaForTests();
    const ws = await makeWorkspace({
      bootstrap: kafka.bootstrap,
      sections: { kafka: [`"security.protocol" = "SSL"`] },
    });
    try {
      const run = await runTimed(["-c", ws.config, "consume"], ws.dir);
      assert.equal(run.code, 2, run.stderr);
      assert.match(
        run.stderr,
        /TLS handshake failed: the listener does not speak TLS .*check \[kafka\] "security\.protocol"/,
      );
      assert.match(run.stderr, /"bootstrap\.servers"/);
    } finally {
      await ws.remove();
      await kafka.stop();
    }
  },
);

Deno.test(
  "awaitKafka waits for a missing topic with one line per period, and returns once it exists",
  kafkaTest,
  async () => {
    const kafka = await kafkaForTests();
    const lines: string[] = [];
    const logging = await setupLogging({
      verbose: true,
      console: (l) => lines.push(l),
      logFile: false,
    });
    const topic = uniqueName("late-topic");
    try {
      const waiting = awaitKafka({
        client: { bootstrapBrokers: [kafka.bootstrap], clientId: "startup-test" },
        topic,
        connectTimeoutMs: 10_000,
        waitForTopic: true,
        reportEveryMs: 400,
        pollMs: 100,
      });
      let settled = false;
      waiting.finally(() => settled = true);
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(settled, false, "returned before the topic existed");
      const admin = new Kafka({ brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      try {
        await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
      } finally {
        await admin.disconnect();
      }
      await waiting;
      const notYet = lines.filter((l) => l.includes(`topic ${topic} does not exist yet`));
      assert.ok(notYet.length >= 3 && notYet.length <= 5, lines.join(""));
      assert.ok(lines.some((l) => l.includes(`topic ${topic} exists now`)), lines.join(""));
      // Waiting never creates it: with wait_for_topic off, a missing topic is an outage.
      await assert.rejects(
        awaitKafka({
          client: { bootstrapBrokers: [kafka.bootstrap] },
          topic: uniqueName("never"),
          connectTimeoutMs: 10_000,
          waitForTopic: false,
        }),
        (e: Error) =>
          e.name === "TransientError" && /consumer\.wait_for_topic = false/.test(e.message),
      );
    } finally {
      await logging.close();
      await kafka.stop();
    }
  },
);

Deno.test("classifyConnectError sorts SASL, TLS and unreachable; handshakeError names the keys", () => {
  const sasl = Object.assign(new Error("Request is not valid given the current SASL state"), {
    name: "KafkaJSProtocolError",
    type: "ILLEGAL_SASL_STATE",
  });
  assert.equal(classifyConnectError(sasl).kind, "sasl");
  const tls = Object.assign(new Error("Connection error: x"), {
    cause: new Error(
      "Connection error: Client network socket disconnected before secure TLS connection was established",
    ),
  });
  assert.equal(classifyConnectError(tls).kind, "tls");
  const refused = Object.assign(new Error("retries exceeded"), {
    cause: new Error("Connection error: connect ECONNREFUSED 127.0.0.1:9"),
  });
  assert.deepEqual(classifyConnectError(refused), {
    kind: "unreachable",
    reason: "connect ECONNREFUSED 127.0.0.1:9",
  });
  assert.match(
    handshakeError(classifyConnectError(tls), "h:1").message,
    /"ssl\.ca\.location"/,
  );
});
