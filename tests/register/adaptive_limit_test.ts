/**
 * The adaptive Handle request limit: grows against a fast server, shrinks on 429, 5xx and
 * rising latency, never exceeds its bound, and keeps events of one item in order.
 */

import assert from "node:assert/strict";
import { TransientError } from "../../src/errors/mod.ts";
import type { KeyedEvent, Outcome } from "../../src/events/mod.ts";
import { startHandleServer } from "../../src/handle_server/mod.ts";
import { FailureRecorder, SkipRecorder } from "../../src/outcome/mod.ts";
import { Pipeline, routerOf } from "../../src/pipeline/mod.ts";
import { createPlugin } from "../../src/projects/mod.ts";
import type { HandleRecord } from "../../src/records/mod.ts";
import { AdaptiveLimit, HandleRestClient, RestRegistrar } from "../../src/register/mod.ts";
import { Stats } from "../../src/stats/mod.ts";
import { makeCmip6Event } from "../fixtures/events.ts";

const USER = "300:21.TEST/u";
const PASSWORD = "p";

function record(n: number): HandleRecord {
  return { handle: `21.TEST/r-${n}`, URL: `https://lp.example.org/21.TEST/r-${n}`, data: {} };
}

/** A client whose limit changes are traced; `inFlight` counts PUTs running at the server. */
function tracedClient(
  url: string,
  options: { concurrency: number; maxConcurrency: number; retries?: number },
): { client: HandleRestClient; trace: number[] } {
  const trace: number[] = [];
  const client = new HandleRestClient({
    serverUrl: url,
    prefix: "21.TEST",
    username: USER,
    password: PASSWORD,
    timeout: 10,
    concurrency: options.concurrency,
    maxConcurrency: options.maxConcurrency,
    policy: { retries: options.retries ?? 2, backoffInitial: 0.005, backoffMax: 0.02 },
    onLimit: (limit) => trace.push(limit),
  });
  return { client, trace };
}

async function putAll(client: HandleRestClient, count: number): Promise<void> {
  await Promise.all(Array.from({ length: count }, (_, i) => client.put(record(i))));
}

Deno.test("the limit grows against a fast server and stays within max_concurrency", async () => {
  const server = await startHandleServer({
    prefix: "21.TEST",
    username: USER,
    password: PASSWORD,
    latencyMs: 20,
  });
  const { client, trace } = tracedClient(server.url, { concurrency: 2, maxConcurrency: 24 });
  try {
    await putAll(client, 600);
    assert.equal(server.size(), 600);
    assert.ok(client.limit > 2, `limit ${client.limit}`);
    assert.ok(Math.max(...trace) <= 24, `trace ${trace}`);
    assert.equal(Math.max(...trace), 24, "reached its bound against a server that keeps up");
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("the limit shrinks on 429 and every request still gets through", async () => {
  const server = await startHandleServer({
    prefix: "21.TEST",
    username: USER,
    password: PASSWORD,
    latencyMs: 10,
    maxInflight: 6,
  });
  const { client, trace } = tracedClient(server.url, {
    concurrency: 40,
    maxConcurrency: 64,
    retries: 50,
  });
  try {
    await putAll(client, 400);
    assert.equal(server.size(), 400);
    assert.ok(trace.some((limit, i) => limit < (trace[i - 1] ?? 40)), `trace ${trace}`);
    assert.ok(client.limit < 40, `limit ${client.limit} after 429s`);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("the limit shrinks when latency climbs with load, and settles without errors", async () => {
  const server = await startHandleServer({
    prefix: "21.TEST",
    username: USER,
    password: PASSWORD,
    latencyMs: 2,
    latencyPerInflightMs: 2,
  });
  // At 64 in flight a write takes about 130 ms against about 10 ms at 4.
  const { client, trace } = tracedClient(server.url, { concurrency: 4, maxConcurrency: 64 });
  try {
    await putAll(client, 1000);
    assert.equal(server.size(), 1000);
    assert.ok(Math.max(...trace) > 4, `grew first: trace ${trace}`);
    assert.ok(trace.some((limit, i) => limit < (trace[i - 1] ?? 4)), `then shrank: ${trace}`);
    assert.ok(Math.max(...trace) < 64, `never ran into its bound: ${trace}`);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("AdaptiveLimit: 5xx-like overload halves by steps, never runs more than the limit", async () => {
  let running = 0;
  let overLimit = 0;
  let failing = true;
  const limit = new AdaptiveLimit({
    initial: 32,
    max: 40,
    isOverload: (error) => error instanceof TransientError,
  });
  const task = async (): Promise<void> => {
    running++;
    if (running > limit.limit || running > 40) overLimit++;
    await new Promise((resolve) => setTimeout(resolve, 2));
    running--;
    if (failing) throw new TransientError("HTTP 503");
  };
  const round = (): Promise<unknown> =>
    Promise.allSettled(Array.from({ length: 200 }, () => limit.run(task)));
  await round();
  const afterErrors = limit.limit;
  assert.ok(afterErrors < 32, `limit ${afterErrors} after 503s`);
  failing = false;
  await round();
  await round();
  assert.ok(limit.limit > afterErrors, `limit ${limit.limit} grows again once answers are fine`);
  assert.ok(limit.limit <= 40);
  assert.equal(overLimit, 0);
});

/** Runs `limit.limit` tasks at once, all answering together: one round trip at full use. */
async function roundTrip(limit: AdaptiveLimit): Promise<void> {
  const count = limit.limit;
  let release!: () => void;
  const answered = new Promise<void>((resolve) => release = resolve);
  const tasks = Array.from({ length: count }, () => limit.run(() => answered));
  release();
  await Promise.all(tasks);
}

Deno.test("AdaptiveLimit: one per answer until the first decrease, then about one per round trip", async () => {
  let now = 0;
  const limit = new AdaptiveLimit({
    initial: 16,
    max: 1000,
    now: () => now,
    isOverload: (error) => error instanceof TransientError,
  });
  // slow start: every answer of a round that used the limit (its second half was busy) adds one
  await roundTrip(limit);
  assert.ok(limit.limit >= 24, `slow start grew to ${limit.limit}`);
  // an overload: the limit shrinks once, and slow start is over
  now = 1;
  await limit.run(() => Promise.reject(new TransientError("HTTP 503"))).catch(() => {});
  const after = limit.limit;
  assert.ok(after < 24, `shrank to ${after}`);
  // ten round trips whose latency holds: about +1 each (the old rule, +1 per busy answer,
  // would have grown by more than half the limit per round trip)
  for (let i = 0; i < 10; i++) {
    now += 1;
    await roundTrip(limit);
  }
  assert.ok(limit.limit > after, `grew again: ${after} -> ${limit.limit}`);
  assert.ok(limit.limit <= after + 10, `at most one per round trip: ${after} -> ${limit.limit}`);
});

Deno.test("AdaptiveLimit: time a turn excludes (opening a connection) is no latency", async () => {
  let now = 0;
  const limit = new AdaptiveLimit({ initial: 4, max: 100, now: () => now });
  for (let i = 0; i < 4; i++) {
    await limit.run(() => {
      now += 1; // answers of 1 ms: the baseline
      return Promise.resolve();
    });
  }
  const before = limit.limit;
  await limit.run((turn) => {
    now += 100; // 99 ms of it a TLS handshake
    turn.exclude(99);
    return Promise.resolve();
  });
  assert.equal(limit.limit, before, "a slow handshake did not shrink the limit");
  await limit.run(() => {
    now += 100;
    return Promise.resolve();
  });
  assert.ok(limit.limit < before, `a slow answer did: ${before} -> ${limit.limit}`);
});

Deno.test("AdaptiveLimit: a fixed limit never moves", async () => {
  const limit = new AdaptiveLimit({ initial: 3, max: 3, fixed: true });
  let running = 0;
  let most = 0;
  await Promise.all(Array.from({ length: 50 }, () =>
    limit.run(async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 1));
      running--;
    })));
  assert.equal(limit.limit, 3);
  assert.equal(most, 3);
});

Deno.test("events in flight follow the adaptive limit; events of one item keep their order", async () => {
  const dir = await Deno.makeTempDir();
  const server = await startHandleServer({
    prefix: "21.TEST",
    username: USER,
    password: PASSWORD,
    latencyMs: 5,
  });
  const { client } = tracedClient(server.url, { concurrency: 2, maxConcurrency: 32 });
  const registrar = new RestRegistrar(client);
  try {
    const acks: number[] = [];
    const items = Array.from({ length: 120 }, (_, i) => (i % 10 === 0 ? 0 : i));
    const events: KeyedEvent[] = items.map((n, i) => ({
      key: null,
      value: JSON.stringify(
        makeCmip6Event({
          files: 1,
          itemId: `CMIP6.CMIP.TEST-INST.TEST-ESM1-0.historical.r${
            n + 1
          }i1p1f1.Amon.tas.gn.v20240101`,
        }),
      ),
      source: { file: "mem", line: i + 1 },
      retries: 0,
      ack: (outcome: Outcome) => {
        assert.equal(outcome, "registered");
        acks.push(i + 1);
      },
    }));
    let mostInFlight = 0;
    const pipeline = new Pipeline({
      router: routerOf([{ plugin: createPlugin("cmip6"), registrar, prefix: "21.TEST" }]),
      failures: new FailureRecorder(dir),
      skipped: new SkipRecorder(dir),
      force: false,
      maxErrors: -1,
      concurrency: () => {
        mostInFlight = Math.max(mostInFlight, registrar.requestLimit);
        return Math.max(2, registrar.requestLimit);
      },
      stats: new Stats(),
    });
    await pipeline.run((async function* (): AsyncGenerator<KeyedEvent> {
      yield* events;
    })());
    assert.equal(acks.length, 120);
    assert.ok(mostInFlight > 2, `events in flight followed the limit up to ${mostInFlight}`);
    const sameItem = acks.filter((line) => (line - 1) % 10 === 0);
    assert.deepEqual(sameItem, Array.from({ length: 12 }, (_, i) => i * 10 + 1));
  } finally {
    await registrar.close();
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
