/**
 * End to end: the real CLI's `verify` checks, on the real handle-server over HTTP, the
 * records that an events file, a dry-run handle file or the real Kafka topic must have
 * produced: a clean run is clean; a deleted handle, a changed field and a missing part,
 * injected on the server, are found.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { recordLine } from "../../src/outcome/mod.ts";
import { basicAuth } from "../../src/register/mod.ts";
import { makeCmip6Events } from "../fixtures/events.ts";
import {
  listFiles,
  produce,
  runCli,
  startKafkaServices,
  TEST_PASSWORD,
  TEST_USER,
  type Workspace,
} from "../helpers.ts";

const AUTH = { Authorization: basicAuth(TEST_USER, TEST_PASSWORD) };

type Value = { index: number; type: string; data: { format: string; value: unknown } };

/** Rewrites a handle's record on the server. */
async function edit(
  url: string,
  handle: string,
  change: (values: Value[]) => Value[],
): Promise<void> {
  const record = await (await fetch(`${url}/api/handles/${handle}`)).json() as { values: Value[] };
  const response = await fetch(`${url}/api/handles/${handle}?overwrite=true`, {
    method: "PUT",
    headers: { ...AUTH, "Content-Type": "application/json" },
    body: JSON.stringify({ values: change(record.values) }),
  });
  assert.equal(response.status, 200, await response.text());
}

async function remove(url: string, handle: string): Promise<void> {
  const response = await fetch(`${url}/api/handles/${handle}`, { method: "DELETE", headers: AUTH });
  assert.equal(response.status, 200, await response.text());
}

/** The dataset and file handles of the first event, from the dry-run output. */
async function handlesOf(ws: Workspace): Promise<{ dataset: string; files: string[] }> {
  const dir = join(ws.dir, "outputs", "handles");
  const [file] = await listFiles(dir);
  const lines = (await Deno.readTextFile(join(dir, file))).trim().split("\n").map((l) =>
    JSON.parse(l) as { handle: string; data: { AGGREGATION_LEVEL: string } }
  );
  const dataset = lines.find((l) => l.data.AGGREGATION_LEVEL === "DATASET")!.handle;
  const files = lines.slice(0, lines.findIndex((l) => l.handle === dataset)).map((l) => l.handle);
  return { dataset, files };
}

interface JsonReport {
  summary: Record<string, number>;
  handles: {
    handle: string;
    status: string;
    differences: { field: string; expected: string | null; found: string | null }[];
    extraParts: string[];
    missingParts: string[];
  }[];
}

Deno.test("verify: events file, dry-run file and topic; clean, then injected faults found", async () => {
  const services = await startKafkaServices();
  const { ws, handles: server, kafka } = services;
  try {
    const events = makeCmip6Events(3, "verify", { files: 2 });
    const text = events.map((e) => JSON.stringify(e)).join("\n") + "\n";
    await Deno.writeTextFile(join(ws.dir, "events.jsonl"), text);
    const cli = (...args: string[]) => runCli(["-c", ws.config, ...args], { cwd: ws.dir });
    assert.equal((await cli("map", "--dry-run", "events.jsonl")).code, 0);
    const mapped = await cli("map", "events.jsonl");
    assert.equal(mapped.code, 0, mapped.stderr);
    assert.equal(server.size(), 9);
    await produce(
      kafka.bootstrap,
      ws.topic,
      events.map((e, i) => ({
        key: `k${i}`,
        value: JSON.stringify(e),
      })),
    );
    const dryFile = join(
      "outputs",
      "handles",
      (await listFiles(join(ws.dir, "outputs", "handles")))[0],
    );

    for (const args of [["events.jsonl"], [dryFile], ["--topic"]]) {
      const clean = await cli("verify", ...args);
      assert.equal(clean.code, 0, `${args}: ${clean.stdout}${clean.stderr}`);
      assert.match(
        clean.stdout,
        /verify: 9 handle\(s\) from (3|9) input\(s\): 9 ok, 0 missing, 0 different/,
      );
    }
    // A skipped line of the earlier layout and one as this version writes it.
    const earlierLine = { ...events[0], __infos__: { reason: "TRANSIENT x", retries: 1 } };
    const currentLine = recordLine({
      key: "k1",
      value: JSON.stringify(events[1]),
      source: { topic: ws.topic, partition: 0, offset: "1" },
      retries: 0,
      ack: () => {},
    }, {
      skip_timestamp: new Date().toISOString(),
      retries: 0,
      reason: "TRANSIENT x",
      attempts: 3,
      key: "k1",
      source: { topic: ws.topic, partition: 0, offset: "1" },
    });
    await Deno.writeTextFile(
      join(ws.dir, "skipped.jsonl"),
      `${JSON.stringify(earlierLine)}\n${JSON.stringify(currentLine)}\n`,
    );
    const fromSkipped = await cli("verify", "skipped.jsonl");
    assert.equal(fromSkipped.code, 0, fromSkipped.stderr);
    assert.match(fromSkipped.stdout, /verify: 6 handle\(s\) from 2 input\(s\): 6 ok/);
    // An input that cannot be verified is no success.
    await Deno.writeTextFile(join(ws.dir, "bad.jsonl"), "not an event\n");
    const unverifiable = await cli("verify", "skipped.jsonl", "bad.jsonl");
    assert.equal(unverifiable.code, 1, unverifiable.stderr);
    assert.match(unverifiable.stdout, /6 ok, 0 missing, 0 different, 1 input\(s\) not verifiable/);
    assert.match(unverifiable.stderr, /not verifiable: bad\.jsonl:1: /);
    const future = await cli("verify", "--topic", "--since", "2999-01-01T00:00:00Z");
    assert.equal(future.code, 0, future.stderr);
    assert.match(future.stdout, /verify: 0 handle\(s\) from 0 input\(s\)/);

    const { dataset, files } = await handlesOf(ws);
    await remove(server.url, files[0]);
    await edit(
      server.url,
      files[1],
      (values) =>
        values.map((v) =>
          v.type === "CHECKSUM" ? { ...v, data: { format: "string", value: "tampered" } } : v
        ),
    );
    await edit(server.url, dataset, (values) =>
      values.map((v) => {
        if (v.type !== "HAS_PARTS") return v;
        const parts = JSON.parse(v.data.value as string) as string[];
        return {
          ...v,
          data: { format: "string", value: JSON.stringify([parts[1], "hdl:21.TEST/x"]) },
        };
      }));

    for (const args of [["events.jsonl"], ["--topic"]]) {
      const run = await cli("verify", "--format", "json", ...args);
      assert.equal(run.code, 1, `${args}: ${run.stderr}`);
      const report = JSON.parse(run.stdout) as JsonReport;
      assert.deepEqual(report.summary, {
        inputs: 3,
        handles: 9,
        ok: 6,
        missing: 1,
        different: 2,
        unverifiable: 0,
      });
      const by = new Map(report.handles.map((h) => [h.handle, h]));
      assert.equal(by.get(files[0])?.status, "missing");
      const changed = by.get(files[1])!;
      assert.equal(changed.status, "different");
      assert.equal(changed.differences.length, 1);
      assert.equal(changed.differences[0].field, "CHECKSUM");
      assert.equal(changed.differences[0].found, "tampered");
      const ds = by.get(dataset)!;
      assert.deepEqual(ds.missingParts, [`hdl:${files[0]}`]);
      assert.deepEqual(ds.extraParts, ["hdl:21.TEST/x"]);
      assert.deepEqual(ds.differences, []);
    }
    const text_ = await cli("verify", "events.jsonl");
    assert.equal(text_.code, 1);
    assert.match(text_.stdout, new RegExp(`^missing ${files[0]}$`, "m"));
    assert.match(text_.stdout, /: CHECKSUM: expected ".+", found "tampered"/);
    assert.match(text_.stdout, /HAS_PARTS: extra hdl:21\.TEST\/x/);
    assert.match(text_.stdout, /HAS_PARTS: missing hdl:/);
  } finally {
    await services.stop();
  }
});
