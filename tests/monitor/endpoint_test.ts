/**
 * End to end: `consume --listen` against the real broker and the real Handle server.
 * The topic is created only after consume started (it waits for it); `/metrics` is
 * scraped during the run and checked against what happened; `/health/ready` is 503
 * before the join and during a Handle outage, 200 otherwise.
 */

import assert from "node:assert/strict";
import { expectedRecords, itemIdOf } from "../fixtures/expected.ts";
import { makeCmip6Events } from "../fixtures/events.ts";
import {
  cliCommand,
  produce,
  startKafkaServices,
  startTestHandleServer,
  waitForHandles,
} from "../helpers.ts";
import { freePort, scrape, sum } from "./prom.ts";

const kafkaTest = { sanitizeOps: false, sanitizeResources: false };

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

/** Polls `check` every 200 ms until it returns true or `ms` passed; returns the last result. */
async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return await check().catch(() => false);
}

Deno.test(
  "consume --listen: readiness follows join and Handle outage; /metrics matches the run",
  kafkaTest,
  async () => {
    const { kafka, handles, ws, stop } = await startKafkaServices();
    const port = freePort();
    const base = `http://127.0.0.1:${port}`;
    const child = cliCommand(
      ["-c", ws.config, "consume", "--listen", `127.0.0.1:${port}`, "--force"],
      { cwd: ws.dir },
    ).spawn();
    const stderr = new Response(child.stderr).text();
    const stdout = new Response(child.stdout).text();
    let restarted: Awaited<ReturnType<typeof startTestHandleServer>> | undefined;
    try {
      assert.ok(
        await until(async () =>
          (await fetch(`${base}/health/live`)).status === 200 &&
          true, 30_000),
        "the endpoint never came up",
      );
      // The topic does not exist yet: consume waits for it, not joined, not ready.
      await new Promise((r) => setTimeout(r, 1500));
      const before = await getJson(`${base}/health/ready`);
      assert.equal(before.status, 503);
      assert.ok(
        (before.body.reasons as string[]).includes("consumer group not joined"),
        JSON.stringify(before.body),
      );
      const live = await getJson(`${base}/health/live`);
      assert.equal(live.status, 200);

      const events = makeCmip6Events(6, "historical");
      const handleCount = events.reduce((n, e) => n + expectedRecords(e).size, 0);
      await produce(
        kafka.bootstrap,
        ws.topic,
        events.map((e) => ({ key: itemIdOf(e), value: JSON.stringify(e) })),
      );
      await waitForHandles(handles, handleCount);
      assert.equal(handles.size(), handleCount);
      assert.ok(
        await until(async () => (await fetch(`${base}/health/ready`)).status === 200, 30_000),
        JSON.stringify((await getJson(`${base}/health/ready`)).body),
      );

      // Counters against what happened; lag goes to 0 once the offsets are committed.
      let samples = await scrape(base);
      assert.ok(
        await until(async () => {
          samples = await scrape(base);
          return sum(samples, "piddiplatsch_kafka_committed_offset") === events.length &&
            sum(samples, "piddiplatsch_kafka_lag") === 0;
        }, 20_000),
        "committed offsets never reached the number of events, or lag never went to 0",
      );
      assert.ok(samples.some((s) => s.name === "piddiplatsch_kafka_lag"), "no lag samples");
      assert.equal(
        sum(samples, "piddiplatsch_events_total", { project: "cmip6", outcome: "registered" }),
        events.length,
      );
      assert.equal(
        sum(samples, "piddiplatsch_handles_total", { profile: "default", result: "registered" }),
        handleCount,
      );
      assert.equal(sum(samples, "piddiplatsch_events_in_flight"), 0);
      assert.equal(sum(samples, "piddiplatsch_retries_total"), 0);
      // One PUT per handle, none failed; each within the histogram's bounds.
      const puts = { profile: "default", method: "PUT" };
      assert.equal(
        sum(samples, "piddiplatsch_handle_request_duration_seconds_count", puts),
        handleCount,
      );
      assert.equal(
        sum(samples, "piddiplatsch_handle_request_duration_seconds_bucket", {
          ...puts,
          le: "+Inf",
        }),
        handleCount,
      );
      assert.equal(
        sum(samples, "piddiplatsch_handle_request_duration_seconds_count", { code: "error" }),
        0,
      );
      const seconds = sum(samples, "piddiplatsch_handle_request_duration_seconds_sum", puts);
      assert.ok(seconds > 0 && seconds < handleCount * 5, `latency sum ${seconds}`);
      const last = sum(samples, "piddiplatsch_last_registration_timestamp_seconds");
      assert.ok(Math.abs(last - Date.now() / 1000) < 120, `last registration ${last}`);
      assert.equal(sum(samples, "piddiplatsch_build_info"), 1);
      assert.ok(sum(samples, "process_resident_memory_bytes") > 0, "resident memory");

      // A Handle outage: the next event fails to register and is skipped (--force); not ready.
      await handles.close();
      const more = makeCmip6Events(1, "outage");
      await produce(kafka.bootstrap, ws.topic, [
        { key: itemIdOf(more[0]), value: JSON.stringify(more[0]) },
      ]);
      assert.ok(
        await until(async () => (await fetch(`${base}/health/ready`)).status === 503, 30_000),
        "ready stayed 200 during the Handle outage",
      );
      const during = await getJson(`${base}/health/ready`);
      assert.ok(
        (during.body.reasons as string[]).some((r) => r.startsWith("Handle service default")),
        JSON.stringify(during.body),
      );
      // The event is skipped once its retries are spent (readiness fell at the first failure).
      assert.ok(
        await until(async () => {
          samples = await scrape(base);
          return sum(samples, "piddiplatsch_events_total", { outcome: "skipped" }) === 1;
        }, 30_000),
        "the event of the outage was not counted as skipped",
      );
      assert.ok(
        sum(samples, "piddiplatsch_handle_request_duration_seconds_count", { code: "error" }) >= 1,
      );
      assert.ok(sum(samples, "piddiplatsch_retries_total") >= 1);

      // The service is back on the same port: the probe finds it, ready again.
      restarted = await startTestHandleServer({ port: handles.port });
      assert.ok(
        await until(async () => (await fetch(`${base}/health/ready`)).status === 200, 30_000),
        JSON.stringify((await getJson(`${base}/health/ready`)).body),
      );
    } finally {
      child.kill("SIGTERM");
      const status = await child.status;
      const err = await stderr;
      await stdout;
      await restarted?.close();
      await stop().catch(() => {});
      assert.equal(status.code, 0, err);
      assert.match(err, /does not exist yet/);
    }
  },
);
