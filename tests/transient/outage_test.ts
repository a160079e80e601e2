/**
 * The probe delays of a service that is down: capped exponential backoff with jitter,
 * at least what `Retry-After` asked for; the `Retry-After` of a 503 reaches the error the
 * pipeline sees (Handle client and STAC client).
 */

import assert from "node:assert/strict";
import { HandleRestClient } from "../../src/register/mod.ts";
import { StacClient } from "../../src/stac/mod.ts";
import {
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  probeDelay,
  retryAfterOf,
} from "../../src/transient/mod.ts";

const policy = { probeInitial: 1, probeMax: 10 };

Deno.test("probeDelay doubles from probe_initial up to probe_max, jittered between half and all of it", () => {
  assert.equal(probeDelay(policy, 1, { random: () => 1 }), 1000);
  assert.equal(probeDelay(policy, 3, { random: () => 1 }), 4000);
  assert.equal(probeDelay(policy, 9, { random: () => 1 }), 10_000, "capped");
  assert.equal(probeDelay(policy, 9, { random: () => 0 }), 5000, "jitter: at least half");
  const spread = new Set(Array.from({ length: 20 }, () => probeDelay(policy, 4)));
  assert.ok(spread.size > 1, "consumers do not probe in step");
});

Deno.test("probeDelay honours Retry-After, up to a bound", () => {
  assert.equal(probeDelay(policy, 1, { retryAfterMs: 30_000, random: () => 1 }), 30_000);
  assert.equal(probeDelay(policy, 4, { retryAfterMs: 100, random: () => 1 }), 8000);
  assert.equal(probeDelay(policy, 1, { retryAfterMs: 1e9 }), MAX_RETRY_AFTER_MS);
});

Deno.test("parseRetryAfter reads seconds and HTTP dates", () => {
  assert.equal(parseRetryAfter("120"), 120_000);
  const now = Date.parse("2026-01-01T00:00:00Z");
  assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now), 30_000);
  assert.equal(parseRetryAfter("soon"), undefined);
  assert.equal(parseRetryAfter(null), undefined);
});

Deno.test("a 503 with Retry-After: the Handle and STAC clients' errors carry it", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response("busy", { status: 503, headers: { "Retry-After": "42" } }),
  );
  const url = `http://127.0.0.1:${server.addr.port}`;
  const retries = { retries: 0, backoffInitial: 0, backoffMax: 0 };
  try {
    const stac = new StacClient({ baseUrl: url, timeout: 5, policy: retries });
    const stacError = await stac.fetchItem("CMIP6", "x").catch((e) => e);
    assert.equal(retryAfterOf(stacError), 42_000, String(stacError));
    const handles = new HandleRestClient({
      serverUrl: url,
      prefix: "21.TEST",
      username: "300:21.TEST/u",
      password: "p",
      timeout: 5,
      concurrency: 1,
      policy: retries,
      sessions: false,
    });
    const handleError = await handles.get("21.TEST/x").catch((e) => e);
    assert.equal(retryAfterOf(handleError), 42_000, String(handleError));
    await handles.close();
  } finally {
    await server.shutdown();
  }
});
