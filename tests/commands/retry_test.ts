/**
 * End to end: the real CLI's `retry` replays failure and skipped files through the
 * pipeline into the real Handle server over HTTP: retry counts and the
 * `failures/r<N>/` layout, per-file and total summaries, exit codes,
 * `--delete-after`, and skipped events of a STAC outage (served by the test).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { makeCmip6Event, makeCmip6Item, makePatchEvent, testItemId } from "../fixtures/events.ts";
import { datasetHandleOf, itemIdOf, itemOf } from "../fixtures/expected.ts";
import { startStacServer } from "../fixtures/stac_server.ts";
import {
  exists,
  listFiles,
  makeWorkspace,
  readJsonLines,
  resolveHandle,
  runCli,
  startTestHandleServer,
} from "../helpers.ts";

type Event = Record<string, unknown>;

function eventFor(stem: string, member = 1): Event {
  return makeCmip6Event({ files: 1, itemId: testItemId(stem, member) });
}

/** A failure line as `FailureRecorder` writes it. */
function failureLine(event: Event | string, line: number): string {
  const body = typeof event === "string" ? { __raw__: event } : event;
  return JSON.stringify({
    ...body,
    __infos__: {
      failure_timestamp: "2025-01-01T00:00:00.000Z",
      retries: 0,
      reason: "an earlier failure",
      key: typeof event === "string" ? null : itemIdOf(event),
      source: { file: "earlier.jsonl", line },
    },
  });
}

/** The event a failure or skipped line holds. */
function eventOf(line: Record<string, unknown>): unknown {
  return line.__event__;
}

Deno.test("retry: a failure retried twice lands in failures/r2/ with retries 2", async () => {
  const handles = await startTestHandleServer();
  const ws = await makeWorkspace({ handleUrl: handles.url });
  try {
    const valid = eventFor("historical", 1);
    const bad = eventFor("historical", 2);
    (bad.data as { payload: { item: { properties: Record<string, unknown> } } }).payload.item
      .properties["cmip6:pid"] = 5.4;
    await Deno.writeTextFile(
      join(ws.dir, "events.jsonl"),
      `${JSON.stringify(valid)}\n${JSON.stringify(bad)}\n`,
    );
    const mapped = await runCli(["-c", ws.config, "map", "events.jsonl"], { cwd: ws.dir });
    assert.equal(mapped.code, 1, mapped.stderr); // an event failed
    const failures = join(ws.dir, "outputs", "failures");
    const [r0] = await readJsonLines(join(failures, "r0"));
    assert.ok(r0, "no failure in r0");
    assert.deepEqual(r0.__infos__ && (r0.__infos__ as Record<string, unknown>).source, {
      file: "events.jsonl",
      line: 2,
    });

    for (const round of [1, 2]) {
      const from = join("outputs", "failures", `r${round - 1}`);
      const [fromFile] = await listFiles(join(ws.dir, from));
      const retried = await runCli(["-c", ws.config, "retry", from], { cwd: ws.dir });
      assert.equal(retried.code, 1, `round ${round}: ${retried.stderr}`);
      assert.match(
        retried.stdout,
        new RegExp(`${fromFile}: 1 event\\(s\\), 0 succeeded, 1 failed, 0 skipped`),
      );
      const lines = await readJsonLines(join(failures, `r${round}`));
      assert.equal(lines.length, 1, `round ${round}`);
      const infos = lines[0].__infos__ as Record<string, unknown>;
      assert.equal(infos.retries, round);
      assert.equal(infos.key, itemIdOf(bad));
      assert.match(String(infos.reason), /cmip6:pid.*5\.4/);
      assert.deepEqual(infos.source, { file: join(from, fromFile), line: 1 });
      assert.deepEqual(eventOf(lines[0]), bad, "the event is carried unchanged");
    }
    assert.deepEqual(await listFiles(failures), ["r0", "r1", "r2"]);
    assert.equal(handles.size(), 2, "only the valid event is registered");
    // The three lines, one per run, record one event: it is replayed and counted once.
    const all = await runCli(["-c", ws.config, "retry", join("outputs", "failures")], {
      cwd: ws.dir,
    });
    assert.equal(all.code, 1, all.stderr);
    assert.match(all.stdout, /retry: total 1 event\(s\), 0 succeeded, 1 failed/);
    assert.equal(all.stdout.match(/1 duplicate line\(s\) left out/g)?.length, 2, all.stdout);
  } finally {
    await handles.close();
    await ws.remove();
  }
});

Deno.test("retry: per-file and total summaries, exit 1 when anything failed, a file with malformed lines is kept", async () => {
  const handles = await startTestHandleServer();
  const ws = await makeWorkspace({ handleUrl: handles.url });
  try {
    const events = [1, 2, 3].map((m) => eventFor("piControl", m));
    await Deno.mkdir(join(ws.dir, "in"));
    const good = join("in", "failed_items_a.jsonl");
    const mixed = join("in", "failed_items_b.jsonl");
    await Deno.writeTextFile(
      join(ws.dir, good),
      [failureLine(events[0], 1), failureLine(events[1], 2)].join("\n") + "\n",
    );
    await Deno.writeTextFile(
      join(ws.dir, mixed),
      [failureLine(events[2], 3), '{"data": {"payload": broken', failureLine("{not json", 5)]
        .join("\n") + "\n",
    );
    const run = await runCli(["-c", ws.config, "retry", "--delete-after", "in"], {
      cwd: ws.dir,
    });
    assert.equal(run.code, 1, run.stderr);
    const lines = run.stdout.split("\n").filter((l) => l.startsWith("retry: "));
    assert.deepEqual(lines, [
      `retry: ${good}: 2 event(s), 2 succeeded, 0 failed, 0 skipped, deleted`,
      `retry: ${mixed}: 3 event(s), 1 succeeded, 2 failed, 0 skipped`,
      "retry: total 5 event(s), 3 succeeded, 2 failed, 0 skipped (60.0% success)",
    ]);
    assert.equal(await exists(join(ws.dir, good)), false, "the all-good file is not deleted");
    assert.equal(await exists(join(ws.dir, mixed)), true, "the file with failures is deleted");
    for (const event of events) {
      assert.ok(await resolveHandle(handles.url, datasetHandleOf(itemOf(event))), itemIdOf(event));
    }
    const again = await readJsonLines(join(ws.dir, "outputs", "failures", "r1"));
    const bySource = new Map(again.map((f) => {
      const infos = f.__infos__ as { source: { file: string; line: number }; retries: number };
      assert.equal(infos.retries, 1);
      return [`${infos.source.file}:${infos.source.line}`, f];
    }));
    assert.deepEqual([...bySource.keys()].sort(), [`${mixed}:2`, `${mixed}:3`]);
    assert.equal(bySource.get(`${mixed}:2`)!.__raw__, '{"data": {"payload": broken');
    assert.equal(bySource.get(`${mixed}:3`)!.__raw__, "{not json", "the raw text is restored");

    const clean = join("in", "failed_items_c.jsonl");
    await Deno.writeTextFile(join(ws.dir, clean), failureLine(eventFor("amip", 1), 1) + "\n");
    const ok = await runCli(["-c", ws.config, "retry", clean], { cwd: ws.dir });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(
      ok.stdout,
      /retry: total 1 event\(s\), 1 succeeded, 0 failed, 0 skipped \(100\.0% success\)/,
    );
    assert.equal(await exists(join(ws.dir, clean)), true, "deleted without --delete-after");
  } finally {
    await handles.close();
    await ws.remove();
  }
});

Deno.test("retry: events skipped in a STAC outage are registered once it is back; --delete-after removes the file", async () => {
  const item = makeCmip6Item({
    files: 2,
    itemId: "CMIP6.CMIP.TEST-INST.TEST-ESM1-0.historical.r5i1p1f1.Amon.pr.gn.v20240101",
  });
  const stac = startStacServer([item], { unavailable: true });
  const handles = await startTestHandleServer();
  const ws = await makeWorkspace({ handleUrl: handles.url, stacUrl: stac.url });
  try {
    const patch = makePatchEvent(String(item.id), [
      { op: "add", path: "/properties/retracted", value: true },
    ], { time: "2025-06-01T12:00:00" });
    await Deno.writeTextFile(join(ws.dir, "patch.json"), JSON.stringify(patch));
    const skippedDir = join(ws.dir, "outputs", "skipped");

    const stopped = await runCli(["-c", ws.config, "map", "patch.json"], { cwd: ws.dir });
    assert.equal(stopped.code, 3, stopped.stderr);
    assert.match(stopped.stderr, /stopped: .*503/);
    assert.deepEqual(await readJsonLines(join(ws.dir, "outputs")), [], "something was recorded");

    const forced = await runCli(["-c", ws.config, "map", "--force", "patch.json"], {
      cwd: ws.dir,
    });
    assert.equal(forced.code, 1, forced.stderr); // the event was skipped
    const [skippedFile] = await listFiles(skippedDir);
    assert.match(skippedFile ?? "", /^skipped_items_\d{4}-\d{2}-\d{2}\.jsonl$/);
    const skipped = await readJsonLines(skippedDir);
    assert.equal(skipped.length, 1);
    const infos = skipped[0].__infos__ as Record<string, unknown>;
    assert.equal(infos.retries, 0);
    assert.equal(infos.attempts, 2, "retries = 1: two attempts");
    assert.equal(infos.key, item.id);
    assert.deepEqual(infos.source, { file: "patch.json", line: 1 });
    assert.match(String(infos.reason), /TRANSIENT.*503/);
    assert.ok(Date.parse(String(infos.skip_timestamp)));
    assert.deepEqual(eventOf(skipped[0]), patch);
    assert.equal(handles.size(), 0);

    const relative = join("outputs", "skipped", skippedFile);
    const stillDown = await runCli(["-c", ws.config, "retry", "--delete-after", relative], {
      cwd: ws.dir,
    });
    assert.equal(stillDown.code, 3, stillDown.stderr);
    assert.equal((await readJsonLines(skippedDir)).length, 1, "the skipped file changed");

    stac.unavailable = false;
    const retried = await runCli(["-c", ws.config, "retry", "--delete-after", relative], {
      cwd: ws.dir,
    });
    assert.equal(retried.code, 0, retried.stderr);
    assert.match(retried.stdout, /1 event\(s\), 1 succeeded, 0 failed, 0 skipped, deleted/);
    assert.equal(await exists(join(ws.dir, relative)), false, "the skipped file is kept");
    const dataset = await resolveHandle(handles.url, datasetHandleOf(item));
    assert.ok(dataset, "the dataset is not registered");
    assert.equal(dataset.RETRACTED_ON, "2025-06-01T12:00:00Z");
    assert.equal(handles.size(), 3);
    assert.ok(
      stac.requests.includes(`/collections/CMIP6/items/${item.id}`),
      stac.requests.join(", "),
    );
  } finally {
    await stac.stop();
    await handles.close();
    await ws.remove();
  }
});

Deno.test("retry replays exactly what failed: an event's own __raw__ is not taken for bookkeeping; --delete-after keeps its file", async () => {
  const handles = await startTestHandleServer();
  const ws = await makeWorkspace({ handleUrl: handles.url });
  try {
    const embedded = eventFor("spoofed", 1);
    const bad = eventFor("spoofed", 2);
    (bad.data as { payload: { item: { properties: Record<string, unknown> } } }).payload.item
      .properties["cmip6:pid"] = 5.4;
    const hostile = { ...bad, __raw__: JSON.stringify(embedded) };
    await Deno.writeTextFile(join(ws.dir, "events.jsonl"), JSON.stringify(hostile) + "\n");
    const mapped = await runCli(["-c", ws.config, "map", "events.jsonl"], { cwd: ws.dir });
    assert.equal(mapped.code, 1, mapped.stderr); // an event failed
    const r0 = join("outputs", "failures", "r0");
    const [file] = await listFiles(join(ws.dir, r0));
    const retried = await runCli(["-c", ws.config, "retry", "--delete-after", r0], {
      cwd: ws.dir,
    });
    assert.equal(retried.code, 1, retried.stderr);
    assert.match(retried.stdout, /1 event\(s\), 0 succeeded, 1 failed, 0 skipped\n/);
    assert.equal(await exists(join(ws.dir, r0, file)), true, "the failure file was deleted");
    assert.equal(handles.size(), 0, "the embedded event was registered");
    const [again] = await readJsonLines(join(ws.dir, "outputs", "failures", "r1"));
    assert.deepEqual(eventOf(again), hostile, "the event is carried whole");
  } finally {
    await handles.close();
    await ws.remove();
  }
});

Deno.test("retry: an event recorded twice (read again after a stop) is replayed and counted once", async () => {
  const handles = await startTestHandleServer();
  const ws = await makeWorkspace({ handleUrl: handles.url });
  try {
    const events = [1, 2].map((m) => eventFor("twice", m));
    await Deno.mkdir(join(ws.dir, "in"));
    // the first event's line is in both files and twice in the first (two layouts)
    const first = join("in", "failed_items_a.jsonl");
    const second = join("in", "failed_items_b.jsonl");
    const newLayout = JSON.stringify({
      __infos__: {
        format: 2,
        retries: 0,
        reason: "x",
        key: itemIdOf(events[0]),
        source: { file: "earlier.jsonl", line: 1 },
      },
      __event__: events[0],
    });
    await Deno.writeTextFile(
      join(ws.dir, first),
      [failureLine(events[0], 1), newLayout, failureLine(events[1], 2)].join("\n") + "\n",
    );
    await Deno.writeTextFile(join(ws.dir, second), failureLine(events[0], 1) + "\n");
    const run = await runCli(["-c", ws.config, "retry", "--delete-after", "in"], { cwd: ws.dir });
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.split("\n").filter((l) => l.startsWith("retry: "));
    assert.deepEqual(lines, [
      `retry: ${first}: 2 event(s), 2 succeeded, 0 failed, 0 skipped, 1 duplicate line(s) left out, deleted`,
      `retry: ${second}: 0 event(s), 0 succeeded, 0 failed, 0 skipped, 1 duplicate line(s) left out, deleted`,
      "retry: total 2 event(s), 2 succeeded, 0 failed, 0 skipped (100.0% success)",
    ]);
    assert.equal(handles.size(), 2 * 2);
  } finally {
    await handles.close();
    await ws.remove();
  }
});

Deno.test("an event that failed is not recorded again when a transient stop makes the next run read it again", async () => {
  const item = makeCmip6Item({ files: 1, itemId: testItemId("again", 1) });
  const stac = startStacServer([item], { unavailable: true });
  const ws = await makeWorkspace({ stacUrl: stac.url });
  try {
    const bad = eventFor("again", 2);
    (bad.data as { payload: { item: { properties: Record<string, unknown> } } }).payload.item
      .properties["cmip6:pid"] = 5.4;
    const patch = makePatchEvent(String(item.id), [
      { op: "add", path: "/properties/retracted", value: true },
    ]);
    await Deno.writeTextFile(
      join(ws.dir, "events.jsonl"),
      `${JSON.stringify(bad)}\n${JSON.stringify(patch)}\n`,
    );
    for (const run of [1, 2]) {
      const stopped = await runCli(["-c", ws.config, "map", "--dry-run", "events.jsonl"], {
        cwd: ws.dir,
      });
      assert.equal(stopped.code, 3, `run ${run}: ${stopped.stderr}`);
      assert.match(
        stopped.stderr,
        /failed: .*cmip6:pid/,
        `run ${run} did not fail the event again`,
      );
    }
    const failures = await readJsonLines(join(ws.dir, "outputs", "failures", "r0"));
    assert.equal(failures.length, 1, "the failure was recorded twice");
    assert.deepEqual(eventOf(failures[0]), bad);
  } finally {
    await stac.stop();
    await ws.remove();
  }
});
