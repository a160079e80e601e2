/**
 * End to end: `map --dry-run` writes handle files, `publish` registers them with the real
 * CLI into the real handle-server over HTTP: exactly what `map` registers directly, and
 * `--resume` after a kill sends only what the receipt does not show.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { createHandleHandler, HandleStore } from "../../src/handle_server/mod.ts";
import { basicAuth } from "../../src/register/mod.ts";
import { makeCmip6Events } from "../fixtures/events.ts";
import {
  cliCommand,
  listFiles,
  makeWorkspace,
  runCli,
  startTestHandleServer,
  TEST_PASSWORD,
  TEST_PREFIX,
  TEST_USER,
  type Workspace,
} from "../helpers.ts";

const AUTH = { Authorization: basicAuth(TEST_USER, TEST_PASSWORD) };

/** Every handle of a server (but the user's own) with its values, timestamps left out. */
async function dumpServer(url: string): Promise<Map<string, unknown[]>> {
  const list = await (await fetch(`${url}/api/handles?prefix=${TEST_PREFIX}`, { headers: AUTH }))
    .json() as { handles: string[] };
  const records = new Map<string, unknown[]>();
  for (const handle of list.handles) {
    // names are listed as a Handle.Net server stores them: upper case
    if (handle.toLowerCase() === `${TEST_PREFIX}/testuser`.toLowerCase()) continue;
    const record = await (await fetch(`${url}/api/handles/${handle}`)).json() as {
      values: Record<string, unknown>[];
    };
    records.set(handle, record.values.map(({ timestamp: _, ...rest }) => rest));
  }
  return records;
}

/** Writes event files and the dry-run handle file made from them; returns the handle file. */
async function dryRun(ws: Workspace, count: number): Promise<string> {
  const events = makeCmip6Events(count, "publish", { files: 3 });
  await Deno.writeTextFile(
    join(ws.dir, "events.jsonl"),
    events.map((e) => JSON.stringify(e)).join("\n") + "\n",
  );
  const run = await runCli(["-c", ws.config, "map", "--dry-run", "events.jsonl"], { cwd: ws.dir });
  assert.equal(run.code, 0, run.stderr);
  const dir = join(ws.dir, "outputs", "handles");
  const files = await listFiles(dir);
  assert.equal(files.length, 1);
  return join(dir, files[0]);
}

Deno.test("publish registers exactly what map registers, handle by handle", async () => {
  const direct = await startTestHandleServer();
  const published = await startTestHandleServer();
  const ws = await makeWorkspace({ handleUrl: direct.url });
  const wsPublish = await makeWorkspace({ handleUrl: published.url });
  try {
    const handleFile = await dryRun(ws, 4);
    const mapped = await runCli(["-c", ws.config, "map", "events.jsonl"], { cwd: ws.dir });
    assert.equal(mapped.code, 0, mapped.stderr);
    const run = await runCli(["-c", wsPublish.config, "publish", handleFile], {
      cwd: wsPublish.dir,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /16 handle\(s\) in 4 event\(s\): 16 created, 0 replaced/);
    const expected = await dumpServer(direct.url);
    const actual = await dumpServer(published.url);
    assert.equal(expected.size, 16);
    assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
    for (const [handle, values] of expected) assert.deepEqual(actual.get(handle), values, handle);

    const receiptDir = join(wsPublish.dir, "outputs", "published");
    const receipts = await listFiles(receiptDir);
    assert.equal(receipts.length, 1);
    const lines = (await Deno.readTextFile(join(receiptDir, receipts[0]))).trim().split("\n").map((
      l,
    ) => JSON.parse(l));
    assert.equal(lines.length, 16);
    assert.deepEqual(Object.keys(lines[0]).sort(), ["handle", "result", "server", "time"]);
    assert.ok(lines.every((l) => l.result === "created" && l.server === published.url));

    const again = await runCli(["-c", wsPublish.config, "publish", handleFile], {
      cwd: wsPublish.dir,
    });
    assert.match(again.stdout, /0 created, 16 replaced/);
  } finally {
    await ws.remove();
    await wsPublish.remove();
    await direct.close();
    await published.close();
  }
});

Deno.test("publish refuses an event with a prefix no profile serves, and a line that is no record", async () => {
  const server = await startTestHandleServer();
  const ws = await makeWorkspace({ handleUrl: server.url });
  try {
    const line = (handle: string, line: number): string =>
      JSON.stringify({ handle, URL: "https://x", data: { A: 1 }, timestamp: "t", file: "f", line });
    await Deno.writeTextFile(
      join(ws.dir, "h.jsonl"),
      [line("21.OTHER/a", 1), line("21.TEST/ds-a", 1), "{not json", line("21.TEST/ok", 2)]
        .join("\n") + "\n",
    );
    const run = await runCli(["-c", ws.config, "publish", "h.jsonl"], { cwd: ws.dir });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /h\.jsonl:1: prefix 21\.OTHER of 21\.OTHER\/a is served by no/);
    assert.match(run.stderr, /h\.jsonl:3: not JSON/);
    assert.match(run.stdout, /1 created/);
    assert.equal(server.size(), 1, "only the event of the served prefix is published");
  } finally {
    await ws.remove();
    await server.close();
  }
});

Deno.test("publish --resume after a kill sends only what the receipt does not show", async () => {
  const store = await HandleStore.open();
  const handler = createHandleHandler(store, {
    prefix: TEST_PREFIX,
    username: TEST_USER,
    password: TEST_PASSWORD,
    latencyMs: 40,
  });
  let puts = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    if (request.method === "PUT") puts++;
    return handler(request);
  });
  const url = `http://127.0.0.1:${server.addr.port}`;
  const ws = await makeWorkspace({ handleUrl: url, sections: { handle: ["concurrency = 1"] } });
  try {
    const handleFile = await dryRun(ws, 8);
    const child = cliCommand(["-c", ws.config, "publish", handleFile], { cwd: ws.dir }).spawn();
    const dir = join(ws.dir, "outputs", "published");
    const deadline = Date.now() + 60_000;
    let written = 0;
    while (written < 5 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const files = await listFiles(dir);
      if (files.length === 1) {
        written = (await Deno.readTextFile(join(dir, files[0]))).split("\n").length - 1;
      }
    }
    child.kill("SIGKILL");
    await child.output();
    const [first] = await listFiles(dir);
    const done = (await Deno.readTextFile(join(dir, first))).split("\n").filter((l) =>
      l.endsWith("}")
    );
    assert.ok(done.length >= 5 && done.length < 32, `${done.length} handles before the kill`);
    puts = 0;
    const resumed = await runCli(["-c", ws.config, "publish", "--resume", handleFile], {
      cwd: ws.dir,
    });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(puts, 32 - done.length, "only the rest is sent");
    assert.match(resumed.stdout, new RegExp(`${done.length} already published`));
    assert.equal(store.size, 32);
  } finally {
    await ws.remove();
    await server.shutdown();
    await store.close();
  }
});
