/**
 * Step 5 of the pipeline: record the outcome of an event that was not registered,
 * in the Python tool's `outputs/` layout, so that `retry` can replay it:
 *
 * - `failures/r<retries>/failed_items_<date>.jsonl` (permanent failures),
 * - `skipped/skipped_items_<date>.jsonl` (transient failures with `--force`),
 * - `dump/dump_messages_<date>.jsonl` (every raw event with `--dump`).
 *
 * A failure or skipped line is the event as received (a JSON object) plus
 * `__infos__`; text that is not a JSON object is kept verbatim in `__raw__`.
 *
 * @module
 */

import { join } from "node:path";
import { DailyJsonlWriter } from "./jsonl_writer.ts";
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

/** Builds a failure or skipped line: the event object plus `__infos__`. */
export function recordLine(event: KeyedEvent, infos: RecordInfos): Record<string, unknown> {
  const parsed = parseObject(event.value);
  const body: Record<string, unknown> = parsed ?? { __raw__: event.value };
  delete body.__infos__;
  return { ...body, __infos__: infos };
}

/** Turns an event's value into one dump line: compact JSON if it parses, else the text on one line. */
export function dumpLine(value: string): string {
  try {
    return JSON.stringify(JSON.parse(value));
  } catch {
    return value.replace(/\r?\n/g, "\\n");
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
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
    const infos: RecordInfos = {
      failure_timestamp: this.#now().toISOString(),
      retries: event.retries,
      reason,
      ...projectField(options.project),
      key: event.key,
      source: event.source,
    };
    await this.#writer(event.retries).append(recordLine(event, infos));
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
    const infos: RecordInfos = {
      skip_timestamp: this.#now().toISOString(),
      retries: event.retries,
      reason: options.reason,
      attempts: options.attempts,
      ...projectField(options.project),
      key: event.key,
      source: event.source,
    };
    await this.#writer.append(recordLine(event, infos));
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
