/**
 * Events from files: a `.json` file is one event, each non-empty line of a `.jsonl`
 * file is one event. Used by `map`, `send` and (through `retry.ts`) `retry`.
 *
 * @module
 */

import { byteLines } from "./byte_lines.ts";
import { decodeUtf8, type Utf8Text } from "../decode/utf8.ts";
import type { KeyedEvent, Outcome } from "../events/mod.ts";

/** One event read from a file, before it gets an acknowledgement. */
export interface FileEvent {
  /** The key: the item id when the text is an event with one. */
  key: string | null;
  /** The text as read. */
  value: string;
  /** Set when the bytes are not UTF-8 ("not UTF-8 at byte N"); see `decodeUtf8`. */
  fault?: string;
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
  try {
    return keyOf(JSON.parse(text));
  } catch {
    return null;
  }
}

/** Reads the events of one file, streaming `.jsonl` line by line. */
export async function* readEventFile(file: string): AsyncGenerator<FileEvent> {
  if (!file.endsWith(".jsonl")) {
    const decoded = decodeUtf8(withoutBom(await Deno.readFile(file)));
    yield {
      key: keyOfText(decoded.text),
      value: decoded.text,
      fault: utf8Fault(decoded),
      file,
      line: 1,
    };
    return;
  }
  using handle = await Deno.open(file, { read: true });
  let line = 0;
  for await (const bytes of byteLines(handle.readable)) {
    line++;
    const decoded = decodeUtf8(line === 1 ? withoutBom(bytes) : bytes);
    if (decoded.text.trim() === "") continue;
    yield {
      key: keyOfText(decoded.text),
      value: decoded.text,
      fault: utf8Fault(decoded),
      file,
      line,
    };
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
        fault: event.fault,
        source: { file: event.file, line: event.line },
        retries: 0,
        ack: (outcome) => options.onAck?.(event, outcome),
      };
    }
  }
}

/** A file's byte order mark marks its encoding, not an event: it is dropped. */
function withoutBom(bytes: Uint8Array): Uint8Array {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}

function utf8Fault(decoded: Utf8Text): string | undefined {
  return decoded.invalidAt === undefined ? undefined : `not UTF-8 at byte ${decoded.invalidAt}`;
}
