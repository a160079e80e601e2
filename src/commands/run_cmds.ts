/**
 * `consume`, `map` and `retry`: three inputs, one pipeline.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { Outcome } from "../events/mod.ts";
import { EXIT } from "../exit/mod.ts";
import { expandPaths, fileEvents, retryEvents, STDIN } from "../inputs/mod.ts";
import type { RunResult } from "../pipeline/mod.ts";
import { isDryRun } from "../runner/mod.ts";
import type { RunOptions } from "../runner/run_monitor.ts";
import { configurationExit, type RunContext, runWith } from "../runner/run_with.ts";
import { Stats } from "../stats/mod.ts";
import { type CommandContext, type GlobalOptions, openContext, printError } from "./context.ts";
import { addToSummary } from "./summary.ts";

export type { RunOptions };

/** Options of `consume`. */
export interface ConsumeOptions extends RunOptions {
  /** End after this many seconds without a new event. */
  idleTimeout?: number;
}

/** Options of `retry`. */
export interface RetryOptions extends RunOptions {
  /** Delete a source file when every event in it succeeded. */
  deleteAfter?: boolean;
}

/** {@linkcode runWith} for a command; the run's counts (and stop) go to the summary. */
async function run(
  context: CommandContext,
  switches: RunOptions,
  open: Parameters<typeof runWith>[2],
  options: { group?: boolean } = {},
): Promise<{ result: RunResult; code: number; stats: Stats }> {
  const stats = new Stats();
  const runContext: RunContext = { config: context.config, verbose: context.options.verbose };
  try {
    const outcome = await runWith(runContext, switches, open, { ...options, stats });
    if (outcome.result.stop) addToSummary({ stop: outcome.result.stop });
    return outcome;
  } finally {
    const { counts, projects } = stats.snapshot();
    addToSummary({ counts, ...(projects ? { projects } : {}) });
  }
}

/** `consume`: the Kafka topic through the pipeline. */
export async function consumeCommand(
  globals: GlobalOptions,
  options: ConsumeOptions,
): Promise<number> {
  const context = await openContext(globals);
  try {
    const { config } = context;
    let dryRun: boolean;
    try {
      dryRun = isDryRun(config, options);
    } catch (error) {
      throw configurationExit(error);
    }
    if (dryRun) {
      printError(
        "dry run: records go to JSONL and no offset is committed (the group's position stays)",
      );
    }
    const { code } = await run(
      context,
      options,
      async ({ signal, onGroup, eventsInFlight, eventsHeld }) =>
        await (await loadKafka()).openKafkaInput({
          kafka: config.kafka,
          topic: config.consumer.topic,
          idleTimeoutMs: options.idleTimeout !== undefined ? options.idleTimeout * 1000 : undefined,
          // Delivered ahead of the pipeline: four times the events it takes in flight now
          // (more measurably raised the resident memory of a drain, not the rate).
          // Events held for a service that is down come on top (up to consumer.max_waiting).
          maxOutstanding: () => Math.max(16, eventsInFlight() * 4) + eventsHeld(),
          maxOutstandingBytes: 64 * 1024 * 1024 + config.consumer.max_waiting_bytes,
          holding: () => eventsHeld() > 0,
          commit: !dryRun,
          connectTimeout: config.kafka.connect_timeout,
          waitForTopic: config.consumer.wait_for_topic,
          signal,
          onGroup,
        }, config.consumer.kafka_client),
      { group: true },
    );
    return code;
  } finally {
    await context.logging.close();
  }
}

/** `map`: event files through the pipeline. */
export async function mapCommand(
  globals: GlobalOptions,
  paths: string[],
  options: RunOptions,
): Promise<number> {
  const context = await openContext(globals);
  try {
    const files = await expandPaths(paths);
    const { code, stats } = await run(context, options, ({ offloads }) =>
      Promise.resolve(
        fileEvents(files, {
          maxEventBytes: context.config.consumer.max_event_bytes,
          leaveText: offloads,
        }),
      ));
    // Events that failed or were skipped: the run did not do its work (as `retry`).
    if (code === EXIT.ok && stats.get("errors") + stats.get("skipped") > 0) return EXIT.failed;
    return code;
  } finally {
    await context.logging.close();
  }
}

/** Per-file tally of `retry`. */
interface FileTally {
  events: number;
  duplicates: number;
  read: boolean;
  outcomes: Record<Outcome, number>;
}

/** `retry`: failure and skipped files through the pipeline, retry counts incremented. */
export async function retryCommand(
  globals: GlobalOptions,
  paths: string[],
  options: RetryOptions,
): Promise<number> {
  const context = await openContext(globals);
  const log = getLogger(["piddiplatsch", "retry"]);
  try {
    const files = await expandPaths(paths, { extensions: [".jsonl"] });
    const tallies = new Map<string, FileTally>(files.map((f) => [f, {
      events: 0,
      duplicates: 0,
      read: false,
      outcomes: { registered: 0, failed: 0, skipped: 0, filtered: 0 },
    }]));
    const { result, code } = await run(
      context,
      options,
      () =>
        Promise.resolve(retryEvents(files, {
          onAck: (file, outcome) => tallies.get(file)!.outcomes[outcome]++,
          onFileRead: (file, counts) => {
            const tally = tallies.get(file)!;
            tally.events = counts.events;
            tally.duplicates = counts.duplicates;
            tally.read = true;
          },
        })),
    );
    let total = 0, succeeded = 0, failed = 0, skipped = 0;
    for (const [file, tally] of tallies) {
      const ok = tally.outcomes.registered + tally.outcomes.filtered;
      const done = ok + tally.outcomes.failed + tally.outcomes.skipped;
      const pending = tally.events - done;
      total += tally.events;
      succeeded += ok;
      failed += tally.outcomes.failed;
      skipped += tally.outcomes.skipped;
      let note = "";
      const deletable = file !== STDIN && tally.read && ok === tally.events && !result.stop;
      if (options.deleteAfter && deletable) {
        await Deno.remove(file);
        note = ", deleted";
        log.info("{file}: every event succeeded, deleted", { file });
      }
      console.log(
        `retry: ${file}: ${tally.events} event(s), ${ok} succeeded, ${tally.outcomes.failed} failed, ${tally.outcomes.skipped} skipped${
          pending > 0 ? `, ${pending} not done` : ""
        }${tally.duplicates > 0 ? `, ${tally.duplicates} duplicate line(s) left out` : ""}${note}`,
      );
    }
    const rate = total === 0 ? 100 : (100 * succeeded) / total;
    addToSummary({ retry: { total, succeeded, failed, skipped } });
    console.log(
      `retry: total ${total} event(s), ${succeeded} succeeded, ${failed} failed, ${skipped} skipped (${
        rate.toFixed(1)
      }% success)`,
    );
    if (code !== 0) return code;
    return failed > 0 || skipped > 0 || succeeded < total ? EXIT.failed : EXIT.ok;
  } finally {
    await context.logging.close();
  }
}

/**
 * The Kafka clients, loaded when a command reads a topic: importing them costs about
 * 0.25 CPU-s and 45 MiB, which `map`, `retry` and the others do not pay.
 */
function loadKafka(): Promise<typeof import("../kafka/mod.ts")> {
  return import("../kafka/mod.ts");
}
