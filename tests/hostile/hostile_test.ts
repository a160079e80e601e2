/**
 * The hostile-input suite: every case of `cases.ts`, each followed by a valid event,
 * through the real CLI's `map` (event files) and `consume` (the real broker), into
 * the real `handle-server`, with PATCH targets on the test STAC API. No crash, no
 * stop, every valid event registered, every hostile one a one-line failure record,
 * no unsafe value in any registered record; the peak memory of each run is printed.
 */

import { Buffer } from "node:buffer";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { quietKafkajsWarnings } from "../../src/kafka/mod.ts";
import { expectedRecords, itemIdOf } from "../fixtures/expected.ts";
import { startStacServer } from "../fixtures/stac_server.ts";
import {
  cliCommand,
  type CliResult,
  makeWorkspace,
  readJsonLines,
  startKafkaServices,
  startTestHandleServer,
  summaryCount,
  uniqueName,
} from "../helpers.ts";
import {
  HOSTILE_MAX_EVENT_BYTES,
  type HostileCase,
  hostileCases,
  patchTargets,
  validEvent,
} from "./cases.ts";
import { valueProblems } from "./record_check.ts";

const kafkaTest = { sanitizeOps: false, sanitizeResources: false };
const MAX_PEAK_BYTES = 512 * 1024 * 1024;
const encoder = new TextEncoder();

/** Runs the CLI and reports its peak resident memory (VmHWM), read while it runs. */
async function runMeasured(args: string[], cwd: string): Promise<CliResult & { peak: number }> {
  const child = cliCommand(args, { cwd }).spawn();
  let peak = 0;
  const read = (): void => {
    try {
      const status = Deno.readTextFileSync(`/proc/${child.pid}/status`);
      const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
      peak = Math.max(peak, kb * 1024);
    } catch {
      // the process has ended
    }
  };
  const timer = setInterval(read, 50);
  const output = await child.output();
  clearInterval(timer);
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
    peak,
  };
}

function bytesOf(value: string | Uint8Array): Uint8Array {
  return typeof value === "string" ? encoder.encode(value) : value;
}

/** What is wrong with the failure line of a case (nothing: `[]`). */
function failureProblems(line: Record<string, unknown> | undefined, c: HostileCase): string[] {
  if (line === undefined) return [`${c.name}: no failure record`];
  const infos = line.__infos__ as Record<string, unknown>;
  const reason = String(infos.reason);
  const problems: string[] = [];
  if (/[\r\n]/.test(reason)) problems.push("reason not one line");
  if (reason.length > 300) problems.push(`reason of ${reason.length} characters`);
  if (/internal error|cannot record/.test(reason)) problems.push("internal error");
  if (c.reason && !c.reason.test(reason)) problems.push(`reason does not match ${c.reason}`);
  if (infos.retries !== 0) problems.push("the line's own bookkeeping was taken from the event");
  return problems.map((p) => `${c.name}: ${p}: ${reason.slice(0, 200)}`);
}

/** Reads the Handle server's data file and checks every value of every record. */
async function registeredHandles(dataFile: string): Promise<Set<string>> {
  const handles = new Set<string>();
  for (const line of (await Deno.readTextFile(dataFile)).split("\n")) {
    if (!line.trim()) continue;
    const entry = JSON.parse(line) as {
      h: string;
      v?: Array<{ type: string; data: { value: unknown } }>;
    };
    if (!entry.v) continue;
    handles.add(entry.h.toLowerCase()); // stored in upper case, as Handle.Net does
    const problems = entry.v.flatMap(({ type, data }) => valueProblems(type, data.value));
    assert.deepEqual(problems, [], entry.h);
  }
  return handles;
}

function expectedHandles(count: number): Set<string> {
  const handles = new Set<string>();
  for (let i = 0; i < count; i++) {
    for (const handle of expectedRecords(validEvent(i)).keys()) handles.add(handle.toLowerCase());
  }
  return handles;
}

Deno.test("hostile input through map: each bad event a one-line failure, each valid one registered", async () => {
  const cases = hostileCases();
  assert.ok(cases.length >= 150, `only ${cases.length} cases`);
  const dir = await Deno.makeTempDir({ prefix: "piddi-hostile-" });
  const dataFile = join(dir, "handles.jsonl");
  const stac = startStacServer(patchTargets());
  const handles = await startTestHandleServer({ dataFile });
  const ws = await makeWorkspace({
    handleUrl: handles.url,
    stacUrl: stac.url,
    sections: { consumer: [`max_event_bytes = ${HOSTILE_MAX_EVENT_BYTES}`] },
  });
  let closed = false;
  try {
    const lines: Uint8Array[] = [];
    cases.forEach((c, i) => {
      lines.push(bytesOf(c.value), encoder.encode(JSON.stringify(validEvent(i))));
    });
    const file = join(ws.dir, "hostile.jsonl");
    const newline = new Uint8Array([0x0a]);
    {
      using out = await Deno.open(file, { write: true, create: true });
      for (const line of [...lines.flatMap((l) => [l, newline])]) {
        for (let n = 0; n < line.length;) n += await out.write(line.subarray(n));
      }
    }

    const run = await runMeasured(["-c", ws.config, "map", "hostile.jsonl"], ws.dir);
    console.log(
      `map: ${cases.length * 2} events, peak memory ${(run.peak / 2 ** 20).toFixed(0)} MiB`,
    );
    assert.equal(run.code, 1, `map exits 1 when events failed: ${run.stderr.slice(-3000)}`);
    assert.equal(summaryCount(run.stderr, "messages"), cases.length * 2);
    assert.ok(run.peak > 0 && run.peak < MAX_PEAK_BYTES, `peak ${run.peak}`);

    const failures = await readJsonLines(join(ws.dir, "outputs", "failures"));
    const byLine = new Map<number, Record<string, unknown>>();
    for (const line of failures) {
      const source = (line.__infos__ as { source: { line: number } }).source;
      assert.ok(!byLine.has(source.line), `line ${source.line} recorded twice`);
      byLine.set(source.line, line);
    }
    const problems = cases.flatMap((c, i) => failureProblems(byLine.get(2 * i + 1), c));
    assert.deepEqual(problems, []);
    assert.equal(byLine.size, cases.length, "a valid event failed");
    assert.equal(summaryCount(run.stderr, "errors"), cases.length);

    await handles.close();
    closed = true;
    assert.deepEqual(await registeredHandles(dataFile), expectedHandles(cases.length));
  } finally {
    if (!closed) await handles.close();
    await stac.stop();
    await ws.remove();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test(
  "hostile input through consume: each bad event a one-line failure, each valid one registered",
  kafkaTest,
  async () => {
    const cases = hostileCases();
    cases.push({
      name: "kafka/key-not-utf8",
      value: JSON.stringify(validEvent(cases.length)).replace("valid", "bad-key"),
      key: new Uint8Array([0x6b, 0xc3, 0x28]),
      reason: /^key not UTF-8 at byte 1/,
    });
    const dir = await Deno.makeTempDir({ prefix: "piddi-hostile-" });
    const dataFile = join(dir, "handles.jsonl");
    const stac = startStacServer(patchTargets());
    const { kafka, ws, handles, stop } = await startKafkaServices({
      handle: { dataFile },
      workspace: {
        stacUrl: stac.url,
        sections: { consumer: [`max_event_bytes = ${HOSTILE_MAX_EVENT_BYTES}`] },
      },
    });
    try {
      const messages: Array<{ key: Buffer | string | null; value: Buffer }> = [];
      cases.forEach((c, i) => {
        messages.push({
          key: c.key ? Buffer.from(c.key) : null,
          value: Buffer.from(bytesOf(c.value)),
        });
        const valid = validEvent(i);
        messages.push({ key: itemIdOf(valid), value: Buffer.from(JSON.stringify(valid)) });
      });
      await produceInOrder(kafka.bootstrap, ws.topic, messages);

      const run = await runMeasured(["-c", ws.config, "consume", "--idle-timeout", "5"], ws.dir);
      console.log(
        `consume: ${messages.length} events, peak memory ${(run.peak / 2 ** 20).toFixed(0)} MiB`,
      );
      assert.equal(run.code, 0, run.stderr.slice(-3000));
      assert.equal(summaryCount(run.stderr, "messages"), messages.length);
      assert.ok(run.peak > 0 && run.peak < MAX_PEAK_BYTES, `peak ${run.peak}`);

      const failures = await readJsonLines(join(ws.dir, "outputs", "failures"));
      const byOffset = new Map<number, Record<string, unknown>>();
      for (const line of failures) {
        const source = (line.__infos__ as { source: { offset: string } }).source;
        byOffset.set(Number(source.offset), line);
      }
      const problems = cases.flatMap((c, i) => failureProblems(byOffset.get(2 * i), c));
      assert.deepEqual(problems, []);
      assert.equal(byOffset.size, cases.length, "a valid event failed");
      assert.equal(summaryCount(run.stderr, "errors"), cases.length);

      await handles.close();
      assert.deepEqual(await registeredHandles(dataFile), expectedHandles(cases.length));
    } finally {
      await stac.stop();
      await stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
);

/** Produces to a new one-partition topic, in order, in requests the broker accepts (< 1 MB). */
async function produceInOrder(
  bootstrap: string,
  topic: string,
  messages: Array<{ key: Buffer | string | null; value: Buffer }>,
): Promise<void> {
  const client = new Kafka({
    brokers: [bootstrap],
    clientId: uniqueName("hostile"),
    logLevel: logLevel.NOTHING,
  });
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  await admin.disconnect();
  quietKafkajsWarnings();
  const producer = client.producer({
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    let batch: typeof messages = [];
    let size = 0;
    for (const message of messages) {
      if (batch.length > 0 && size + message.value.length > 700_000) {
        await producer.send({ topic, messages: batch });
        batch = [];
        size = 0;
      }
      batch.push(message);
      size += message.value.length;
    }
    if (batch.length > 0) await producer.send({ topic, messages: batch });
  } finally {
    await producer.disconnect();
  }
}
