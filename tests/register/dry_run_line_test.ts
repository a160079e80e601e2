/**
 * The dry-run line format: what the dry-run registrar writes (both of its paths) is read
 * back whole by `parseDryRunLine` (used by `publish` and `verify`); lines of one event
 * share their event key, per-record marks do not split an event, earlier lines are read.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { recordText } from "../../src/records/mod.ts";
import { jsonlLine, JsonlRegistrar, parseDryRunLine } from "../../src/register/mod.ts";

const file = { handle: "21.T/f1", URL: "https://x/f1", data: { AGGREGATION_LEVEL: "FILE", N: 1 } };
const dataset = { handle: "21.T/d1", URL: "https://x/d1", data: { AGGREGATION_LEVEL: "DATASET" } };

Deno.test("dry-run line round trip through the registrar (register and registerTexts)", async () => {
  const dir = await Deno.makeTempDir();
  const now = (): Date => new Date("2026-01-16T10:00:00Z");
  try {
    const registrar = new JsonlRegistrar(dir, { now });
    await registrar.register([file, dataset], {
      project: "cmip6",
      profile: "main",
      source: { topic: "t", partition: 0, offset: "4" },
    });
    await registrar.registerTexts([file, dataset].map(recordText), {
      project: "cmip6",
      source: { file: "events.jsonl", line: 2 },
    });
    await registrar.close();
    const lines = (await Deno.readTextFile(join(dir, "handles", "handles_2026-01-16.jsonl")))
      .trim().split("\n").map(parseDryRunLine);
    assert.equal(lines.length, 4);
    for (const line of lines) assert.notEqual(typeof line, "string");
    const [a, b, c, d] = lines as Exclude<(typeof lines)[number], string>[];
    assert.deepEqual([a.record, b.record, c.record, d.record], [file, dataset, file, dataset]);
    assert.equal(a.profile, "main");
    assert.equal(c.profile, undefined);
    assert.equal(a.eventKey, b.eventKey);
    assert.equal(c.eventKey, d.eventKey);
    assert.notEqual(a.eventKey, c.eventKey);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("dry-run line: a per-record mark stays with its record and does not split the event", () => {
  const context = { project: "cmip6", source: { topic: "t", partition: 0, offset: "4" } };
  const timestamp = "2026-01-16T10:00:00.000Z";
  const plain = parseDryRunLine(JSON.stringify(jsonlLine(file, { context, timestamp })));
  const marked = parseDryRunLine(JSON.stringify(
    jsonlLine(dataset, { context, timestamp, marks: { retraction: "amend-if-exists" } }),
  ));
  assert.ok(typeof plain !== "string" && typeof marked !== "string");
  assert.deepEqual(marked.marks, { retraction: "amend-if-exists" });
  assert.deepEqual(plain.marks, {});
  assert.equal(plain.eventKey, marked.eventKey);
  assert.deepEqual(marked.record, dataset);
});

Deno.test("dry-run line: earlier lines are read, anything else says why not", () => {
  const earlier = parseDryRunLine(
    JSON.stringify({ ...file, timestamp: "2025-01-01T00:00:00Z", project: "cmip6" }),
  );
  assert.ok(typeof earlier !== "string");
  assert.deepEqual(earlier.record, file);
  assert.equal(parseDryRunLine("{"), "not JSON");
  assert.match(parseDryRunLine('{"handle":"x"}') as string, /not a dry-run line/);
  assert.match(
    parseDryRunLine('{"handle":"21.T/x","URL":"u","data":[]}') as string,
    /data is not an object/,
  );
});
