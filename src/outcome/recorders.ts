/**
 * Step 5 of the pipeline: record the outcome of an event that was not registered,
 * in the Python tool's `outputs/` layout, so that `retry` can replay it:
 *
 * - `failures/r<retries>/failed_items_<date>.jsonl` (permanent failures),
 * - `skipped/skipped_items_<date>.jsonl` (transient failures with `--force`),
 * - `dump/dump_messages_<date>.jsonl` (every raw event with `--dump`).
 *
 * A failure or skipped line is `__infos__` (the bookkeeping) and the event whole
 * under `__event__` (a JSON object) or `__raw__` (any other text): see
 * `record_format.ts`. An event already recorded in today's file (read again after a
 * stop) is not written a second time.
 *
 * @module
 */

import { join } from "node:path";
import { DailyJsonlWriter } from "./jsonl_writer.ts";
import { eventBody, RECORD_FORMAT, recordId } from "./record_format.ts";
import { RecordedIds } from "./recorded_ids.ts";
import type { KeyedEvent, Provenance } from "../events/mod.ts";

/** Metadata attached to a failure or skipped line. */
export interface RecordInfos {
  /** When it failed (failures) or was skipped (skipped). */
  failure_timestamp?: string;
  /** When it was skipped. */
  skip_timestamp?: string;
  /** How often the event had been retried. */
  retries: number;
  /** One-line reason. */
  reason: string;
  /** Attempts made at the failing service before giving up (skipped lines). */
  attempts?: number;
  /** The project the event was routed to, when known. */
  project?: string;
  /** The record key. */
  key: string | null;
  /** Where the event came from. */
  source: Provenance;
}

/** A failure or skipped line: `__infos__` (id and format first), then the event whole. */
export interface RecordLine {
  /** The bookkeeping. */
  __infos__: RecordInfos & { id: string; format: number };
  /** The event, when it is a JSON object. */
  __event__?: unknown;
  /** The event's text, when it is not. */
  __raw__?: string;
}

/** Builds a failure or skipped line. */
export function recordLine(event: KeyedEvent, infos: RecordInfos): RecordLine {
  const id = recordId(event.source, event.key, event.value);
  return { __infos__: { id, format: RECORD_FORMAT, ...infos }, ...eventBody(event.value) };
}

/** Appends a line unless today's file already records its event. */
async function appendOnce(
  writer: DailyJsonlWriter,
  ids: RecordedIds,
  line: RecordLine,
  now: Date,
): Promise<void> {
  const path = writer.pathFor(now);
  if (!await ids.claim(path, line.__infos__.id)) return;
  try {
    await writer.append(line);
  } catch (error) {
    await ids.release(path, line.__infos__.id);
    throw error;
  }
}

/** Turns an event's value into one dump line: compact JSON if it parses, else the text on one line. */
export function dumpLine(value: string): string {
  try {
    return JSON.stringify(JSON.parse(value));
  } catch {
    return value.replace(/\r?\n/g, "\\n");
  }
}

function projectField(project: string | undefined): { project?: string } {
  return project === undefined ? {} : { project };
}

/** Options of the recorders. */
export interface RecorderOptions {
  /** The clock (tests). */
  now?: () => Date;
}

/** Writes permanent failures to `failures/r<retries>/`. */
export class FailureRecorder {
  readonly #root: string;
  readonly #now: () => Date;
  readonly #writers = new Map<number, DailyJsonlWriter>();
  readonly #ids = new RecordedIds();

  /** A recorder below `<outputDir>/failures`. */
  constructor(outputDir: string, options: RecorderOptions = {}) {
    this.#root = join(outputDir, "failures");
    this.#now = options.now ?? (() => new Date());
  }

  /** The file failures of this retry count go to today. */
  pathFor(retries: number): string {
    return this.#writer(retries).pathFor(this.#now());
  }

  #writer(retries: number): DailyJsonlWriter {
    let writer = this.#writers.get(retries);
    if (!writer) {
      writer = new DailyJsonlWriter(join(this.#root, `r${retries}`), "failed_items", {
        now: this.#now,
        durable: true,
      });
      this.#writers.set(retries, writer);
    }
    return writer;
  }

  /**
   * Records a failed event with its reason (and its project, when known); resolves once
   * the line is in the file.
   */
  async record(
    event: KeyedEvent,
    reason: string,
    options: { project?: string } = {},
  ): Promise<void> {
    const now = this.#now();
    const infos: RecordInfos = {
      failure_timestamp: now.toISOString(),
      retries: event.retries,
      reason,
      ...projectField(options.project),
      key: event.key,
      source: event.source,
    };
    await appendOnce(this.#writer(event.retries), this.#ids, recordLine(event, infos), now);
  }

  /** Closes every file. */
  async close(): Promise<void> {
    await Promise.all([...this.#writers.values()].map((w) => w.close()));
  }
}

/** Writes transiently failed events to `skipped/` (only with `--force`). */
export class SkipRecorder {
  readonly #writer: DailyJsonlWriter;
  readonly #now: () => Date;
  readonly #ids = new RecordedIds();

  /** A recorder below `<outputDir>/skipped`. */
  constructor(outputDir: string, options: RecorderOptions = {}) {
    this.#now = options.now ?? (() => new Date());
    this.#writer = new DailyJsonlWriter(join(outputDir, "skipped"), "skipped_items", {
      now: this.#now,
      durable: true,
    });
  }

  /** The file skipped events go to today. */
  get path(): string {
    return this.#writer.pathFor(this.#now());
  }

  /** Records a skipped event; `attempts` is how many attempts were made at the service. */
  async record(
    event: KeyedEvent,
    options: { reason: string; attempts: number; project?: string },
  ): Promise<void> {
    const now = this.#now();
    const infos: RecordInfos = {
      skip_timestamp: now.toISOString(),
      retries: event.retries,
      reason: options.reason,
      attempts: options.attempts,
      ...projectField(options.project),
      key: event.key,
      source: event.source,
    };
    await appendOnce(this.#writer, this.#ids, recordLine(event, infos), now);
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.#writer.close();
  }
}

/** Writes every raw event to `dump/` before it is processed (`--dump`). */
export class DumpRecorder {
  readonly #writer: DailyJsonlWriter;

  /** A recorder below `<outputDir>/dump`. */
  constructor(outputDir: string, options: RecorderOptions = {}) {
    this.#writer = new DailyJsonlWriter(join(outputDir, "dump"), "dump_messages", options);
  }

  /** The file raw events go to today. */
  get path(): string {
    return this.#writer.pathFor();
  }

  /** Appends the raw event. */
  async record(event: KeyedEvent): Promise<void> {
    await this.#writer.appendText(dumpLine(event.value) + "\n");
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.#writer.close();
  }
}
