/**
 * Run counters: what the pipeline did, for summaries, the status line and the
 * statistics history.
 *
 * @module
 */

/** The counters kept for a run. */
export const COUNTER_NAMES = [
  "messages",
  "handles",
  "errors",
  "warnings",
  "retries",
  "skipped",
  "patched",
  "retracted",
  "replicas",
  "external_failures",
  "filtered",
] as const;

/** One counter's name. */
export type CounterName = typeof COUNTER_NAMES[number];

/** A point-in-time copy of the counters. */
export interface StatsSnapshot {
  /** Counter values. */
  counts: Record<CounterName, number>;
  /** When the run started (ms since the epoch). */
  startedAt: number;
  /** When the snapshot was taken (ms since the epoch). */
  takenAt: number;
  /** When the last error happened, if any (ms since the epoch). */
  lastErrorAt?: number;
  /** The counters of each project that has any, by project (plugin) name, sorted. */
  projects?: Record<string, Record<CounterName, number>>;
}

/** Options of {@linkcode Stats.add}. */
export interface AddOptions {
  /** The project (plugin) name the count belongs to, when known. */
  project?: string;
}

function zeroCounts(): Record<CounterName, number> {
  return Object.fromEntries(COUNTER_NAMES.map((n) => [n, 0])) as Record<CounterName, number>;
}

/** Counters for one run. */
export class Stats {
  readonly #counts: Record<CounterName, number>;
  readonly #projects = new Map<string, Record<CounterName, number>>();
  readonly #startedAt: number;
  readonly #now: () => number;
  #lastErrorAt?: number;
  #listeners: Array<(name: CounterName, total: number, project?: string) => void> = [];

  /** Starts the counters at zero. */
  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
    this.#counts = zeroCounts();
  }

  /** Adds `n` (default 1) to a counter, and to the project's own when `project` is given. */
  add(name: CounterName, n = 1, options: AddOptions = {}): void {
    if (n === 0) return;
    this.#counts[name] += n;
    if (options.project !== undefined) {
      let counts = this.#projects.get(options.project);
      if (counts === undefined) this.#projects.set(options.project, counts = zeroCounts());
      counts[name] += n;
    }
    if (name === "errors" || name === "external_failures") this.#lastErrorAt = this.#now();
    for (const listener of this.#listeners) listener(name, this.#counts[name], options.project);
  }

  /** The current value of a counter. */
  get(name: CounterName): number {
    return this.#counts[name];
  }

  /** A project's value of a counter (0 if the project has none). */
  getProject(project: string, name: CounterName): number {
    return this.#projects.get(project)?.[name] ?? 0;
  }

  /** Calls `listener` after every change, with the run's total and the project counted for. */
  onChange(listener: (name: CounterName, total: number, project?: string) => void): void {
    this.#listeners.push(listener);
  }

  /** A copy of the counters. */
  snapshot(): StatsSnapshot {
    return {
      counts: { ...this.#counts },
      startedAt: this.#startedAt,
      takenAt: this.#now(),
      lastErrorAt: this.#lastErrorAt,
      projects: Object.fromEntries(
        [...this.#projects.keys()].sort().map((p) => [p, { ...this.#projects.get(p)! }]),
      ),
    };
  }
}
