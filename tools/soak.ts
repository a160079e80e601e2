/**
 * `deno task soak`: the scale-out scenario (three consumers of one group, consumers
 * killed with SIGKILL in mid-run and replaced by late joiners) again and again, every
 * expected handle checked on the Handle server after each trial. Prints one line per
 * trial and the totals: trials, lost handles, duplicate rate (events processed twice
 * per event produced), and partitions left short of their end after the clean stops (a
 * commit refused in a rebalance: replays to come, not losses). Exits 1 when a handle was
 * lost or wrong or a survivor did not stop cleanly.
 *
 * Usage: `deno task soak [--trials 20] [--kills 1] [--events 150] [--latency-ms 20]`.
 * Uses the broker in `KAFKA_BOOTSTRAP`, else starts one.
 *
 * With `--handle-outages N` it runs the Handle-outage variant instead (`soak_outage.ts`):
 * per trial one `consume` over a topic filled at `--rate` events/s (`--events` in all)
 * while the Handle server is stopped N times for `--outage-s` seconds; it reports per
 * outage the time to the first registration after the server's return, the most events
 * held, the peak memory, and lost handles (exit 1 when any is lost or the consumer
 * exited early). E.g. `deno task soak --trials 1 --handle-outages 2 --outage-s 30
 * --events 600 --rate 10`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { kafkaBootstrapForTests } from "./kafka/broker.ts";
import { runScaleOut } from "../tests/fixtures/scale_out.ts";
import { runOutageSoak } from "./soak_outage.ts";

function count(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number ≥ 0`);
  return n;
}

const { values } = parseArgs({
  args: Deno.args,
  options: {
    trials: { type: "string" },
    kills: { type: "string" },
    events: { type: "string" },
    "latency-ms": { type: "string" },
    "handle-outages": { type: "string" },
    "outage-s": { type: "string" },
    rate: { type: "string" },
  },
});
const trials = count(values.trials, "trials", 20);
const kills = count(values.kills, "kills", 1);
const events = count(values.events, "events", 150);
const latencyMs = count(values["latency-ms"], "latency-ms", 20);

const outages = count(values["handle-outages"], "handle-outages", 0);
if (outages > 0) Deno.exit(await outageSoak());

/** The Handle-outage variant: trials of `runOutageSoak`; 1 when a handle was lost. */
async function outageSoak(): Promise<number> {
  const outageSeconds = count(values["outage-s"], "outage-s", 30);
  const rate = Math.max(1, count(values.rate, "rate", 10));
  const kafka = await kafkaBootstrapForTests();
  console.log(
    `soak (Handle outages): ${trials} trial(s), ${outages} outage(s) of ${outageSeconds} s, ` +
      `${events} events at ${rate}/s, ${kafka.bootstrap}`,
  );
  let lost = 0, early = 0;
  try {
    for (let trial = 1; trial <= trials; trial++) {
      const r = await runOutageSoak({
        bootstrap: kafka.bootstrap,
        events,
        rate,
        outages,
        outageSeconds,
      });
      lost += r.lost;
      if (r.exitedEarly || r.code !== 0) early++;
      console.log(
        `trial ${trial}: ${r.expected} handles expected, lost ${r.lost}, resume after [${
          r.resumeSeconds.map((s) => s.toFixed(2)).join(", ")
        }] s, none held after [${
          r.drainSeconds.map((s) => s.toFixed(1)).join(", ")
        }] s, held peak ${r.heldPeak}, RSS peak ${r.rssPeakMb.toFixed(0)} MB, exit ${r.code}${
          r.exitedEarly ? " (early)" : ""
        }, ${r.seconds.toFixed(1)} s`,
      );
    }
  } finally {
    await kafka.stop();
  }
  console.log(
    `soak (Handle outages): trials ${trials}, lost ${lost}, early or unclean exits ${early}`,
  );
  return lost + early > 0 ? 1 : 0;
}

const kafka = await kafkaBootstrapForTests();
console.log(
  `soak: ${trials} trial(s), ${kills} kill(s) each, ${events} events, ${kafka.bootstrap}`,
);
let lost = 0, wrong = 0, duplicates = 0, produced = 0, killed = 0, uncommitted = 0, unclean = 0;
try {
  for (let trial = 1; trial <= trials; trial++) {
    const r = await runScaleOut({ bootstrap: kafka.bootstrap, events, kills, latencyMs });
    lost += r.lost.length;
    wrong += r.wrong.length;
    duplicates += r.duplicates;
    produced += r.events;
    killed += r.killed;
    uncommitted += r.uncommitted;
    unclean += r.exitCodes.filter((c) => c !== 0).length;
    console.log(
      `trial ${trial}: ${r.expected} handles expected, lost ${r.lost.length}, wrong ${r.wrong.length}, ` +
        `duplicates ${r.duplicates} of ${r.events} events, killed ${r.killed}, ` +
        `uncommitted partitions ${r.uncommitted}, exits [${r.exitCodes.join(",")}], ${
          r.seconds.toFixed(1)
        } s`,
    );
  }
} finally {
  await kafka.stop();
}
const rate = produced === 0 ? 0 : (100 * duplicates) / produced;
console.log(
  `soak: trials ${trials}, kills ${killed}, lost ${lost}, wrong ${wrong}, uncommitted partitions ${uncommitted}, ` +
    `unclean exits ${unclean}, duplicate rate ${
      rate.toFixed(2)
    }% (${duplicates} of ${produced} events)`,
);
Deno.exit(lost + wrong + unclean > 0 ? 1 : 0);
