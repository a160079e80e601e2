/**
 * `consume`, `map` and `retry`: three inputs, one pipeline.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { KeyedEvent, Outcome } from "../events/mod.ts";
import { ConfigurationError, describeError, permissionRefusal } from "../errors/mod.ts";
import { expandPaths, fileEvents, openKafkaInput, retryEvents, STDIN } from "../inputs/mod.ts";
import { stderrFormat, writeStderrText } from "../log/mod.ts";
import type { RunResult } from "../pipeline/mod.ts";
import { EXIT, exitCodeOf, isDryRun, preflight, runInput, wirePipeline } from "../runner/mod.ts";
import { Stats } from "../stats/mod.ts";
import { startReporter } from "../status/mod.ts";
import { observeEvents, type PartitionState, type RunMonitor } from "../monitor/mod.ts";
import { type RunOptions, startMonitorFor, totalLag } from "./run_monitor.ts";
import {
  type CommandContext,
  ExitError,
  type GlobalOptions,
  openContext,
  printError,
  signalController,
} from "./context.ts";
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

/** What an input's opener is given. */
interface OpenHooks {
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** The consumer group was joined or left. */
  onGroup(joined: boolean): void;
  /** Events the pipeline takes in flight now (it follows the Handle request limit). */
  eventsInFlight(): number;
  /** Events held for a service that is down (they stay delivered, unacknowledged). */
  eventsHeld(): number;
  /** Whether the pipeline decodes an event's text on a worker thread (no need to parse it). */
  offloads(text: string): boolean;
}

/** An input, optionally reporting where its partitions stand. */
type OpenedInput = AsyncIterable<KeyedEvent> & { partitions?: () => PartitionState[] };

/** Runs an input through a freshly wired pipeline with statistics and the status line. */
async function runWith(
  context: CommandContext,
  switches: RunOptions,
  open: (hooks: OpenHooks) => Promise<OpenedInput>,
  options: { group?: boolean } = {},
): Promise<{ result: RunResult; code: number; stats: Stats }> {
  const { config, options: globals } = context;
  const stats = new Stats();
  let monitor: RunMonitor | undefined;
  const stop = signalController((name) => {
    monitor?.health.setPhase("stopping", name);
    printError(`${name}: finishing the events in flight…`);
  });
  let wiring;
  try {
    monitor = startMonitorFor(config, { ...switches, stats, group: options.group === true });
    wiring = wirePipeline(config, {
      ...switches,
      stats,
      signal: stop.signal,
      observers: monitor?.observers,
      service: options.group === true,
    });
  } catch (error) {
    stop.dispose();
    await monitor?.close();
    throw configurationExit(error);
  }
  let inFlight = 0;
  let partitions: (() => PartitionState[]) | undefined;
  const reporter = startReporter(stats, {
    extras: () => ({
      inFlight,
      lag: partitions ? totalLag(partitions()) : undefined,
      limit: wiring?.requestLimit(),
      waiting: wiring?.waitingFor(),
    }),
    // With --log-format json the status line and the final summary are JSON records too.
    write: (text) => writeStderrText(text, "INFO"),
    terminal: stderrFormat() === "json" ? false : undefined,
    intervalSeconds: config.stats.interval_seconds,
    summaryInterval: config.stats.summary_interval,
    dbPath: config.stats.enable_db ? config.stats.db_path : undefined,
    verbose: globals.verbose,
  });
  try {
    let refused: string | undefined;
    try {
      refused = await preflight(config, wiring);
    } catch (error) {
      await wiring.close();
      throw error instanceof ConfigurationError
        ? new ExitError(`preflight: ${error.message}`, EXIT.configuration)
        : error;
    }
    if (refused) {
      await wiring.close();
      throw new ExitError(`${refused}; not starting (use --force to start anyway)`, EXIT.transient);
    }
    let events: OpenedInput;
    try {
      events = await open({
        signal: stop.signal,
        onGroup: (joined) => monitor?.health.setJoined(joined),
        eventsInFlight: () => wiring.eventsInFlight(),
        eventsHeld: () => wiring.eventsHeld(),
        offloads: (text) => wiring.offloads(text),
      });
    } catch (error) {
      await wiring.close();
      if (stop.signal.aborted) return { result: {}, code: EXIT.ok, stats }; // stopped while waiting
      const refused = permissionRefusal(error);
      if (refused) {
        throw new ExitError(`cannot open the input: ${refused.message}`, EXIT.configuration);
      }
      if (error instanceof ConfigurationError) {
        throw new ExitError(`cannot open the input: ${error.message}`, EXIT.configuration);
      }
      throw new ExitError(`cannot open the input: ${describeError(error)}`, EXIT.transient);
    }
    if (events.partitions) {
      partitions = events.partitions.bind(events);
      monitor?.partitions(partitions);
    }
    monitor?.health.setPhase("running");
    const counted = observeEvents(events, {
      delivered: () => inFlight++,
      acknowledged: () => inFlight--,
    });
    const observed = monitor ? monitor.observe(counted) : counted;
    const result = await runInput(wiring, observed, { signal: stop.signal });
    const code = exitCodeOf(result);
    if (result.stop) {
      monitor?.health.setPhase("stopped", result.stop.reason);
      printError(`stopped: ${result.stop.reason}`);
    } else monitor?.health.setPhase("stopped");
    if (result.stop) addToSummary({ stop: result.stop });
    return { result, code, stats };
  } finally {
    await reporter.close();
    await monitor?.close();
    stop.dispose();
    const { counts, projects } = stats.snapshot();
    addToSummary({ counts, ...(projects ? { projects } : {}) });
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
    const { code } = await runWith(
      context,
      options,
      async ({ signal, onGroup, eventsInFlight, eventsHeld }) =>
        await openKafkaInput({
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
    const { code, stats } = await runWith(context, options, ({ offloads }) =>
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
    const { result, code } = await runWith(
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
