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
 * `record_format.ts`. An event that cannot be kept as JSON (see `kept.ts`) is kept as
 * its text, cut at a limit, with `raw_bytes`, `raw_sha256` and `raw_cut` in
 * `__infos__`, and the reason says so. An event already recorded in today's file (read
 * again after a stop) is not written a second time.
 *
 * @module
 */

import { join } from "node:path";
import { DailyJsonlWriter } from "./jsonl_writer.ts";
import { keepEvent, keepText, type Kept, keptNote } from "./kept.ts";
import {
  buildRecordLine,
  numbersBeyondDouble,
  recordId,
  type RecordInfos,
  type RecordLine,
} from "./record_format.ts";
import { RecordedIds } from "./recorded_ids.ts";
import { findDepthExcess, MAX_JSON_DEPTH } from "../decode/limits.ts";
import { describeError, MAX_REASON_CHARS, reasonLine } from "../errors/mod.ts";
import type { KeyedEvent } from "../events/mod.ts";

export type { RecordInfos, RecordLine } from "./record_format.ts";

/** Builds a failure or skipped line. */
export function recordLine(
  event: KeyedEvent,
  infos: RecordInfos,
  options: { maxEventBytes?: number } = {},
): RecordLine {
  return lineOf(event, keptOf(event, options.maxEventBytes), infos);
}

/** How an event is kept; a number beyond a double keeps a JSON object as its text. */
function keptOf(event: KeyedEvent, maxEventBytes: number | undefined): Kept {
  const kept = keepEvent(event, maxEventBytes);
  return "object" in kept && numbersBeyondDouble(event.value) ? { text: event.value } : kept;
}

function lineOf(event: KeyedEvent, kept: Kept, infos: RecordInfos): RecordLine {
  // An event replayed by `retry` keeps the id of the line it came from.
  const id = event.recordId ?? recordId(event.source, event.key, event.value);
  if ("object" in kept) return buildRecordLine(id, infos, { object: kept.object });
  const about = kept.about
    ? { raw_bytes: kept.about.bytes, raw_sha256: kept.about.sha256, raw_cut: kept.about.cut }
    : undefined;
  return buildRecordLine(id, infos, { text: kept.text, about });
}

/**
 * The line of an event as JSON text, which can always be written: an event that cannot
 * be kept as JSON is kept as its text, and the reason says so.
 */
function lineText(
  event: KeyedEvent,
  infos: RecordInfos,
  maxEventBytes: number | undefined,
): { id: string; text: string } {
  let kept = keptOf(event, maxEventBytes);
  for (;;) {
    const note = "text" in kept ? keptNote(kept, infos.reason) : "";
    const reason = note === ""
      ? infos.reason
      : reasonLine(infos.reason, MAX_REASON_CHARS - note.length) + note;
    const line = lineOf(event, kept, { ...infos, reason });
    try {
      return { id: line.__infos__.id, text: JSON.stringify(line) + "\n" };
    } catch (error) {
      if ("text" in kept && kept.about) throw error; // a line of strings always stringifies
      kept = keepText(event.value, `cannot be written as JSON: ${describeError(error)}`);
    }
  }
}

/** Appends a line unless today's file already records its event. */
async function appendOnce(
  writer: DailyJsonlWriter,
  ids: RecordedIds,
  line: { id: string; text: string },
  now: Date,
): Promise<void> {
  const path = writer.pathFor(now);
  if (!await ids.claim(path, line.id)) return;
  try {
    await writer.appendText(line.text);
  } catch (error) {
    await ids.release(path, line.id);
    throw error;
  }
}

/** Turns an event's value into one dump line: compact JSON if it parses, else the text on one line. */
export function dumpLine(value: string): string {
  if (findDepthExcess(value, MAX_JSON_DEPTH) === undefined) {
    try {
      return JSON.stringify(JSON.parse(value));
    } catch {
      // not JSON: the text as is
    }
  }
  return value.replace(/\r?\n/g, "\\n");
}

function projectField(project: string | undefined): { project?: string } {
  return project === undefined ? {} : { project };
}

/** Options of the recorders. */
export interface RecorderOptions {
  /** The clock (tests). */
  now?: () => Date;
  /** `consumer.max_event_bytes`: larger events are kept as text, never parsed. */
  maxEventBytes?: number;
}

/** Writes permanent failures to `failures/r<retries>/`. */
export class FailureRecorder {
  readonly #root: string;
  readonly #now: () => Date;
  readonly #writers = new Map<number, DailyJsonlWriter>();
  readonly #ids = new RecordedIds();
  readonly #maxEventBytes?: number;

  /** A recorder below `<outputDir>/failures`. */
  constructor(outputDir: string, options: RecorderOptions = {}) {
    this.#root = join(outputDir, "failures");
    this.#now = options.now ?? (() => new Date());
    this.#maxEventBytes = options.maxEventBytes;
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
    const line = lineText(event, infos, this.#maxEventBytes);
    await appendOnce(this.#writer(event.retries), this.#ids, line, now);
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
  readonly #maxEventBytes?: number;

  /** A recorder below `<outputDir>/skipped`. */
  constructor(outputDir: string, options: RecorderOptions = {}) {
    this.#now = options.now ?? (() => new Date());
    this.#maxEventBytes = options.maxEventBytes;
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
    await appendOnce(this.#writer, this.#ids, lineText(event, infos, this.#maxEventBytes), now);
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
