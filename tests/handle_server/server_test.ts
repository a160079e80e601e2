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

Deno.test("PUT replaces an existing handle unless overwrite is other than true (409/101)", async () => {
  await withServer(async (server) => {
    const path = `/api/handles/${PREFIX}/dup`;
    assert.equal((await call(server, "PUT", path, { body: record("https://1") })).status, 201);
    const again = await call(server, "PUT", path, { body: record("https://2") });
    assert.equal(again.status, 200, "overwrite defaults to true");
    for (const overwrite of ["false", "yes", "0"]) {
      const refused = await call(server, "PUT", `${path}?overwrite=${overwrite}`, {
        body: record("https://3"),
      });
      assert.equal(refused.status, 409, overwrite);
      assert.deepEqual(refused.body, { responseCode: 101, handle: `${PREFIX}/dup` });
    }
    const got = await call(server, "GET", `${path}?index=1`);
    assert.equal((got.body.values as { data: { value: string } }[])[0].data.value, "https://2");
  });
});

Deno.test("PUT ?index=I adds (201) or replaces (200) only those values", async () => {
  await withServer(async (server) => {
    const path = `/api/handles/${PREFIX}/part`;
    const absent = await call(server, "PUT", `${path}?index=1`, { body: [record("https://x")[0]] });
    assert.deepEqual([absent.status, absent.body.responseCode], [404, 100]);
    await call(server, "PUT", path, { body: record("https://old") });
    const update = await call(server, "PUT", `${path}?index=1&index=7`, {
      body: {
        values: [
          { index: 1, type: "URL", data: "https://new" },
          { index: 7, type: "EXTRA", data: "seven" },
        ],
      },
    });
    assert.equal(update.status, 200, "index 1 existed: a modification");
    assert.deepEqual(update.body, { responseCode: 1, handle: `${PREFIX}/part` });
    const replace = await call(server, "PUT", `${path}?index=7`, {
      body: [{ index: 7, type: "EXTRA", data: "again" }],
    });
    assert.equal(replace.status, 200);
    const add = await call(server, "PUT", `${path}?index=9`, {
      body: [{ index: 9, type: "NINE", data: "9" }],
    });
    assert.equal(add.status, 201, "all new: an addition");
    const got = await call(server, "GET", path);
    const values = got.body.values as { index: number; type: string; data: { value: unknown } }[];
    assert.deepEqual(values.map((v) => v.index), [1, 7, 9, 100]);
    assert.equal(values[0].data.value, "https://new");
    const various = await call(server, "PUT", `${path}?index=various`, {
      body: [{ index: 8, type: "EIGHT", data: "8" }],
    });
    assert.equal(various.status, 201);
    const conflict = await call(server, "PUT", `${path}?index=8&overwrite=false`, {
      body: [{ index: 8, type: "EIGHT", data: "again" }],
    });
    assert.equal(conflict.status, 409);
    assert.deepEqual(conflict.body, {
      responseCode: 201,
      message: "Index conflict for 8",
      handle: `${PREFIX}/part`,
    });
    const mismatch = await call(server, "PUT", `${path}?index=9`, {
      body: [{ index: 8, type: "EIGHT", data: "8" }],
    });
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.body.responseCode, 4);
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

Deno.test("an empty suffix is a handle; an undecodable path is 400/102", async () => {
  await withServer(async (server) => {
    const put = await call(server, "PUT", `/api/handles/${PREFIX}/`, { body: record("https://x") });
    assert.deepEqual(put.body, { responseCode: 1, handle: `${PREFIX}/` });
    const bad = await call(server, "GET", `/api/handles/${PREFIX}/%ZZ`);
    assert.deepEqual([bad.status, bad.body.responseCode], [400, 102]);
  });
});

Deno.test("unreadable bodies and values give 400/4; index 0 gives 400/202", async () => {
  await withServer(async (server) => {
    const path = `/api/handles/${PREFIX}/bad`;
    const cases: [string, string, RegExp][] = [
      ["bad JSON", "{not json", /^com\.google\.gson\.JsonSyntaxException: /],
      ["truncated", '{"values":[', /JsonSyntaxException: java\.io\.EOFException/],
      ["no index", JSON.stringify([{ type: "URL", data: "x" }]), /NullPointerException/],
      ["no type", JSON.stringify([{ index: 1, data: "x" }]), /NullPointerException/],
      ["string index", JSON.stringify([{ index: "one", type: "URL", data: "x" }]), /NumberFormat/],
      ["no data", JSON.stringify([{ index: 1, type: "URL" }]), /NullPointerException/],
      [
        "bad admin",
        JSON.stringify([{ index: 100, type: "HS_ADMIN", data: { format: "admin", value: "x" } }]),
        /IllegalStateException/,
      ],
      ["values not an array", JSON.stringify({ values: "x" }), /IllegalStateException/],
      ["no values", "{}", /^java\.lang\.Exception: Invalid JSON in PUT request$/],
    ];
    for (const [name, rawBody, message] of cases) {
      const put = await call(server, "PUT", path, { rawBody });
      assert.equal(put.status, 400, name);
      assert.equal(put.body.responseCode, 4, name);
      assert.match(String(put.body.message), message, name);
    }
    const zero = await call(server, "PUT", path, { body: [{ index: 0, type: "A", data: "x" }] });
    assert.deepEqual(zero.body, {
      responseCode: 202,
      message: "Value indexes must be positive",
      handle: `${PREFIX}/bad`,
    });
    const twice = await call(server, "PUT", path, {
      body: [{ index: 1, type: "A", data: "x" }, { index: 1, type: "B", data: "y" }],
    });
    assert.deepEqual([twice.status, twice.body.responseCode], [409, 201]);
    assert.equal(server.size(), 0);
    const lenient = await call(server, "PUT", path, {
      rawBody: "{'values':[{index:1,type:T,data:x}]}",
    });
    assert.equal(
      lenient.status,
      201,
      "Gson's lenient reader takes unquoted and single-quoted text",
    );
    const badFilter = await call(server, "GET", `${path}?index=x`);
    assert.equal(badFilter.status, 400);
    assert.equal(badFilter.body.responseCode, 4);
  });
});

Deno.test("a body is ISO-8859-1 unless its Content-Type names a charset; only JSON is read", async () => {
  await withServer(async (server) => {
    const path = `/api/handles/${PREFIX}/text`;
    const body = JSON.stringify([{ index: 1, type: "T", data: "Ü" }]);
    const send = (type: string): Promise<Response> =>
      fetch(`${server.url}${path}`, {
        method: "PUT",
        headers: { authorization: AUTH, "content-type": type },
        body,
      });
    for (const type of ["application/json", "application/json; charset=utf-8"]) {
      const put = await send(type);
      await put.body?.cancel();
      const got = await call(server, "GET", path);
      const value = (got.body.values as { data: { value: string } }[])[0].data.value;
      assert.equal(value, type.includes("utf-8") ? "Ü" : "\u00c3\u009c", type);
    }
    const plain = await send("text/plain");
    assert.deepEqual(await plain.json(), {
      responseCode: 4,
      message: "java.lang.Exception: Unsupported media type text/plain",
    });
  });
});

Deno.test("a handle of another prefix gives 400/301 (DELETE: 404/100)", async () => {
  await withServer(async (server) => {
    const got = await call(server, "GET", "/api/handles/21.OTHER/x");
    assert.deepEqual([got.status, got.body], [400, {
      responseCode: 301,
      message: "That prefix doesn't live here",
      handle: "21.OTHER/x",
    }]);
    const put = await call(server, "PUT", "/api/handles/21.OTHER/x", { body: record("https://x") });
    assert.equal(put.status, 400);
    assert.equal(put.body.responseCode, 301);
    const del = await call(server, "DELETE", "/api/handles/21.OTHER/x");
    assert.deepEqual([del.status, del.body.responseCode], [404, 100]);
  });
});

Deno.test("writes without credentials give 401/402; failing credentials 401 with no body", async () => {
  await withServer(async (server) => {
    const path = `/api/handles/${PREFIX}/auth`;
    const missing = await call(server, "PUT", path, { body: record("https://x"), auth: null });
    assert.deepEqual([missing.status, missing.body], [401, {
      responseCode: 402,
      handle: `${PREFIX}/auth`,
    }]);
    const wrongs: [string, string][] = [
      ["wrong password", basic("300%3A21.TEST%2Ftestuser", "nope")],
      ["unknown user", basic("300%3A21.TEST%2Fother", PASSWORD)],
      ["unencoded user", basic(USER, PASSWORD)],
      ["other scheme", "Bearer abc"],
      ["garbage", "Basic !!!"],
    ];
    for (const [name, auth] of wrongs) {
      for (const method of ["PUT", "DELETE", "GET"]) {
        const response = await fetch(`${server.url}${path}`, {
          method,
          headers: { authorization: auth, "content-type": "application/json" },
          body: method === "PUT" ? JSON.stringify(record("https://x")) : undefined,
        });
        assert.equal(response.status, 401, `${name} ${method}`);
        assert.equal(await response.text(), "", `${name} ${method}`);
      }
    }
    assert.equal(server.size(), 0);
  });
});

Deno.test("user names are accepted percent-encoded and half-encoded", async () => {
  await withServer(async (server) => {
    const users = ["300%3A21.TEST%2Ftestuser", "300%3A21.TEST/testuser"];
    for (const [i, user] of users.entries()) {
      const put = await call(server, "PUT", `/api/handles/${PREFIX}/u${i}`, {
        body: record("https://u"),
        auth: basic(user, PASSWORD),
      });
      assert.equal(put.status, 201, user);
    }
    assert.equal(server.size(), 2);
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

Deno.test("a record may be replaced without HS_ADMIN, and HS_ADMIN deleted", async () => {
  await withServer(async (server) => {
    const path = `/api/handles/${PREFIX}/adm`;
    await call(server, "PUT", path, { body: record("https://adm") });
    const replace = await call(server, "PUT", `${path}?overwrite=true`, {
      body: [{ index: 1, type: "URL", data: "https://no-admin" }],
    });
    assert.equal(replace.status, 200);
    const got = await call(server, "GET", `${path}?type=HS_ADMIN`);
    assert.deepEqual([got.body.responseCode, got.body.values], [200, []]);
  });
});

Deno.test("other paths and methods give the real server's errors", async () => {
  await withServer(async (server) => {
    const other = await call(server, "GET", "/nothing/here");
    assert.deepEqual([other.status, other.body], [404, {
      responseCode: 4,
      message: "Unknown HTTP API endpoint GET /nothing/here",
    }]);
    const patch = await call(server, "PATCH", `/api/handles/${PREFIX}/x`, { body: {} });
    assert.deepEqual([patch.status, patch.body], [501, {
      responseCode: 4,
      message: "Unknown method PATCH",
    }]);
    const post = await call(server, "POST", `/api/handles/${PREFIX}/x`);
    assert.deepEqual([post.status, post.body.responseCode], [404, 100], "POST reads");
  });
});

Deno.test("sessions: POST /api/sessions with Basic credentials authenticates later writes", async () => {
  await withServer(async (server) => {
    const created = await call(server, "POST", "/api/sessions");
    assert.equal(created.status, 201);
    assert.equal(created.body.authenticated, true);
    assert.equal(created.body.id, USER);
    assert.match(String(created.body.sessionId), /^[a-z0-9]{25}$/);
    const sessionAuth = `Handle sessionId="${created.body.sessionId}"`;
    const put = await call(server, "PUT", `/api/handles/${PREFIX}/s`, {
      body: record("https://s"),
      auth: sessionAuth,
    });
    assert.equal(put.status, 201);
    const state = await call(server, "GET", "/api/sessions/this", { auth: sessionAuth });
    assert.deepEqual(state.body, created.body);
    const ended = await call(server, "DELETE", "/api/sessions/this", { auth: sessionAuth });
    assert.equal(ended.status, 204);
    const after = await call(server, "DELETE", `/api/handles/${PREFIX}/s`, { auth: sessionAuth });
    assert.deepEqual([after.status, after.body], [401, {}], "a closed session: 401, no body");
    const closedState = await call(server, "GET", "/api/sessions/this", { auth: sessionAuth });
    assert.equal(closedState.status, 403);
    const anonymous = await call(server, "POST", "/api/sessions", { auth: null });
    assert.deepEqual(Object.keys(anonymous.body), ["sessionId", "nonce"]);
    const anonPut = await call(server, "PUT", `/api/handles/${PREFIX}/s2`, {
      body: record("https://s"),
      auth: `Handle sessionId="${anonymous.body.sessionId}"`,
    });
    assert.deepEqual([anonPut.status, anonPut.body.responseCode], [401, 402]);
    const wrong = await call(server, "POST", "/api/sessions", { auth: basic(USER, "bad") });
    assert.deepEqual([wrong.status, wrong.body.error], [201, "Identity not verified"]);
    const none = await call(server, "GET", "/api/sessions/this", { auth: null });
    assert.deepEqual(none.body, { authenticated: false });
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
      for (let i = 0; i < 50; i++) assert.ok(text.includes(`"${PREFIX}/D${i}"`), `D${i}`);
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
