/**
 * `consume` and the other outages of issue 20, end to end: a broker that goes away under
 * `--idle-timeout` (a broker of the test's own, killed), a full output folder, and
 * `on_outage = "stop"` (the Python tool's exit 3).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { expectedRecords, itemIdOf } from "../fixtures/expected.ts";
import { makeCmip6Events } from "../fixtures/events.ts";
import {
  listFiles,
  makeWorkspace,
  produce,
  startKafkaServices,
  startTestHandleServer,
  summaryCount,
} from "../helpers.ts";
import { startKafkaBroker } from "../../tools/kafka/broker.ts";
import { fill, mountTmpfs } from "../outcome/tmpfs.ts";
import { pause, startConsume, until } from "./outage_support.ts";

const kafkaTest = { sanitizeOps: false, sanitizeResources: false };

/** Quick probes for the tests: the first after 0.2 s, then at most every 1 s. */
const PROBES = ["probe_initial = 0.2", "probe_max = 1.0"];

function messages(events: Record<string, unknown>[]): Array<{ key: string; value: string }> {
  return events.map((e) => ({ key: itemIdOf(e), value: JSON.stringify(e) }));
}

function handleCount(events: Record<string, unknown>[]): number {
  return events.reduce((n, e) => n + expectedRecords(e).size, 0);
}

for (const client of ["kafkajs", "platformatic"]) {
  Deno.test(
    `consume --idle-timeout (${client}): a broker gone is not idle; exit 3 once kafka.connect_timeout has passed`,
    kafkaTest,
    async () => {
      // A broker of this test alone: it is killed. On @platformatic/kafka the offset commits and
      // the close that would wait on the broker for ever are bounded (src/kafka/bounded.ts).
      const broker = await startKafkaBroker();
      let stopped = false;
      const handles = await startTestHandleServer({ latencyMs: 20 });
      const ws = await makeWorkspace({
        bootstrap: broker.bootstrap,
        handleUrl: handles.url,
        sections: { kafka: ["connect_timeout = 10"], consumer: [`kafka_client = "${client}"`] },
      });
      try {
        const events = makeCmip6Events(30, "broker", { files: 1 });
        await produce(broker.bootstrap, ws.topic, messages(events));
        const run = startConsume(ws.config, { cwd: ws.dir, args: ["--idle-timeout", "3"] });
        try {
          await until(() => handles.size() >= handleCount(events), "the events registered");
          await broker.stop();
          stopped = true;
          // Three idle timeouts later the run is still there: the broker's absence is no idle topic.
          await pause(9_000);
          assert.equal(run.ended(), false, "exited while the broker was away");
          // connect_timeout (10 s) after a 15 s fetch gap, and a close bounded at 10 s
          let timer: ReturnType<typeof setTimeout> | undefined;
          const ended = await Promise.race([
            run.done,
            new Promise<undefined>((resolve) =>
              timer = setTimeout(() => resolve(undefined), 60_000)
            ),
          ]);
          clearTimeout(timer);
          assert.ok(ended, "still running 69 s after the broker went away");
          const { code, stderr } = ended;
          assert.equal(code, 3, stderr);
          assert.match(stderr, /connect_timeout/);
        } finally {
          await run.stop();
        }
      } finally {
        if (!stopped) await broker.stop();
        await handles.close();
        await ws.remove();
      }
    },
  );
}

Deno.test(
  "consume: a full output folder holds the failed events unacknowledged (one line naming the path), no torn line; written once there is room",
  kafkaTest,
  async () => {
    const { kafka, handles, ws, stop } = await startKafkaServices({
      workspace: { sections: { "consumer.transient": PROBES } },
    });
    const outputs = join(ws.dir, "outputs");
    // As root: a 64 KiB tmpfs, filled up; else a folder without write permission.
    const tmpfs = await mountTmpfs("64k", { at: outputs });
    let unblock: () => Promise<void>;
    if (tmpfs) {
      const filler = await fill(outputs);
      unblock = () => Deno.remove(filler);
    } else {
      await Deno.mkdir(outputs, { recursive: true });
      await Deno.chmod(outputs, 0o500);
      unblock = () => Deno.chmod(outputs, 0o700);
    }
    try {
      const good = makeCmip6Events(3, "roomy", { files: 1 });
      const bad = [1, 2, 3].map((n) => ({
        key: `bad-${n}`,
        value: `{not json ${"x".repeat(3000)}`,
      }));
      await produce(kafka.bootstrap, ws.topic, [...messages(good), ...bad]);
      const run = startConsume(ws.config, { cwd: ws.dir, args: ["--idle-timeout", "4"] });
      try {
        await until(() => handles.size() >= handleCount(good), "the good events registered");
        await until(async () => (await run.ready()).waiting.length > 0, "waiting named");
        const ready = await run.ready();
        assert.equal(ready.status, 503);
        assert.equal(ready.waiting[0].dependency, "output folder");
        assert.ok(
          ready.waiting[0].reason.includes(join(outputs, "failures")),
          ready.waiting[0].reason,
        );
        await pause(2_000);
        assert.equal(run.ended(), false);
        await unblock();
        const { code, stderr } = await run.done;
        assert.equal(code, 0, stderr);
        assert.equal(summaryCount(stderr, "errors"), 3);
        assert.match(stderr, /waiting for output folder since .*cannot write /);
        const dir = join(outputs, "failures", "r0");
        const [file] = await listFiles(dir);
        const text = await Deno.readTextFile(join(dir, file));
        assert.ok(text.endsWith("\n"));
        const lines = text.trim().split("\n").map((l) => JSON.parse(l));
        assert.equal(lines.length, 3, "each failed event recorded once, whole");
      } finally {
        await run.stop();
      }
    } finally {
      await tmpfs?.unmount();
      await stop();
    }
  },
);

Deno.test(
  'consume with on_outage = "stop": the Python tool\'s behaviour, exit 3 after the retries, nothing committed past the event',
  kafkaTest,
  async () => {
    const { kafka, handles, ws, stop } = await startKafkaServices({
      workspace: { sections: { "consumer.transient": ['on_outage = "stop"'] } },
    });
    try {
      await handles.close();
      const events = makeCmip6Events(2, "stopping", { files: 1 });
      await produce(kafka.bootstrap, ws.topic, messages(events));
      const run = startConsume(ws.config, { cwd: ws.dir, args: ["--idle-timeout", "20"] });
      const { code, stderr } = await run.done;
      assert.equal(code, 3, stderr);
      assert.match(stderr, /stopped: TRANSIENT Handle service/);
      assert.deepEqual(await listFiles(join(ws.dir, "outputs", "skipped")), []);
    } finally {
      await stop();
    }
  },
);
