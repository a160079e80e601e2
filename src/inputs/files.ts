/**
 * Events from files: a `.json` file is one event, each non-empty line of a `.jsonl`
 * file is one event. Used by `map`, `send` and (through `retry.ts`) `retry`.
 *
 * @module
 */

import { TextLineStream } from "./lines.ts";
import type { KeyedEvent, Outcome } from "../events/mod.ts";

/** One event read from a file, before it gets an acknowledgement. */
export interface FileEvent {
  /** The key: the item id when the text is an event with one. */
  key: string | null;
  /** The text as read. */
  value: string;
  /** The text parsed, when it is a JSON object. */
  json?: Record<string, unknown>;
  /** The file. */
  file: string;
  /** 1-based line (1 for a `.json` file). */
  line: number;
}

/** The item id of an event's text (`item.id` or `item_id`), or null. */
export function keyOf(value: unknown): string | null {
  if (typeof value !== "object" || value === null) return null;
  const payload = (value as { data?: { payload?: Record<string, unknown> } }).data?.payload;
  const item = payload?.item as { id?: unknown } | undefined;
  if (typeof item?.id === "string") return item.id;
  if (typeof payload?.item_id === "string") return payload.item_id;
  return null;
}

/** The item id of an event given as text, or null (also for text that is not JSON). */
export function keyOfText(text: string): string | null {
  return keyOf(parseObject(text));
}

/** The text parsed when it is a JSON object, else undefined. */
export function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** One event of a file: the text parsed once, for its key and for the pipeline. */
function fileEvent(value: string, file: string, line: number): FileEvent {
  const json = parseObject(value);
  return { key: keyOf(json), value, json, file, line };
}

/** Reads the events of one file, streaming `.jsonl` line by line. */
export async function* readEventFile(file: string): AsyncGenerator<FileEvent> {
  if (!file.endsWith(".jsonl")) {
    const value = await Deno.readTextFile(file);
    yield fileEvent(value, file, 1);
    return;
  }
  using handle = await Deno.open(file, { read: true });
  let line = 0;
  const lines = handle.readable.pipeThrough(new TextDecoderStream()).pipeThrough(
    new TextLineStream(),
  );
  for await (const text of lines) {
    line++;
    if (text.trim() === "") continue;
    yield fileEvent(text, file, line);
  }
}

/** Options of {@linkcode fileEvents}. */
export interface FileEventsOptions {
  /** Called when an event of a file is acknowledged. */
  onAck?: (event: FileEvent, outcome: Outcome) => void;
}

/** The events of several files in order, as pipeline input. */
export async function* fileEvents(
  files: string[],
  options: FileEventsOptions = {},
): AsyncGenerator<KeyedEvent> {
  for (const file of files) {
    for await (const event of readEventFile(file)) {
      yield {
        key: event.key,
        value: event.value,
        json: event.json,
        source: { file: event.file, line: event.line },
        retries: 0,
        ack: (outcome) => options.onAck?.(event, outcome),
      };
    }
  }
}
