/**
 * End to end: the real CLI's `map` runs event files (.json, .jsonl, directories,
 * glob patterns) through the pipeline into the real Handle server over HTTP, or
 * into `outputs/handles/` with `--dry-run`; `--dump` and `preflight_stac`.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { makeCmip6Events } from "../fixtures/events.ts";
import { expectedRecords } from "../fixtures/expected.ts";
import { startStacServer } from "../fixtures/stac_server.ts";
import {
  listFiles,
  makeWorkspace,
  readJsonLines,
  resolveHandle,
  runCli,
  startTestHandleServer,
  summaryCount,
  type Workspace,
} from "../helpers.ts";

type Event = Record<string, unknown>;

async function writeFiles(ws: Workspace, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    const full = join(ws.dir, path);
    await Deno.mkdir(join(full, ".."), { recursive: true });
    await Deno.writeTextFile(full, text);
  }
}

function jsonl(...lines: Array<Event | string>): string {
  return lines.map((l) => typeof l === "string" ? l : JSON.stringify(l)).join("\n") + "\n";
}

function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

Deno.test("map: .json, .jsonl, a directory and a glob register every record; failures name file:line", async () => {
  const handles = await startTestHandleServer();
  const ws = await makeWorkspace({ handleUrl: handles.url });
  try {
    const events = makeCmip6Events(8, "historical", { files: 2 });
    const noPayload = { data: { type: "STAC" }, metadata: {} };
    await writeFiles(ws, {
      "single.json": JSON.stringify(events[0], null, 2),
      "batch.jsonl": jsonl(events[1], "", "{not json", events[2]),
      "dir/nested/one.json": JSON.stringify(events[3]),
      "dir/two.jsonl": jsonl(events[4], noPayload),
      "dir/notes.txt": "not an event file",
      "globbed/a.jsonl": jsonl(events[5]),
      "globbed/b.jsonl": jsonl(events[6]),
      "globbed/c.json": JSON.stringify(events[7]),
    });
    const run = await runCli(
      ["-c", ws.config, "map", "single.json", "batch.jsonl", "dir", "globbed/*.jsonl"],
      { cwd: ws.dir },
    );
    assert.equal(run.code, 1, run.stderr); // two events failed
    assert.equal(summaryCount(run.stderr, "messages"), 9);
    assert.equal(summaryCount(run.stderr, "errors"), 2);

    const registered = events.slice(0, 7);
    for (const event of registered) {
      for (const [handle, fields] of expectedRecords(event)) {
        const got = await resolveHandle(handles.url, handle);
        assert.ok(got, `${handle} is not registered`);
        for (const [field, value] of Object.entries(fields)) {
          assert.equal(got[field], value, `${handle} ${field}`);
        }
      }
    }
    const [notMatched] = [...expectedRecords(events[7]).keys()].slice(-1);
    assert.equal(
      await resolveHandle(handles.url, notMatched),
      undefined,
      "globbed/c.json does not match globbed/*.jsonl",
    );
    assert.equal(handles.size(), 7 * 3);

    const failures = await readJsonLines(join(ws.dir, "outputs", "failures", "r0"));
    const bySource = new Map(failures.map((f) => {
      const infos = f.__infos__ as { source: { file: string; line: number } };
      return [`${infos.source.file}:${infos.source.line}`, f];
    }));
    assert.deepEqual(
      [...bySource.keys()].sort(),
      ["batch.jsonl:3", `${join("dir", "two.jsonl")}:2`].sort(),
    );
    const notJson = bySource.get("batch.jsonl:3")!;
    assert.equal(notJson.__raw__, "{not json");
    assert.match(String((notJson.__infos__ as { reason: string }).reason), /not JSON/);
    const missing = bySource.get(`${join("dir", "two.jsonl")}:2`)!;
    assert.deepEqual(missing.__event__, noPayload, "the event is kept as read");
    assert.match(String((missing.__infos__ as { reason: string }).reason), /data\.payload/);
    for (const failure of failures) {
      const infos = failure.__infos__ as Record<string, unknown>;
      assert.equal(infos.retries, 0);
      assert.ok(Date.parse(String(infos.failure_timestamp)));
    }
  } finally {
    await handles.close();
    await ws.remove();
  }
});

Deno.test("map --dry-run writes one line per record to outputs/handles/handles_<date>.jsonl", async () => {
  // no Handle server: the default handle URL of the workspace refuses connections
  const ws = await makeWorkspace();
  try {
    const events = makeCmip6Events(2, "piControl", { files: 2 });
    await writeFiles(ws, { "events.jsonl": jsonl(...events) });
    const before = new Date();
    const run = await runCli(["-c", ws.config, "map", "--dry-run", "events.jsonl"], {
      cwd: ws.dir,
    });
    const after = new Date();
    assert.equal(run.code, 0, run.stderr);
    const dir = join(ws.dir, "outputs", "handles");
    const names = await listFiles(dir);
    assert.equal(names.length, 1, `files: ${names.join(", ")}`);
    assert.ok(
      [utcDay(before), utcDay(after)].some((day) => names[0] === `handles_${day}.jsonl`),
      names[0],
    );
    const lines = await readJsonLines(dir);
    assert.equal(lines.length, 2 * 3);
    const expected = events.flatMap((event, index) =>
      [...expectedRecords(event)].map(([handle, fields]) => ({ handle, fields, line: index + 1 }))
    );
    // files of an event first, then its dataset; events in file order
    assert.deepEqual(lines.map((l) => l.handle), expected.map((e) => e.handle));
    for (const [i, line] of lines.entries()) {
      assert.deepEqual(Object.keys(line).sort(), [
        "URL",
        "data",
        "file",
        "handle",
        "line",
        "profile",
        "project",
        "timestamp",
      ]);
      const { URL, ...data } = expected[i].fields;
      assert.equal(line.URL, URL);
      const got = Object.fromEntries(
        Object.entries(line.data as Record<string, unknown>).map((
          [k, v],
        ) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
      );
      assert.deepEqual(got, data, `${line.handle} data`);
      assert.equal(line.project, "cmip6");
      assert.equal(line.profile, "default", "the [handle] table is the profile named default");
      assert.equal(line.file, "events.jsonl");
      assert.equal(line.line, expected[i].line);
      const stamp = Date.parse(String(line.timestamp));
      assert.ok(stamp >= before.getTime() && stamp <= after.getTime(), String(line.timestamp));
    }
    assert.deepEqual(await listFiles(join(ws.dir, "outputs", "failures")), []);
  } finally {
    await ws.remove();
  }
});

Deno.test("map --dump writes every raw event, valid or not, to outputs/dump/dump_messages_<date>.jsonl", async () => {
  const ws = await makeWorkspace();
  try {
    const events = makeCmip6Events(2, "amip", { files: 1 });
    await writeFiles(ws, {
      "pretty.json": JSON.stringify(events[0], null, 2),
      "more.jsonl": jsonl("{not json", events[1]),
    });
    const before = new Date();
    const run = await runCli(
      ["-c", ws.config, "map", "--dry-run", "--dump", "pretty.json", "more.jsonl"],
      { cwd: ws.dir },
    );
    const after = new Date();
    assert.equal(run.code, 1, run.stderr); // the invalid event failed
    const dir = join(ws.dir, "outputs", "dump");
    const names = await listFiles(dir);
    assert.equal(names.length, 1, `files: ${names.join(", ")}`);
    assert.ok(
      [utcDay(before), utcDay(after)].some((day) => names[0] === `dump_messages_${day}.jsonl`),
      names[0],
    );
    const lines = (await Deno.readTextFile(join(dir, names[0]))).split("\n").filter((l) => l);
    assert.equal(lines.length, 3);
    const byText = new Set(lines);
    // a multi-line .json event becomes one compact line; text that is not JSON is kept as is
    assert.ok(byText.has(JSON.stringify(events[0])), "pretty.json is not dumped compactly");
    assert.ok(byText.has("{not json"));
    assert.ok(byText.has(JSON.stringify(events[1])));
    for (const line of lines.filter((l) => l !== "{not json")) {
      assert.equal(JSON.parse(line).__infos__, undefined, "dump lines carry no __infos__");
    }
    // the records are still written (dump is in addition to processing)
    assert.equal((await readJsonLines(join(ws.dir, "outputs", "handles"))).length, 2 * 2);
    assert.equal((await readJsonLines(join(ws.dir, "outputs", "failures"))).length, 1);
  } finally {
    await ws.remove();
  }
});

Deno.test("map: preflight_stac = true with the STAC API down refuses to start (exit 3) unless --force", async () => {
  const stac = startStacServer([]);
  await stac.stop();
  const ws = await makeWorkspace({
    stacUrl: stac.url,
    sections: { "consumer.transient": ["preflight_stac = true"] },
  });
  try {
    const events = makeCmip6Events(1, "abrupt", { files: 1 });
    await writeFiles(ws, { "events.jsonl": jsonl(...events) });
    const handlesDir = join(ws.dir, "outputs", "handles");

    const refused = await runCli(["-c", ws.config, "map", "--dry-run", "events.jsonl"], {
      cwd: ws.dir,
    });
    assert.equal(refused.code, 3, refused.stderr);
    assert.match(refused.stderr, /preflight/);
    assert.match(refused.stderr, /--force/);
    assert.equal((await readJsonLines(handlesDir)).length, 0, "records written before preflight");

    stac.unavailable = true;
    stac.restart();
    const unavailable = await runCli(["-c", ws.config, "map", "--dry-run", "events.jsonl"], {
      cwd: ws.dir,
    });
    assert.equal(unavailable.code, 3, unavailable.stderr);
    assert.match(unavailable.stderr, /503/);
    assert.deepEqual(stac.requests, ["/"], "the preflight probes the landing page once");
    assert.equal((await readJsonLines(handlesDir)).length, 0);

    const forced = await runCli(
      ["-c", ws.config, "map", "--dry-run", "--force", "events.jsonl"],
      { cwd: ws.dir },
    );
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal((await readJsonLines(handlesDir)).length, 2);

    stac.unavailable = false;
    const up = await runCli(["-c", ws.config, "map", "--dry-run", "events.jsonl"], {
      cwd: ws.dir,
    });
    assert.equal(up.code, 0, up.stderr);
    assert.equal(stac.requests.at(-1), "/");
    assert.equal((await readJsonLines(handlesDir)).length, 4);
  } finally {
    await stac.stop();
    await ws.remove();
  }
});
