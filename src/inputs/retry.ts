/**
 * Events from failure and skipped files, for `retry`: each line's event is restored
 * as it was recorded (see `../outcome/record_format.ts`; earlier layouts and the
 * Python tool's are read too) and its retry count is one more than before. A
 * malformed line becomes an event of its own text, so that it fails again visibly
 * (and keeps its file). A line that records an event already read in this run (the
 * same event recorded twice) is left out: every event is replayed and counted once.
 *
 * @module
 */

import type { KeyedEvent, Outcome } from "../events/mod.ts";
import { getLogger } from "@logtape/logtape";
import { isTornRecordLine, readRecordLine, TORN_LINE_NOTE } from "../outcome/mod.ts";
import { type FileEvent, keyOfText } from "./files.ts";
import { readInputText } from "./paths.ts";

/** An event restored from a failure or skipped line. */
export interface RetryLine {
  /** The event text to process again. */
  value: string;
  /** Its key. */
  key: string | null;
  /** Retries so far, plus one. */
  retries: number;
  /** The same for lines that record the same event; none for a malformed line. */
  identity?: string;
}

/** Restores the event of a failure or skipped line. */
export function parseRetryLine(line: FileEvent): RetryLine {
  const restored = readRecordLine(line.value, line.key);
  return {
    value: restored.value,
    key: restored.key,
    retries: restored.retries + 1,
    identity: restored.identity,
  };
}

/** Options of {@linkcode retryEvents}. */
export interface RetryEventsOptions {
  /** Called when an event of a file is acknowledged. */
  onAck?: (file: string, outcome: Outcome) => void;
  /**
   * Called when a file has been read to its end, with its number of events and of the
   * lines left out because they record an event already read.
   */
  onFileRead?: (file: string, counts: { events: number; duplicates: number }) => void;
}

/**
 * The lines of a failure or skipped file, read whole before any is yielded: a run
 * may append to the very file it retries (a skipped event skipped again), and
 * those new lines are for the next retry, not this one.
 */
export async function readRetryFile(file: string): Promise<FileEvent[]> {
  const text = await readInputText(file); // `-`: standard input
  const lines: FileEvent[] = [];
  for (const [index, line] of text.split("\n").entries()) {
    const value = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (value.trim() === "") continue;
    if (isTornRecordLine(value)) {
      getLogger(["piddiplatsch", "retry"]).warn("{file}:{line}: {note}", {
        file,
        line: index + 1,
        note: TORN_LINE_NOTE,
      });
      continue;
    }
    lines.push({ key: keyOfText(value), value, file, line: index + 1 });
  }
  return lines;
}

/** The events of failure or skipped files in order, as pipeline input. */
export async function* retryEvents(
  files: string[],
  options: RetryEventsOptions = {},
): AsyncGenerator<KeyedEvent> {
  const seen = new Set<string>();
  for (const file of files) {
    let count = 0, duplicates = 0;
    for (const line of await readRetryFile(file)) {
      const restored = parseRetryLine(line);
      if (restored.identity !== undefined) {
        if (seen.has(restored.identity)) {
          duplicates++;
          continue;
        }
        seen.add(restored.identity);
      }
      count++;
      yield {
        key: restored.key,
        value: restored.value,
        source: { file: line.file, line: line.line },
        retries: restored.retries,
        ...(restored.identity === undefined ? {} : { recordId: restored.identity }),
        ack: (outcome) => options.onAck?.(file, outcome),
      };
    }
    options.onFileRead?.(file, { events: count, duplicates });
  }
}
