/**
 * Statistics reporting of a run: a summary log line every
 * `stats.interval_seconds` and every `stats.summary_interval` messages, a final
 * summary at exit, the optional SQLite history and, with `--verbose`, the live
 * status line.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import {
  formatProjectSummaries,
  formatSummary,
  type Stats,
  StatsHistory,
  type StatsSnapshot,
} from "../stats/mod.ts";
import { type StatusExtras, StatusLine } from "./status_line.ts";

const logger = getLogger(["piddiplatsch", "stats"]);
const encoder = new TextEncoder();

/** Options of {@linkcode startReporter}. */
export interface ReporterOptions {
  /** Seconds between periodic summaries (`stats.interval_seconds`); 0 = off. */
  intervalSeconds: number;
  /** Messages between summaries (`stats.summary_interval`); 0 = off. */
  summaryInterval: number;
  /** The SQLite history file (`stats.db_path` when `stats.enable_db`); none = no history. */
  dbPath?: string;
  /** Show the live status line. */
  verbose?: boolean;
  /** Whether the output is a terminal (default: whether standard error is one). */
  terminal?: boolean;
  /** Where the status line and the final summary go (default: standard error). */
  write?: (text: string) => void;
  /** The clock of the snapshots (default: the clock of `stats`). */
  now?: () => number;
  /** In flight and lag for the status line. */
  extras?: () => StatusExtras;
}

/** A running reporter. */
export interface Reporter {
  /** Stops the timers and the status line, writes the final summary and history row. */
  close(): Promise<void>;
}

function writeStderr(text: string): void {
  Deno.stderr.writeSync(encoder.encode(text));
}

/** Starts reporting on `stats`; call {@linkcode Reporter.close} at exit. */
export function startReporter(stats: Stats, options: ReporterOptions): Reporter {
  const write = options.write ?? writeStderr;
  const terminal = options.terminal ?? Deno.stderr.isTerminal();
  const history = options.dbPath ? StatsHistory.open(options.dbPath) : undefined;
  let closed = false;

  function snapshot(): StatsSnapshot {
    const s = stats.snapshot();
    return options.now ? { ...s, takenAt: options.now() } : s;
  }

  function summarize(): void {
    const s = snapshot();
    logger.info("{summary}", { summary: formatSummary(s) });
    for (const line of formatProjectSummaries(s)) logger.info("{summary}", { summary: line });
    try {
      history?.record(s, { kind: "interval" });
    } catch (error) {
      logger.warn("Cannot write the statistics history: {error}", { error: String(error) });
    }
  }

  let timer: ReturnType<typeof setInterval> | undefined;
  if (options.intervalSeconds > 0) {
    const t = setInterval(summarize, options.intervalSeconds * 1000);
    Deno.unrefTimer(t);
    timer = t;
  }

  if (options.summaryInterval > 0) {
    const every = options.summaryInterval;
    let reported = Math.floor(stats.get("messages") / every);
    stats.onChange((name, total) => {
      if (closed || name !== "messages") return;
      const step = Math.floor(total / every);
      if (step > reported) {
        reported = step;
        summarize();
      }
    });
  }

  const statusLine = options.verbose
    ? new StatusLine(stats, { terminal, write, now: options.now, extras: options.extras })
    : undefined;
  statusLine?.start();

  return {
    close(): Promise<void> {
      if (closed) return Promise.resolve();
      closed = true;
      clearInterval(timer);
      statusLine?.stop();
      const s = snapshot();
      const line = formatSummary(s);
      logger.info("Final {summary}", { summary: line });
      write(`summary: ${line}\n`);
      for (const project of formatProjectSummaries(s)) write(`summary ${project}\n`);
      try {
        history?.record(s, { kind: "final" });
      } finally {
        history?.close();
      }
      return Promise.resolve();
    },
  };
}
