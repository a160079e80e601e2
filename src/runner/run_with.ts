/**
 * The wiring of a run command (`consume`, `map`, `retry`): an input through a freshly
 * wired pipeline, with statistics, the status line, the monitor endpoint and signals;
 * the command only opens its input and prints its summary.
 *
 * @module
 */

import type { Config } from "../config/mod.ts";
import type { KeyedEvent } from "../events/mod.ts";
import { ConfigurationError, describeError, permissionRefusal } from "../errors/mod.ts";
import { EXIT, ExitError } from "../exit/mod.ts";
import { stderrFormat, writeStderrLine, writeStderrText } from "../log/mod.ts";
import { observeEvents, type PartitionState, type RunMonitor } from "../monitor/mod.ts";
import type { RunResult } from "../pipeline/mod.ts";
import { Stats } from "../stats/mod.ts";
import { startReporter } from "../status/mod.ts";
import { exitCodeOf, preflight, runInput, wirePipeline } from "./mod.ts";
import { type RunOptions, startMonitorFor, totalLag } from "./run_monitor.ts";
import { signalController } from "./signals.ts";

/** What a run needs of the command: the configuration and the global switches. */
export interface RunContext {
  /** The checked configuration. */
  config: Config;
  /** `-v/--verbose`: the live status line. */
  verbose?: boolean;
}

/** What an input's opener is given. */
export interface OpenHooks {
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
export type OpenedInput = AsyncIterable<KeyedEvent> & { partitions?: () => PartitionState[] };

/**
 * Runs an input through a freshly wired pipeline with statistics (`options.stats`, else
 * its own) and the status line; `options.group`: the input is a consumer group (the
 * monitor's readiness waits for it, the pipeline runs as a service).
 */
export async function runWith(
  context: RunContext,
  switches: RunOptions,
  open: (hooks: OpenHooks) => Promise<OpenedInput>,
  options: { group?: boolean; stats?: Stats } = {},
): Promise<{ result: RunResult; code: number; stats: Stats }> {
  const { config } = context;
  const stats = options.stats ?? new Stats();
  let monitor: RunMonitor | undefined;
  const stop = signalController((name) => {
    monitor?.health.setPhase("stopping", name);
    writeStderrLine(`${name}: finishing the events in flight…`);
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
    verbose: context.verbose,
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
      writeStderrLine(`stopped: ${result.stop.reason}`);
    } else monitor?.health.setPhase("stopped");
    return { result, code, stats };
  } finally {
    await reporter.close();
    await monitor?.close();
    stop.dispose();
  }
}

/** A `ConfigurationError` (unknown project or profile) as exit 2; anything else as is. */
export function configurationExit(error: unknown): unknown {
  if (error instanceof ConfigurationError) {
    return new ExitError(`configuration: ${error.message}`, EXIT.configuration);
  }
  return error;
}
