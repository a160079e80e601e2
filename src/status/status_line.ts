/**
 * The live status line of `--verbose`: redrawn in place on a terminal, written
 * as periodic plain lines otherwise. Its rates are over the last minute.
 *
 * @module
 */

import {
  formatRate,
  rates,
  RateWindow,
  type RecentRates,
  type Stats,
  type StatsSnapshot,
} from "../stats/mod.ts";

/** Carriage return plus the ANSI "erase whole line" sequence: a redraw in place. */
export const REDRAW = "\r\x1b[2K";

/** Options of {@linkcode formatStatusLine}. */
export interface FormatStatusLineOptions {
  /** The current time (ms since the epoch); default the snapshot's `takenAt`. */
  now?: number;
  /** Rates over a recent window; default the run's averages. */
  rates?: RecentRates;
  /** Events in flight and Kafka lag, shown when known. */
  extras?: StatusExtras;
}

/** Figures of the input shown after the rates. */
export interface StatusExtras {
  /** Events delivered and not yet acknowledged. */
  inFlight?: number;
  /** Sum over the partitions of high watermark minus committed offset. */
  lag?: number;
  /** The adaptive bound on Handle requests in flight (all profiles), when there is one. */
  limit?: number;
  /** The services waited for (down), since when: shown first. */
  waiting?: ReadonlyArray<{ name: string; since: Date }>;
}

/** `h:mm:ss` of a number of seconds. */
export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  return `${hh}:${String(mm).padStart(2, "0")}:${String(ss).padStart(2, "0")}`;
}

function formatAgo(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 120) return `${s}s ago`;
  if (s < 7200) return `${Math.floor(s / 60)}m ago`;
  return `${Math.floor(s / 3600)}h ago`;
}

/**
 * The status line of a snapshot, e.g.
 * `msgs 120 (40.0/s) | handles 960 (320.0/s) | err 1 | warn 0 | retracted 1 |
 * replicas 4 | skipped 0 | patched 3 | last error 12s ago | elapsed 0:00:03 | cmip6 80/640/1 |
 * cmip7 40/320/0`: per project, messages/handles/errors (and how many were filtered).
 */
export function formatStatusLine(
  snapshot: StatsSnapshot,
  options: FormatStatusLineOptions = {},
): string {
  const now = options.now ?? snapshot.takenAt;
  const c = snapshot.counts;
  const r = { ...rates({ ...snapshot, takenAt: now }), ...options.rates };
  const extras = options.extras ?? {};
  const lastError = snapshot.lastErrorAt === undefined
    ? "never"
    : formatAgo((now - snapshot.lastErrorAt) / 1000);
  return [
    ...(extras.waiting ?? []).map((w) =>
      `waiting for ${w.name} since ${w.since.toISOString().slice(0, 19)}Z`
    ),
    `msgs ${c.messages} (${formatRate(r.messageRate)})`,
    `handles ${c.handles} (${formatRate(r.handleRate)})`,
    ...(extras.inFlight !== undefined ? [`in flight ${extras.inFlight}`] : []),
    ...(extras.lag !== undefined ? [`lag ${extras.lag}`] : []),
    ...(extras.limit !== undefined ? [`limit ${extras.limit}`] : []),
    `err ${c.errors}`,
    `warn ${c.warnings}`,
    `retracted ${c.retracted}`,
    `replicas ${c.replicas}`,
    `skipped ${c.skipped}`,
    `patched ${c.patched}`,
    `last error ${lastError}`,
    `elapsed ${formatClock(r.elapsedSeconds)}`,
    ...Object.entries(snapshot.projects ?? {}).map(([project, counts]) =>
      `${project} ${counts.messages}/${counts.handles}/${counts.errors}${
        counts.filtered > 0 ? ` filtered ${counts.filtered}` : ""
      }`
    ),
  ].join(" | ");
}

/** Options of {@linkcode StatusLine}. */
export interface StatusLineOptions {
  /** Redraw in place (a terminal) or write plain lines. */
  terminal: boolean;
  /** Where the text goes. */
  write: (text: string) => void;
  /** Redraw period on a terminal, ms (default 250). */
  refreshMs?: number;
  /** Period of the plain lines, ms (default 10000). */
  plainIntervalMs?: number;
  /** The clock (default: the snapshot's time, i.e. the clock of the `Stats`). */
  now?: () => number;
  /** Terminal width, to cut the line so a redraw never wraps (default: the console's). */
  columns?: () => number | undefined;
  /** In flight and lag, asked at every draw. */
  extras?: () => StatusExtras;
  /** The window of the rates, ms (default 60 000). */
  rateWindowMs?: number;
}

function consoleColumns(): number | undefined {
  try {
    return Deno.consoleSize().columns;
  } catch {
    return undefined;
  }
}

/** A status line that follows a {@linkcode Stats} until stopped. */
export class StatusLine {
  readonly #stats: Stats;
  readonly #terminal: boolean;
  readonly #write: (text: string) => void;
  readonly #periodMs: number;
  readonly #now?: () => number;
  readonly #columns: () => number | undefined;
  readonly #extras?: () => StatusExtras;
  readonly #window: RateWindow;
  #timer?: ReturnType<typeof setInterval>;
  #running = false;

  /** Follows `stats`; nothing is written before {@linkcode StatusLine.start}. */
  constructor(stats: Stats, options: StatusLineOptions) {
    this.#stats = stats;
    this.#terminal = options.terminal;
    this.#write = options.write;
    this.#periodMs = options.terminal
      ? options.refreshMs ?? 250
      : options.plainIntervalMs ?? 10_000;
    this.#now = options.now;
    this.#columns = options.columns ?? consoleColumns;
    this.#extras = options.extras;
    this.#window = new RateWindow({ windowMs: options.rateWindowMs });
  }

  /** Draws the line now and then every period; a second call does nothing. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    if (this.#terminal) this.#draw();
    const timer = setInterval(() => this.#draw(), this.#periodMs);
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  /** Stops the timer and draws a last line (on a terminal, ending with a newline). */
  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#draw();
    if (this.#terminal) this.#write("\n");
  }

  #draw(): void {
    const now = this.#now?.();
    const snapshot = this.#stats.snapshot();
    let line = formatStatusLine(snapshot, {
      now,
      rates: this.#window.sample({ ...snapshot, takenAt: now ?? snapshot.takenAt }),
      extras: this.#extras?.(),
    });
    if (this.#terminal) {
      const columns = this.#columns();
      if (columns !== undefined && columns > 1 && line.length >= columns) {
        line = line.slice(0, columns - 1);
      }
      this.#write(REDRAW + line);
    } else {
      this.#write(line + "\n");
    }
  }
}
