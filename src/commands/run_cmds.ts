/**
 * `consume`, `map` and `retry`: three inputs, one pipeline.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { KeyedEvent, Outcome } from "../events/mod.ts";
import { ConfigurationError, describeError } from "../errors/mod.ts";
import { expandPaths, fileEvents, KafkaInput, retryEvents } from "../inputs/mod.ts";
import type { RunResult } from "../pipeline/mod.ts";
import {
  EXIT,
  exitCodeOf,
  isDryRun,
  preflight,
  runInput,
  type RunSwitches,
  wirePipeline,
  type Wiring,
} from "../runner/mod.ts";
import { startReporter, Stats } from "../stats/mod.ts";
import {
  type CommandContext,
  ExitError,
  type GlobalOptions,
  openContext,
  printError,
  signalController,
} from "./context.ts";

/** Options of `consume`. */
export interface ConsumeOptions extends RunSwitches {
  /** End after this many seconds without a new event. */
  idleTimeout?: number;
}

/** Options of `retry`. */
export interface RetryOptions extends RunSwitches {
  /** Delete a source file when every event in it succeeded. */
  deleteAfter?: boolean;
}

/** Runs an input through a freshly wired pipeline with statistics and the status line. */
async function runWith(
  context: CommandContext,
  switches: RunSwitches,
  open: (wiring: Wiring) => Promise<AsyncIterable<KeyedEvent>>,
): Promise<{ result: RunResult; code: number }> {
  const { config, options } = context;
  const stats = new Stats();
  const stop = signalController((name) => printError(`${name}: finishing the events in flight…`));
  let wiring;
  try {
    wiring = wirePipeline(config, { ...switches, stats, signal: stop.signal });
  } catch (error) {
    stop.dispose();
    throw configurationExit(error);
  }
  const reporter = startReporter(stats, {
    intervalSeconds: config.stats.interval_seconds,
    summaryInterval: config.stats.summary_interval,
    dbPath: config.stats.enable_db ? config.stats.db_path : undefined,
    verbose: options.verbose,
    requestLimit: () => wiring.requestLimit(),
  });
  try {
    const refused = await preflight(config, wiring);
    if (refused) {
      await wiring.close();
      throw new ExitError(`${refused}; not starting (use --force to start anyway)`, EXIT.transient);
    }
    let events: AsyncIterable<KeyedEvent>;
    try {
      events = await open(wiring);
    } catch (error) {
      await wiring.close();
      throw new ExitError(`cannot open the input: ${describeError(error)}`, EXIT.transient);
    }
    const result = await runInput(wiring, events, { signal: stop.signal });
    const code = exitCodeOf(result);
    if (result.stop) printError(`stopped: ${result.stop.reason}`);
    return { result, code };
  } finally {
    await reporter.close();
    stop.dispose();
  }
}

/** A `ConfigurationError` (unknown project or profile) as exit 2; anything else as is. */
function configurationExit(error: unknown): unknown {
  if (error instanceof ConfigurationError) {
    return new ExitError(`configuration: ${error.message}`, EXIT.configuration);
  }
  return error;
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
    const { code } = await runWith(context, options, async (wiring) =>
      await KafkaInput.open({
        kafka: config.kafka,
        topic: config.consumer.topic,
        idleTimeoutMs: options.idleTimeout !== undefined ? options.idleTimeout * 1000 : undefined,
        // Delivered ahead of the pipeline: four times the events it takes in flight now.
        maxOutstanding: () => Math.max(16, wiring.eventsInFlight() * 4),
        commit: !dryRun,
      }));
    return code;
  } finally {
    await context.logging.close();
  }
}

/** `map`: event files through the pipeline. */
export async function mapCommand(
  globals: GlobalOptions,
  paths: string[],
  options: RunSwitches,
): Promise<number> {
  const context = await openContext(globals);
  try {
    const files = await expandPaths(paths);
    const { code } = await runWith(context, options, () => Promise.resolve(fileEvents(files)));
    return code;
  } finally {
    await context.logging.close();
  }
}

/** Per-file tally of `retry`. */
interface FileTally {
  events: number;
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
      read: false,
      outcomes: { registered: 0, failed: 0, skipped: 0, filtered: 0 },
    }]));
    const { result, code } = await runWith(
      context,
      options,
      () =>
        Promise.resolve(retryEvents(files, {
          onAck: (file, outcome) => tallies.get(file)!.outcomes[outcome]++,
          onFileRead: (file, events) => {
            const tally = tallies.get(file)!;
            tally.events = events;
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
      if (options.deleteAfter && tally.read && ok === tally.events && !result.stop) {
        await Deno.remove(file);
        note = ", deleted";
        log.info("{file}: every event succeeded, deleted", { file });
      }
      console.log(
        `retry: ${file}: ${tally.events} event(s), ${ok} succeeded, ${tally.outcomes.failed} failed, ${tally.outcomes.skipped} skipped${
          pending > 0 ? `, ${pending} not done` : ""
        }${note}`,
      );
    }
    const rate = total === 0 ? 100 : (100 * succeeded) / total;
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
