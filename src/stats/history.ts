/**
 * The statistics history: snapshots as rows of a SQLite table `message_stats`
 * (the columns of the Python piddiplatsch), and one row per project and snapshot in
 * `project_stats`, written with `node:sqlite`.
 *
 * @module
 */

import { DatabaseSync, type StatementSync } from "node:sqlite";
import { dirname } from "node:path";
import { COUNTER_NAMES, type StatsSnapshot } from "./counters.ts";
import { rates } from "./summary.ts";

/** Why a row was written: a periodic summary or the one at exit. */
export type HistoryKind = "interval" | "final";

/** Options of {@linkcode StatsHistory.record}. */
export interface RecordOptions {
  /** The kind of row (default `interval`). */
  kind?: HistoryKind;
}

/** The table of the history. */
export const HISTORY_TABLE = "message_stats";

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${HISTORY_TABLE} (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  timestamp TEXT NOT NULL,
  messages INTEGER NOT NULL,
  handles INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  warnings INTEGER NOT NULL,
  retries INTEGER NOT NULL,
  skipped INTEGER NOT NULL,
  patched INTEGER NOT NULL,
  retracted INTEGER NOT NULL,
  replicas INTEGER NOT NULL,
  external_failures INTEGER NOT NULL,
  elapsed_seconds REAL NOT NULL,
  message_rate REAL NOT NULL,
  handle_rate REAL NOT NULL,
  kind TEXT NOT NULL DEFAULT 'interval'
)`;

const INSERT_ROW = `INSERT INTO ${HISTORY_TABLE} (
  timestamp, messages, handles, errors, warnings, retries, skipped, patched, retracted,
  replicas, external_failures, elapsed_seconds, message_rate, handle_rate, kind
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** The table of the per-project history. */
export const PROJECT_HISTORY_TABLE = "project_stats";

const CREATE_PROJECT_TABLE = `CREATE TABLE IF NOT EXISTS ${PROJECT_HISTORY_TABLE} (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  timestamp TEXT NOT NULL,
  project TEXT NOT NULL,
  ${COUNTER_NAMES.map((name) => `${name} INTEGER NOT NULL`).join(",\n  ")},
  kind TEXT NOT NULL DEFAULT 'interval'
)`;

const INSERT_PROJECT_ROW = `INSERT INTO ${PROJECT_HISTORY_TABLE} (
  timestamp, project, ${COUNTER_NAMES.join(", ")}, kind
) VALUES (?, ?, ${COUNTER_NAMES.map(() => "?").join(", ")}, ?)`;

/** A SQLite file of counter snapshots. */
export class StatsHistory {
  readonly #db: DatabaseSync;
  readonly #insert: StatementSync;
  readonly #insertProject: StatementSync;
  #closed = false;

  private constructor(db: DatabaseSync) {
    this.#db = db;
    this.#db.exec(CREATE_TABLE);
    this.#db.exec(CREATE_PROJECT_TABLE);
    this.#insert = this.#db.prepare(INSERT_ROW);
    this.#insertProject = this.#db.prepare(INSERT_PROJECT_ROW);
  }

  /** Opens (or creates, with its parent directories) the database and its table. */
  static open(path: string): StatsHistory {
    if (path !== ":memory:") Deno.mkdirSync(dirname(path), { recursive: true });
    return new StatsHistory(new DatabaseSync(path));
  }

  /** Appends one row for `snapshot`, and one per project to the project table. */
  record(snapshot: StatsSnapshot, options: RecordOptions = {}): void {
    const c = snapshot.counts;
    const r = rates(snapshot);
    const timestamp = new Date(snapshot.takenAt).toISOString();
    const kind = options.kind ?? "interval";
    for (const [project, counts] of Object.entries(snapshot.projects ?? {})) {
      this.#insertProject.run(timestamp, project, ...COUNTER_NAMES.map((n) => counts[n]), kind);
    }
    this.#insert.run(
      timestamp,
      c.messages,
      c.handles,
      c.errors,
      c.warnings,
      c.retries,
      c.skipped,
      c.patched,
      c.retracted,
      c.replicas,
      c.external_failures,
      r.elapsedSeconds,
      r.messageRate,
      r.handleRate,
      kind,
    );
  }

  /** Closes the database; later calls do nothing. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }
}
