import assert from "node:assert/strict";
import { startHandleServer } from "../../src/handle_server/mod.ts";
import type { HandleServer, HandleServerOptions } from "../../src/handle_server/mod.ts";

const PREFIX = "21.TEST";
const USER = "300:21.TEST/testuser";
const PASSWORD = "s3cret:with:colons";
const ADMIN = {
  index: 100,
  type: "HS_ADMIN",
  data: {
    format: "admin",
    value: { handle: `0.NA/${PREFIX}`, index: 200, permissions: "011111110011" },
  },
};

function basic(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

const AUTH = basic("300%3A21.TEST%2Ftestuser", PASSWORD);

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

async function call(
  server: HandleServer,
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; auth?: string | null } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const auth = options.auth === undefined ? AUTH : options.auth;
  if (auth !== null) headers.authorization = auth;
  const body = options.rawBody ??
    (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await fetch(`${server.url}${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {}, headers: response.headers };
}

async function withServer(
  fn: (server: HandleServer) => Promise<void>,
  options: Partial<HandleServerOptions> = {},
): Promise<void> {
  const server = await startHandleServer({
    port: 0,
    prefix: PREFIX,
    username: USER,
    password: PASSWORD,
    ...options,
  });
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

function record(url: string): unknown[] {
  return [{ index: 1, type: "URL", data: { format: "string", value: url } }, ADMIN];
}

Deno.test("PUT creates (201), GET resolves with full value shape", async () => {
  await withServer(async (server) => {
    const created = await call(server, "PUT", `/api/handles/${PREFIX}/abc?overwrite=true`, {
      body: { values: record("https://example.org/a") },
    });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body, { responseCode: 1, handle: `${PREFIX}/abc` });
    assert.equal(server.size(), 1);

    const got = await call(server, "GET", `/api/handles/${PREFIX}/abc`, { auth: null });
    assert.equal(got.status, 200);
    assert.equal(got.body.responseCode, 1);
    assert.equal(got.body.handle, `${PREFIX}/abc`);
    const values = got.body.values as Record<string, unknown>[];
    assert.equal(values.length, 2);
    assert.equal(values[0].index, 1);
    assert.equal(values[0].type, "URL");
    assert.deepEqual(values[0].data, { format: "string", value: "https://example.org/a" });
    assert.equal(values[0].ttl, 86400);
    assert.ok(!Number.isNaN(Date.parse(values[0].timestamp as string)));
    assert.deepEqual(values[1].data, ADMIN.data);
  });
});

Deno.test("PUT overwrite=true on an existing handle replaces the whole record (200)", async () => {
  await withServer(async (server) => {
    const path = `/api/handles/${PREFIX}/rep`;
    await call(server, "PUT", `${path}?overwrite=true`, {
      body: [...record("https://a"), { index: 2, type: "EXTRA", data: "x" }],
    });
    const replaced = await call(server, "PUT", `${path}?overwrite=true`, {
      body: { values: record("https://b") },
    });
    assert.equal(replaced.status, 200);
    assert.deepEqual(replaced.body, { responseCode: 1, handle: `${PREFIX}/rep` });
    const got = await call(server, "GET", path);
    const values = got.body.values as { index: number; data: { value: unknown } }[];
    assert.deepEqual(values.map((v) => v.index), [1, 100]);
    assert.equal(values[0].data.value, "https://b");
  });
});

Deno.test("bare array body and bare-string data are accepted; data comes back as {format,value}", async () => {
  await withServer(async (server) => {
    const put = await call(server, "PUT", `/api/handles/${PREFIX}/bare`, {
      body: [{ index: 1, type: "URL", data: "https://bare" }, ADMIN],
    });
    assert.equal(put.status, 201);
    const got = await call(server, "GET", `/api/handles/${PREFIX}/bare`);
    const values = got.body.values as { data: unknown }[];
    assert.deepEqual(values[0].data, { format: "string", value: "https://bare" });
  });
});

Deno.test("GET ?type and ?index filters select the union of matches", async () => {
  await withServer(async (server) => {
    const path = `/api/handles/${PREFIX}/filt`;
    await call(server, "PUT", path, {
      body: [
        { index: 1, type: "URL", data: "https://f" },
        { index: 2, type: "CHECKSUM", data: "abc" },
        { index: 3, type: "10320/loc.x", data: "loc" },
        ADMIN,
      ],
    });
    const byType = await call(server, "GET", `${path}?type=URL`);
    assert.deepEqual((byType.body.values as { index: number }[]).map((v) => v.index), [1]);
    const byIndex = await call(server, "GET", `${path}?index=2&index=100&auth=true`);
    assert.deepEqual((byIndex.body.values as { index: number }[]).map((v) => v.index), [2, 100]);
    const both = await call(server, "GET", `${path}?type=HS_ADMIN&index=1`);
    assert.deepEqual((both.body.values as { index: number }[]).map((v) => v.index), [1, 100]);
    const subtypes = await call(server, "GET", `${path}?type=10320/loc.`);
    assert.deepEqual((subtypes.body.values as { index: number }[]).map((v) => v.index), [3]);
    const none = await call(server, "GET", `${path}?type=NOPE`);
    assert.equal(none.status, 200);
    assert.equal(none.body.responseCode, 200);
    assert.deepEqual(none.body.values, []);
  });
});

Deno.test("PUT without overwrite on an existing handle is refused with 409/101", async () => {
  await withServer(async (server) => {
    const path = `/api/handles/${PREFIX}/dup`;
    assert.equal((await call(server, "PUT", path, { body: record("https://1") })).status, 201);
    const again = await call(server, "PUT", path, { body: record("https://2") });
    assert.equal(again.status, 409);
    assert.equal(again.body.responseCode, 101);
    assert.equal(again.body.handle, `${PREFIX}/dup`);
    assert.equal(typeof again.body.message, "string");
    const explicit = await call(server, "PUT", `${path}?overwrite=false`, {
      body: record("https://2"),
    });
    assert.equal(explicit.status, 409);
    const got = await call(server, "GET", `${path}?index=1`);
    assert.equal((got.body.values as { data: { value: string } }[])[0].data.value, "https://1");
  });
});

Deno.test("PUT ?index=I adds or replaces only those values", async () => {
  await withServer(async (server) => {
    const path = `/api/handles/${PREFIX}/part`;
    const created = await call(server, "PUT", `${path}?index=1&index=100`, {
      body: [...record("https://old"), { index: 5, type: "IGNORED", data: "x" }],
    });
    assert.equal(created.status, 201);
    const update = await call(server, "PUT", `${path}?index=1&index=7`, {
      body: {
        values: [
          { index: 1, type: "URL", data: "https://new" },
          { index: 7, type: "EXTRA", data: "seven" },
          { index: 100, type: "URL", data: "would drop the admin, but not selected" },
        ],
      },
    });
    assert.equal(update.status, 200);
    assert.deepEqual(update.body, { responseCode: 1, handle: `${PREFIX}/part` });
    const got = await call(server, "GET", path);
    const values = got.body.values as { index: number; type: string; data: { value: unknown } }[];
    assert.deepEqual(values.map((v) => v.index), [1, 7, 100]);
    assert.equal(values[0].data.value, "https://new");
    assert.equal(values[2].type, "HS_ADMIN");
    const various = await call(server, "PUT", `${path}?index=various`, {
      body: [{ index: 8, type: "EIGHT", data: "8" }],
    });
    assert.equal(various.status, 200);
    const conflict = await call(server, "PUT", `${path}?index=8&overwrite=false`, {
      body: [{ index: 8, type: "EIGHT", data: "again" }],
    });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.responseCode, 201);
    const missing = await call(server, "PUT", `${path}?index=9`, {
      body: [{ index: 8, type: "EIGHT", data: "8" }],
    });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.responseCode, 202);
  });
});

Deno.test("DELETE removes a handle (200/1); then GET and DELETE give 404/100", async () => {
  await withServer(async (server) => {
    const path = `/api/handles/${PREFIX}/del`;
    await call(server, "PUT", path, { body: record("https://d") });
    const deleted = await call(server, "DELETE", path);
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.responseCode, 1);
    assert.equal(server.size(), 0);
    const got = await call(server, "GET", path);
    assert.equal(got.status, 404);
    assert.equal(got.body.responseCode, 100);
    assert.equal(got.body.handle, `${PREFIX}/del`);
    const again = await call(server, "DELETE", path);
    assert.equal(again.status, 404);
    assert.equal(again.body.responseCode, 100);
  });
});

Deno.test("percent-encoded suffix characters are decoded", async () => {
  await withServer(async (server) => {
    const put = await call(server, "PUT", `/api/handles/${PREFIX}/a%20b%3Fc%23d/e`, {
      body: record("https://enc"),
    });
    assert.equal(put.status, 201);
    assert.equal(put.body.handle, `${PREFIX}/a b?c#d/e`);
    const got = await call(
      server,
      "GET",
      `/api/handles/${PREFIX}/${encodeURIComponent("a b?c#d/e")}`,
    );
    assert.equal(got.status, 200);
    assert.equal(got.body.handle, `${PREFIX}/a b?c#d/e`);
  });
});

Deno.test("invalid handles give 400/102", async () => {
  await withServer(async (server) => {
    for (
      const path of [
        `/api/handles/${PREFIX}`,
        `/api/handles/${PREFIX}/`,
        "/api/handles//x",
        `/api/handles/${PREFIX}/%ZZ`,
        `/api/handles/${PREFIX}/a%0Ab`,
      ]
    ) {
      const got = await call(server, "GET", path);
      assert.equal(got.status, 400, path);
      assert.equal(got.body.responseCode, 102, path);
      assert.equal(typeof got.body.message, "string");
      const put = await call(server, "PUT", path, { body: record("https://x") });
      assert.equal(put.status, 400, path);
      assert.equal(put.body.responseCode, 102, path);
    }
  });
});

Deno.test("invalid values give 400/202", async () => {
  await withServer(async (server) => {
    const path = `/api/handles/${PREFIX}/bad`;
    const cases: [string, string][] = [
      ["bad JSON", "{not json"],
      ["no index", JSON.stringify([{ type: "URL", data: "x" }])],
      ["no type", JSON.stringify([{ index: 1, data: "x" }])],
      ["fractional index text", JSON.stringify([{ index: "1.5", type: "URL", data: "x" }])],
      ["string index", JSON.stringify([{ index: "one", type: "URL", data: "x" }])],
      [
        "duplicate index",
        JSON.stringify([{ index: 1, type: "A", data: "x" }, { index: 1, type: "B", data: "y" }]),
      ],
      ["no data", JSON.stringify([{ index: 1, type: "URL" }])],
      [
        "bad admin",
        JSON.stringify([{ index: 100, type: "HS_ADMIN", data: { format: "admin", value: "x" } }]),
      ],
      ["values not an array", JSON.stringify({ values: "x" })],
      ["empty record", JSON.stringify([])],
    ];
    for (const [name, rawBody] of cases) {
      const put = await call(server, "PUT", `${path}?overwrite=true`, { rawBody });
      assert.equal(put.status, 400, name);
      assert.equal(put.body.responseCode, 202, name);
      assert.equal(put.body.handle, `${PREFIX}/bad`, name);
    }
    assert.equal(server.size(), 0);
    await call(server, "PUT", path, { body: record("https://good") });
    const badFilter = await call(server, "GET", `${path}?index=x`);
    assert.equal(badFilter.status, 400);
    assert.equal(badFilter.body.responseCode, 202);
  });
});

Deno.test("a handle of another prefix gives 400/301", async () => {
  await withServer(async (server) => {
    const got = await call(server, "GET", "/api/handles/21.OTHER/x");
    assert.equal(got.status, 400);
    assert.equal(got.body.responseCode, 301);
    assert.equal(got.body.handle, "21.OTHER/x");
    const put = await call(server, "PUT", "/api/handles/21.OTHER/x", { body: record("https://x") });
    assert.equal(put.status, 400);
    assert.equal(put.body.responseCode, 301);
    const del = await call(server, "DELETE", "/api/handles/21.OTHER/x");
    assert.equal(del.body.responseCode, 301);
  });
});

Deno.test("writes without or with wrong credentials give 401/402 with WWW-Authenticate", async () => {
  await withServer(async (server) => {
    const path = `/api/handles/${PREFIX}/auth`;
    const wrongs: [string, string | null][] = [
      ["missing", null],
      ["wrong password", basic("300%3A21.TEST%2Ftestuser", "nope")],
      ["unknown user", basic("300%3A21.TEST%2Fother", PASSWORD)],
      ["other scheme", "Bearer abc"],
      ["garbage", "Basic !!!"],
    ];
    for (const [name, auth] of wrongs) {
      const put = await call(server, "PUT", path, { body: record("https://x"), auth });
      assert.equal(put.status, 401, name);
      assert.equal(put.body.responseCode, 402, name);
      assert.equal(put.headers.get("www-authenticate"), 'Basic realm="handle"', name);
      const del = await call(server, "DELETE", path, { auth });
      assert.equal(del.status, 401, name);
      assert.equal(del.body.responseCode, 402, name);
    }
    assert.equal(server.size(), 0);
  });
});

Deno.test("user names are accepted percent-encoded, half-encoded and raw", async () => {
  await withServer(async (server) => {
    const users = ["300%3A21.TEST%2Ftestuser", "300%3A21.TEST/testuser", "300:21.TEST/testuser"];
    for (const [i, user] of users.entries()) {
      const put = await call(server, "PUT", `/api/handles/${PREFIX}/u${i}`, {
        body: record("https://u"),
        auth: basic(user, PASSWORD),
      });
      assert.equal(put.status, 201, user);
    }
    assert.equal(server.size(), 3);
  });
});

Deno.test("a user of another prefix is authenticated but not permitted: 403", async () => {
  await withServer(async (server) => {
    const auth = basic("300%3A21.OTHER%2Fuser", PASSWORD);
    const put = await call(server, "PUT", `/api/handles/${PREFIX}/x`, {
      body: record("https://x"),
      auth,
    });
    assert.equal(put.status, 403);
    assert.equal(put.body.responseCode, 401);
    const del = await call(server, "DELETE", `/api/handles/${PREFIX}/x`, { auth });
    assert.equal(del.status, 403);
    assert.equal(server.size(), 0);
    const read = await call(server, "GET", `/api/handles/${PREFIX}/x`, { auth: null });
    assert.equal(read.status, 404);
  }, { username: "300:21.OTHER/user" });
});

Deno.test("the prefix admin 0.NA/{prefix} may write", async () => {
  await withServer(async (server) => {
    const put = await call(server, "PUT", `/api/handles/${PREFIX}/na`, {
      body: record("https://na"),
      auth: basic("300%3A0.NA%2F21.TEST", PASSWORD),
    });
    assert.equal(put.status, 201);
  }, { username: "300:0.NA/21.TEST" });
});

Deno.test("removing the last HS_ADMIN value is refused with 403/400", async () => {
  await withServer(async (server) => {
    const path = `/api/handles/${PREFIX}/adm`;
    await call(server, "PUT", path, { body: record("https://adm") });
    const replace = await call(server, "PUT", `${path}?overwrite=true`, {
      body: [{ index: 1, type: "URL", data: "https://no-admin" }],
    });
    assert.equal(replace.status, 403);
    assert.equal(replace.body.responseCode, 400);
    const partial = await call(server, "PUT", `${path}?index=100`, {
      body: [{ index: 100, type: "URL", data: "not an admin" }],
    });
    assert.equal(partial.status, 403);
    const got = await call(server, "GET", `${path}?type=HS_ADMIN`);
    assert.equal((got.body.values as unknown[]).length, 1);
  });
});

Deno.test("other paths and methods give JSON errors", async () => {
  await withServer(async (server) => {
    const other = await call(server, "GET", "/nothing/here");
    assert.equal(other.status, 404);
    assert.equal(typeof other.body.responseCode, "number");
    const method = await call(server, "POST", `/api/handles/${PREFIX}/x`, { body: {} });
    assert.equal(method.status, 405);
    assert.equal(method.body.responseCode, 5);
  });
});

Deno.test("sessions: POST /api/sessions authenticates later writes", async () => {
  await withServer(async (server) => {
    const created = await call(server, "POST", "/api/sessions");
    assert.equal(created.status, 201);
    assert.equal(created.body.authenticated, true);
    const sessionAuth = `Handle sessionId="${created.body.sessionId}"`;
    const put = await call(server, "PUT", `/api/handles/${PREFIX}/s`, {
      body: record("https://s"),
      auth: sessionAuth,
    });
    assert.equal(put.status, 201);
    const ended = await call(server, "DELETE", "/api/sessions/this", { auth: sessionAuth });
    assert.equal(ended.status, 204);
    const after = await call(server, "DELETE", `/api/handles/${PREFIX}/s`, { auth: sessionAuth });
    assert.equal(after.status, 401);
    assert.equal(after.body.responseCode, 402);
    const anonymous = await call(server, "POST", "/api/sessions", { auth: null });
    assert.equal(anonymous.body.authenticated, false);
    const anonPut = await call(server, "PUT", `/api/handles/${PREFIX}/s2`, {
      body: record("https://s"),
      auth: `Handle sessionId="${anonymous.body.sessionId}"`,
    });
    assert.equal(anonPut.status, 401);
    const wrong = await call(server, "POST", "/api/sessions", { auth: basic(USER, "bad") });
    assert.equal(wrong.status, 401);
  });
});

Deno.test("records survive a restart on the same data file", async () => {
  const dir = await Deno.makeTempDir();
  const dataFile = `${dir}/sub/handles.log`;
  try {
    await withServer(async (server) => {
      await call(server, "PUT", `/api/handles/${PREFIX}/keep`, { body: record("https://keep") });
      await call(server, "PUT", `/api/handles/${PREFIX}/gone`, { body: record("https://gone") });
      await call(server, "PUT", `/api/handles/${PREFIX}/keep?index=2`, {
        body: [{ index: 2, type: "EXTRA", data: "two" }],
      });
      await call(server, "DELETE", `/api/handles/${PREFIX}/gone`);
    }, { dataFile });
    await withServer(async (server) => {
      assert.equal(server.size(), 1);
      const got = await call(server, "GET", `/api/handles/${PREFIX}/keep`);
      assert.equal(got.status, 200);
      const values = got.body.values as { index: number; data: { value: unknown } }[];
      assert.deepEqual(values.map((v) => v.index), [1, 2, 100]);
      assert.equal(values[0].data.value, "https://keep");
      const gone = await call(server, "GET", `/api/handles/${PREFIX}/gone`);
      assert.equal(gone.status, 404);
    }, { dataFile });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writes are durable before the response, even without close", async () => {
  const dir = await Deno.makeTempDir();
  const dataFile = `${dir}/handles.log`;
  try {
    await withServer(async (server) => {
      const puts = Array.from(
        { length: 50 },
        (_, i) =>
          call(server, "PUT", `/api/handles/${PREFIX}/d${i}`, { body: record(`https://d/${i}`) }),
      );
      for (const answer of await Promise.all(puts)) assert.equal(answer.status, 201);
      // Read the log while the server still runs: every acknowledged write is in it.
      const text = await Deno.readTextFile(dataFile);
      for (let i = 0; i < 50; i++) assert.ok(text.includes(`"${PREFIX}/d${i}"`), `d${i}`);
    }, { dataFile });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an unwritable data file gives 500/2 on writes", async () => {
  const dir = await Deno.makeTempDir();
  const sub = `${dir}/sub`;
  const dataFile = `${sub}/handles.log`;
  try {
    await withServer(async (server) => {
      assert.equal(
        (await call(server, "PUT", `/api/handles/${PREFIX}/ok`, {
          body: record("https://ok"),
        })).status,
        201,
      );
      await Deno.remove(sub, { recursive: true });
      const failed = await call(server, "PUT", `/api/handles/${PREFIX}/fail`, {
        body: record("https://fail"),
      });
      assert.equal(failed.status, 500);
      assert.equal(failed.body.responseCode, 2);
      assert.equal(failed.body.handle, `${PREFIX}/fail`);
      assert.equal(typeof failed.body.message, "string");
      await Deno.mkdir(sub); // lets close() persist what is pending
    }, { dataFile });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("latencyMs delays every write response, not reads", async () => {
  await withServer(async (server) => {
    let started = performance.now();
    const put = await call(server, "PUT", `/api/handles/${PREFIX}/slow`, {
      body: record("https://slow"),
    });
    assert.equal(put.status, 201);
    assert.ok(performance.now() - started >= 245, "PUT was not delayed");
    started = performance.now();
    const denied = await call(server, "DELETE", `/api/handles/${PREFIX}/slow`, { auth: null });
    assert.equal(denied.status, 401);
    assert.ok(performance.now() - started >= 245, "DELETE was not delayed");
    started = performance.now();
    await call(server, "GET", `/api/handles/${PREFIX}/slow`);
    assert.ok(performance.now() - started < 245, "GET was delayed");
  }, { latencyMs: 250 });
});

Deno.test("hundreds of concurrent PUTs all land", async () => {
  const dir = await Deno.makeTempDir();
  const dataFile = `${dir}/handles.log`;
  try {
    await withServer(async (server) => {
      const answers = await Promise.all(
        Array.from(
          { length: 300 },
          (_, i) =>
            call(server, "PUT", `/api/handles/${PREFIX}/c${i}?overwrite=true`, {
              body: record(`https://c/${i}`),
            }),
        ),
      );
      assert.ok(answers.every((answer) => answer.status === 201));
      assert.equal(server.size(), 300);
    }, { dataFile });
    await withServer((server) => {
      assert.equal(server.size(), 300);
      return Promise.resolve();
    }, { dataFile });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an aborted signal closes the server", async () => {
  const controller = new AbortController();
  let listened = 0;
  const server = await startHandleServer({
    prefix: PREFIX,
    username: USER,
    password: PASSWORD,
    signal: controller.signal,
    onListen: (addr) => listened = addr.port,
  });
  assert.equal(listened, server.port);
  assert.ok(server.url.startsWith("http://127.0.0.1:"));
  controller.abort();
  await server.close();
  await assert.rejects(fetch(`${server.url}/api/handles/${PREFIX}/x`));
});
