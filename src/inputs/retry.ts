/**
 * Events from failure and skipped files, for `retry`: each line's `__infos__` is
 * taken off, a `__raw__` text is restored as it was received, and the retry count
 * is one more than before. A malformed line becomes an event of its own text, so
 * that it fails again visibly (and keeps its file).
 *
 * @module
 */

import type { KeyedEvent, Outcome } from "../events/mod.ts";
import { type FileEvent, keyOf } from "./files.ts";

/** An event restored from a failure or skipped line. */
export interface RetryLine {
  /** The event text to process again. */
  value: string;
  /** Its key. */
  key: string | null;
  /** The event parsed, when it was restored from a parsed line (not from `__raw__`). */
  json?: Record<string, unknown>;
  /** Retries so far, plus one. */
  retries: number;
}

/** Restores the event of a failure or skipped line. */
export function parseRetryLine(line: FileEvent): RetryLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line.value);
  } catch {
    return { value: line.value, key: line.key, retries: 1 };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { value: line.value, key: line.key, retries: 1 };
  }
  const { __infos__: infos, __raw__: raw, ...event } = parsed as Record<string, unknown>;
  const info = (typeof infos === "object" && infos !== null ? infos : {}) as Record<
    string,
    unknown
  >;
  const before = Number.isInteger(info.retries) ? info.retries as number : 0;
  if (typeof raw === "string") {
    const key = typeof info.key === "string" ? info.key : line.key;
    return { value: raw, key, retries: before + 1 };
  }
  const key = typeof info.key === "string" ? info.key : line.key ?? keyOf(event);
  return { value: JSON.stringify(event), key, json: event, retries: before + 1 };
}

/** Options of {@linkcode retryEvents}. */
export interface RetryEventsOptions {
  /** Called when an event of a file is acknowledged. */
  onAck?: (file: string, outcome: Outcome) => void;
  /** Called when a file has been read to its end, with its number of events. */
  onFileRead?: (file: string, events: number) => void;
}

/**
 * The lines of a failure or skipped file, read whole before any is yielded: a run
 * may append to the very file it retries (a skipped event skipped again), and
 * those new lines are for the next retry, not this one.
 */
export async function readRetryFile(file: string): Promise<FileEvent[]> {
  const text = await Deno.readTextFile(file);
  const lines: FileEvent[] = [];
  for (const [index, line] of text.split("\n").entries()) {
    const value = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (value.trim() === "") continue;
    // The key is taken from the line when it is parsed (parseRetryLine), not here.
    lines.push({ key: null, value, file, line: index + 1 });
  }
  return lines;
}

/** The events of failure or skipped files in order, as pipeline input. */
export async function* retryEvents(
  files: string[],
  options: RetryEventsOptions = {},
): AsyncGenerator<KeyedEvent> {
  for (const file of files) {
    let count = 0;
    for (const line of await readRetryFile(file)) {
      const restored = parseRetryLine(line);
      count++;
      yield {
        key: restored.key,
        value: restored.value,
        json: restored.json,
        source: { file: line.file, line: line.line },
        retries: restored.retries,
        ack: (outcome) => options.onAck?.(file, outcome),
      };
    }
    options.onFileRead?.(file, count);
  }
}
