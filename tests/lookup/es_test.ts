import assert from "node:assert/strict";
import { ConfigurationError, PermanentError, TransientError } from "../../src/errors/mod.ts";
import { createEsVersionLookup, esSearchBody } from "../../src/lookup/es.ts";
import { TransientExhaustedError } from "../../src/transient/mod.ts";

const DATASET = "CMIP6.CMIP.MRI.MRI-ESM2-0.historical.r1i1p1f1.Amon.tas.gn";
const POLICY = { retries: 1, backoffInitial: 0.001, backoffMax: 0.001 };

interface Seen {
  path: string;
  method: string;
  authorization: string | null;
  body: Record<string, unknown>;
}

/** A tiny `_search` endpoint over `versions` (numbers), paged with size/from. */
function serveEs(versions: number[], seen: Seen[]): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen(): void {} }, async (request) => {
    const body = await request.json() as Record<string, unknown>;
    const url = new URL(request.url);
    seen.push({
      path: url.pathname,
      method: request.method,
      authorization: request.headers.get("authorization"),
      body,
    });
    if (url.pathname !== "/pids/_search") {
      return Response.json({ error: { type: "index_not_found_exception" } }, { status: 404 });
    }
    const term = (body.query as { term: { DATASET_ID: string } }).term.DATASET_ID;
    const all = term === DATASET ? versions : [];
    const from = Number(body.from ?? 0);
    const size = Number(body.size ?? 10);
    const hits = all.slice(from, from + size).map((version, index) => ({
      _index: "pids",
      _id: `h${from + index}`,
      // Some records hold Handle-style one-element lists.
      _source: index % 2 === 0
        ? { DATASET_ID: DATASET, DATASET_VERSION: `v${version}` }
        : { DATASET_ID: [DATASET], DATASET_VERSION: [`v${version}`] },
    }));
    return Response.json({ hits: { total: { value: all.length, relation: "eq" }, hits } });
  });
}

Deno.test("esSearchBody is the term query on DATASET_ID", () => {
  assert.deepEqual(esSearchBody(DATASET, 200), {
    query: { term: { DATASET_ID: DATASET } },
    size: 100,
    from: 200,
    _source: ["DATASET_ID", "DATASET_VERSION"],
    sort: ["_doc"],
  });
});

Deno.test("ES lookup picks the newest lower version and sends the term query", async () => {
  const seen: Seen[] = [];
  const server = serveEs([20180101, 20200101, 20190601, 20190101], seen);
  try {
    const lookup = createEsVersionLookup({
      url: `http://127.0.0.1:${server.addr.port}/`,
      index: "pids",
      timeout: 5,
      policy: POLICY,
    });
    assert.equal(await lookup.previousVersion(`${DATASET}.v20190820`), `${DATASET}.v20190601`);
    assert.equal(seen.length, 1);
    assert.equal(seen[0].method, "POST");
    assert.equal(seen[0].path, "/pids/_search");
    assert.equal(seen[0].authorization, null);
    assert.deepEqual(seen[0].body.query, { term: { DATASET_ID: DATASET } });
    assert.equal(seen[0].body.size, 100);

    assert.equal(await lookup.previousVersion(`${DATASET}.v20180101`), undefined);
    const other = "CMIP6.CMIP.MRI.MRI-ESM2-0.historical.r1i1p1f1.Amon.pr.gn.v20190820";
    assert.equal(await lookup.previousVersion(other), undefined);
  } finally {
    await server.shutdown();
  }
});

Deno.test("ES lookup reads every page and sends HTTP Basic", async () => {
  const seen: Seen[] = [];
  const versions = Array.from({ length: 130 }, (_, i) => 20100000 + i);
  const server = serveEs(versions, seen);
  try {
    const lookup = createEsVersionLookup({
      url: `http://127.0.0.1:${server.addr.port}`,
      index: "pids",
      username: "reader",
      password: "sécret",
      timeout: 5,
      policy: POLICY,
    });
    // The answer lies on the second page.
    assert.equal(await lookup.previousVersion(`${DATASET}.v20100125`), `${DATASET}.v20100124`);
    assert.deepEqual(seen.map((s) => s.body.from), [0, 100]);
    const expected = `Basic ${
      btoa(String.fromCharCode(...new TextEncoder().encode("reader:sécret")))
    }`;
    assert.equal(seen[0].authorization, expected);
  } finally {
    await server.shutdown();
  }
});

Deno.test("ES lookup: 401 and a missing index are configuration errors", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen(): void {} },
    async (request) => {
      await request.text();
      return request.headers.has("authorization")
        ? new Response("{}", { status: 401 })
        : Response.json({ error: { type: "index_not_found_exception" } }, { status: 404 });
    },
  );
  try {
    const url = `http://127.0.0.1:${server.addr.port}`;
    const options = { url, index: "pids", timeout: 5, policy: POLICY };
    const denied = createEsVersionLookup({ ...options, username: "u", password: "topsecret" });
    await assert.rejects(denied.previousVersion(`${DATASET}.v20190820`), (error) => {
      assert.ok(error instanceof ConfigurationError);
      assert.doesNotMatch(error.message, /topsecret/);
      return true;
    });
    await assert.rejects(
      createEsVersionLookup(options).previousVersion(`${DATASET}.v20190820`),
      ConfigurationError,
    );
  } finally {
    await server.shutdown();
  }
});

Deno.test("ES lookup: HTTP 400 is permanent, 503 transient after the retries", async () => {
  let count = 0;
  let status = 400;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen(): void {} },
    async (request) => {
      await request.text();
      count++;
      return new Response("{}", { status });
    },
  );
  try {
    const retried: TransientError[] = [];
    const lookup = createEsVersionLookup({
      url: `http://127.0.0.1:${server.addr.port}`,
      index: "pids",
      timeout: 5,
      policy: POLICY,
      onRetry: (error) => retried.push(error),
    });
    await assert.rejects(lookup.previousVersion(`${DATASET}.v20190820`), PermanentError);
    assert.equal(count, 1);
    status = 503;
    count = 0;
    await assert.rejects(lookup.previousVersion(`${DATASET}.v20190820`), (error) => {
      assert.ok(error instanceof TransientExhaustedError);
      assert.equal(error.attempts, 2);
      assert.match(error.message, /503/);
      return true;
    });
    assert.equal(count, 2);
    assert.equal(retried.length, 1);
  } finally {
    await server.shutdown();
  }
});

Deno.test("ES lookup: a stopped service is transient", async () => {
  const server = serveEs([], []);
  const url = `http://127.0.0.1:${server.addr.port}`;
  await server.shutdown();
  const retried: TransientError[] = [];
  const lookup = createEsVersionLookup({
    url,
    index: "pids",
    timeout: 5,
    policy: POLICY,
    onRetry: (error) => retried.push(error),
  });
  await assert.rejects(lookup.previousVersion(`${DATASET}.v20190820`), (error) => {
    assert.ok(error instanceof TransientError);
    assert.ok(error instanceof TransientExhaustedError);
    assert.equal(error.attempts, 2);
    return true;
  });
  assert.equal(retried.length, 1);
});

Deno.test("ES lookup: no answer within the timeout is transient", async () => {
  const never = Promise.withResolvers<void>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen(): void {} }, async () => {
    await never.promise;
    return new Response("{}");
  });
  try {
    const lookup = createEsVersionLookup({
      url: `http://127.0.0.1:${server.addr.port}`,
      index: "pids",
      timeout: 0.05,
      policy: { retries: 0, backoffInitial: 0, backoffMax: 0 },
    });
    await assert.rejects(lookup.previousVersion(`${DATASET}.v20190820`), (error) => {
      assert.ok(error instanceof TransientError);
      assert.match(error.message, /no answer within 0.05s/);
      return true;
    });
  } finally {
    never.resolve();
    await server.shutdown();
  }
});
