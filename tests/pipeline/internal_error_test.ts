/**
 * A bug of ours (here a plugin whose mapping throws a TypeError, written for the
 * case: no input can make the real one do so) ends in a failure record
 * "internal error: …" that keeps the event; the run goes on.
 */

import assert from "node:assert/strict";
import type { KeyedEvent, Outcome } from "../../src/events/mod.ts";
import { FailureRecorder, SkipRecorder } from "../../src/outcome/mod.ts";
import { Pipeline, routerOf } from "../../src/pipeline/mod.ts";
import type { ProjectPlugin } from "../../src/projects/types.ts";
import { createPlugin } from "../../src/projects/mod.ts";
import type { HandleRecord, MappedEvent } from "../../src/records/mod.ts";
import { Stats } from "../../src/stats/mod.ts";
import { makeCmip6Event, testItemId } from "../fixtures/events.ts";
import { readJsonLines } from "../helpers.ts";

Deno.test("an internal error is a failure record that keeps the event; the next event goes on", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const real = createPlugin("cmip6");
    const buggy: ProjectPlugin = {
      ...real,
      map(item, context): MappedEvent {
        if (String(item.id).includes(".r1i1p1f1.")) {
          throw new TypeError(`Cannot read properties of undefined (reading '${"x".repeat(500)}')`);
        }
        return real.map(item, context);
      },
    };
    const registered: string[] = [];
    const acks: Outcome[] = [];
    const values = [1, 2].map((n) =>
      JSON.stringify(makeCmip6Event({ files: 1, itemId: testItemId("bug", n) }))
    );
    const events: KeyedEvent[] = values.map((value, i) => ({
      key: null,
      value,
      source: { file: "mem", line: i + 1 },
      retries: 0,
      ack: (outcome) => acks.push(outcome),
    }));
    const failures = new FailureRecorder(dir);
    const registrar = {
      register(records: HandleRecord[]): Promise<void> {
        registered.push(...records.map((r) => r.handle));
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    };
    const pipeline = new Pipeline({
      router: routerOf([{ plugin: buggy, registrar, prefix: "21.TEST" }]),
      failures,
      skipped: new SkipRecorder(dir),
      force: false,
      maxErrors: -1,
      concurrency: 1,
      stats: new Stats(),
    });
    const result = await pipeline.run((async function* (): AsyncGenerator<KeyedEvent> {
      yield* events;
    })());
    await failures.close();
    assert.equal(result.stop, undefined);
    assert.deepEqual(acks, ["failed", "registered"]);
    assert.equal(registered.length, 2);
    const [line] = await readJsonLines(dir);
    const reason = String((line.__infos__ as Record<string, unknown>).reason);
    assert.match(reason, /^internal error: Cannot read properties of undefined/);
    assert.ok(reason.length <= 300);
    assert.deepEqual(line.__event__, JSON.parse(values[0]), "the event is kept");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
