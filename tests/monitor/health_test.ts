/** Readiness rules, listen addresses, and the observers between input, pipeline and registrar. */

import assert from "node:assert/strict";
import { PermanentError, TransientError } from "../../src/errors/mod.ts";
import type { KeyedEvent, Outcome } from "../../src/events/mod.ts";
import {
  Health,
  monitorHandler,
  observeEvents,
  observeRegistrar,
  parseListen,
  RunMetrics,
} from "../../src/monitor/mod.ts";
import type { Registrar } from "../../src/register/mod.ts";
import { parseSamples, sum } from "./prom.ts";

Deno.test("ready only when running, joined and every service answered", () => {
  const health = new Health({ group: true, services: ["default"] });
  assert.deepEqual(health.readiness().reasons, [
    "starting",
    "consumer group not joined",
    "Handle service default: not answered yet",
  ]);
  health.setPhase("running");
  health.setJoined(true);
  health.serviceAnswered("default");
  assert.deepEqual(health.readiness(), {
    ready: true,
    phase: "running",
    reasons: [],
    waiting: [],
  });
  health.serviceFailed("default", "HTTP 503");
  assert.deepEqual(health.readiness().reasons, ["Handle service default: HTTP 503"]);
  assert.deepEqual(health.servicesDown(), ["default"]);
  health.serviceAnswered("default");
  health.setPhase("stopped", "TRANSIENT Handle service down");
  assert.deepEqual(health.readiness().reasons, ["stopped: TRANSIENT Handle service down"]);
  // Files as input and a dry run: nothing to join, nothing to ask.
  const files = new Health({ group: false, services: [] });
  files.setPhase("running");
  assert.equal(files.readiness().ready, true);
});

Deno.test("ready 503 while a service is waited for, naming it and since when; 200 after", () => {
  const health = new Health({ group: false, services: [] });
  health.setPhase("running");
  const since = new Date("2026-12-04T21:03:11.532Z");
  health.waitingFor("Handle service cmip7", since, "connection refused");
  const waiting = health.readiness();
  assert.equal(waiting.ready, false);
  assert.deepEqual(waiting.reasons, [
    "waiting for Handle service cmip7 since 2026-12-04T21:03:11.532Z: connection refused",
  ]);
  assert.deepEqual(waiting.waiting, [{
    dependency: "Handle service cmip7",
    since: "2026-12-04T21:03:11.532Z",
    reason: "connection refused",
  }]);
  assert.equal(health.waitsFor("Handle service cmip7"), true);
  health.waitingFor("Handle service cmip7");
  assert.equal(health.readiness().ready, true);
});

Deno.test("parseListen: HOST:PORT, a bare port on 127.0.0.1, IPv6, refusals", () => {
  assert.deepEqual(parseListen("0.0.0.0:9464"), { hostname: "0.0.0.0", port: 9464 });
  assert.deepEqual(parseListen("9464"), { hostname: "127.0.0.1", port: 9464 });
  assert.deepEqual(parseListen(":9464"), { hostname: "127.0.0.1", port: 9464 });
  assert.deepEqual(parseListen("[::1]:80"), { hostname: "::1", port: 80 });
  for (const bad of ["", "host", "h:99999", "h:p", "a:b:1"]) {
    assert.throws(() => parseListen(bad), /HOST:PORT/, bad);
  }
});

Deno.test("the handler: live 200, ready 503 with reasons then 200, metrics as text, 404", async () => {
  const health = new Health({ group: false, services: [] });
  const metrics = new RunMetrics({ version: "9.9.9", processMetrics: false });
  const handle = monitorHandler({ health, metrics });
  const get = (path: string): Promise<Response> => handle(new Request(`http://x${path}`));
  assert.equal((await get("/health/live")).status, 200);
  const starting = await get("/health/ready");
  assert.equal(starting.status, 503);
  assert.deepEqual((await starting.json()).reasons, ["starting"]);
  health.setPhase("running");
  assert.equal((await get("/health/ready")).status, 200);
  const scraped = await get("/metrics");
  assert.match(scraped.headers.get("content-type")!, /^text\/plain; version=0\.0\.4/);
  const samples = parseSamples(await scraped.text());
  assert.equal(sum(samples, "piddiplatsch_build_info", { version: "9.9.9" }), 1);
  assert.equal((await get("/nope")).status, 404);
  assert.equal((await handle(new Request("http://x/metrics", { method: "POST" }))).status, 405);
});

Deno.test("observeEvents reports delivery and the first acknowledgement; return reaches the input", async () => {
  const acked: Outcome[] = [];
  let returned = false;
  const events: KeyedEvent[] = [1, 2].map((n) => ({
    key: String(n),
    value: "{}",
    source: { file: "f", line: n },
    retries: 0,
    ack: (outcome) => acked.push(outcome),
  }));
  const input: AsyncIterable<KeyedEvent> = {
    [Symbol.asyncIterator]: () => {
      const inner = events[Symbol.iterator]();
      return {
        next: () => Promise.resolve(inner.next()),
        return: () => {
          returned = true;
          return Promise.resolve({ done: true, value: undefined });
        },
      };
    },
  };
  let inFlight = 0;
  const seen: Outcome[] = [];
  const observed = observeEvents(input, {
    delivered: () => inFlight++,
    acknowledged: (outcome) => {
      inFlight--;
      seen.push(outcome);
    },
  });
  const iterator = observed[Symbol.asyncIterator]();
  const first = await iterator.next();
  assert.equal(inFlight, 1);
  first.value.ack("registered");
  first.value.ack("registered");
  assert.equal(inFlight, 0);
  assert.deepEqual(seen, ["registered"]);
  assert.deepEqual(acked, ["registered", "registered"], "the input decides about repeats");
  assert.equal(first.value.source.line, 1);
  await iterator.return!();
  assert.ok(returned);
});

Deno.test("observeRegistrar counts handles by result and passes errors on", async () => {
  const results: Array<[string, number]> = [];
  let fail: Error | undefined;
  const inner: Registrar = {
    register: () => fail ? Promise.reject(fail) : Promise.resolve(),
    close: () => Promise.resolve(),
  };
  const registrar = observeRegistrar(inner, (result, n) => results.push([result, n]));
  const records = [{ handle: "a" }, { handle: "b" }] as never[];
  const context = { project: "cmip6", source: { file: "f", line: 1 } };
  await registrar.register(records, context);
  fail = new TransientError("down");
  await assert.rejects(registrar.register(records, context), TransientError);
  fail = new PermanentError("bad");
  await assert.rejects(registrar.register(records, context), PermanentError);
  assert.deepEqual(results, [["registered", 2], ["transient", 2], ["permanent", 2]]);
  // A registrar without registerTexts is not given one (the pipeline then parses the texts).
  assert.equal(registrar.registerTexts, undefined);
});

Deno.test("observeRegistrar passes record texts on to a registrar that takes them", async () => {
  const results: Array<[string, number]> = [];
  const given: string[][] = [];
  const inner: Registrar = {
    register: () => Promise.reject(new Error("not this way")),
    registerTexts: (texts) => {
      given.push([...texts]);
      return texts.length > 2 ? Promise.reject(new PermanentError("bad")) : Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
  const registrar = observeRegistrar(inner, (result, n) => results.push([result, n]));
  const context = { project: "cmip6", source: { file: "f", line: 1 } };
  await registrar.registerTexts!(["{}", "{}"], context);
  await assert.rejects(registrar.registerTexts!(["{}", "{}", "{}"], context), PermanentError);
  assert.deepEqual(given.map((t) => t.length), [2, 3]);
  assert.deepEqual(results, [["registered", 2], ["permanent", 3]]);
});

Deno.test("metrics: per-dependency up and last success, events held", async () => {
  const metrics = new RunMetrics({ version: "0.0.0", processMetrics: false });
  metrics.dependencyUp("Handle service cmip7", false);
  metrics.dependencySucceeded("STAC API", new Date(1_700_000_000_000));
  metrics.held(12, 3456);
  const text = await metrics.text();
  assert.match(text, /^piddiplatsch_dependency_up\{dependency="Handle service cmip7"\} 0$/m);
  assert.match(
    text,
    /^piddiplatsch_dependency_last_success_timestamp_seconds\{dependency="STAC API"\} 1700000000$/m,
  );
  assert.match(text, /^piddiplatsch_events_held 12$/m);
  assert.match(text, /^piddiplatsch_events_held_bytes 3456$/m);
  metrics.dependencyUp("Handle service cmip7", true);
  assert.match(await metrics.text(), /dependency="Handle service cmip7"\} 1$/m);
});
