/**
 * Events from files: a `.json` file is one event, each non-empty line of a `.jsonl`
 * file is one event. Used by `map`, `send` and (through `retry.ts`) `retry`.
 *
 * @module
 */

import { byteLines, type CutLine, fileChunks, readBounded } from "./byte_lines.ts";
import { decodeUtf8, DEFAULT_EVENT_LIMITS, parseJson } from "../decode/mod.ts";
import type { KeyedEvent, Outcome } from "../events/mod.ts";
import { STDIN } from "./paths.ts";

/** One event read from a file, before it gets an acknowledgement. */
export interface FileEvent {
  /** The key: the item id when the text is an event with one. */
  key: string | null;
  /** The text as read. */
  value: string;
  /** Set when the bytes are not UTF-8 ("not UTF-8 at byte N"), or the event is too large. */
  fault?: string;
  /** Set when `value` is only the start of an event over the size limit. */
  cut?: { bytes: number; sha256: string };
  /** The text parsed (within the event limits), when it is a JSON object: parsed once. */
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
  try {
    return keyOf(JSON.parse(text));
  } catch {
    return null;
  }
}

/**
 * The text parsed when it is a JSON object within the size and nesting limits, else
 * undefined (the pipeline then decodes the text and names what is wrong with it).
 */
function parseObject(text: string, maxEventBytes: number): Record<string, unknown> | undefined {
  try {
    const value = parseJson(text, { ...DEFAULT_EVENT_LIMITS, maxEventBytes });
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? value as Record<string, unknown>
      : undefined;
  } catch {
    return undefined;
  }
}

/** Options of {@linkcode readEventFile}. */
export interface ReadEventFileOptions {
  /**
   * `consumer.max_event_bytes`: a larger event is not read whole; it comes with its
   * start, its size and SHA-256, and a fault naming the limit.
   */
  maxEventBytes?: number;
  /**
   * Texts to give as they are, unparsed and without a key: the pipeline decodes them
   * itself (on a worker thread). Default: none, every event is parsed here.
   */
  leaveText?: (text: string) => boolean;
}

/** Reads the events of one file, streaming `.jsonl` line by line. */
export async function* readEventFile(
  file: string,
  options: ReadEventFileOptions = {},
): AsyncGenerator<FileEvent> {
  const max = options.maxEventBytes ?? Infinity;
  if (file !== STDIN && !file.endsWith(".jsonl")) {
    yield fileEvent(await readBounded(file, max), { file, line: 1, max, ...options });
    return;
  }
  // Standard input is read as JSON lines, like a `.jsonl` file.
  const handle = file === STDIN ? undefined : await Deno.open(file, { read: true });
  try {
    const chunks = handle === undefined ? Deno.stdin.readable : fileChunks(handle);
    let line = 0;
    for await (const bytes of byteLines(chunks, { maxLineBytes: max })) {
      line++;
      const event = fileEvent(bytes, { file, line, max, ...options });
      if (event.value.trim() !== "") yield event;
    }
  } finally {
    handle?.close();
  }
}

/** The event of a line (or a whole `.json` file): decoded as strict UTF-8, or cut. */
function fileEvent(
  bytes: Uint8Array | CutLine,
  where: { file: string; line: number; max: number; leaveText?: (text: string) => boolean },
): FileEvent {
  const { file, line } = where;
  if (bytes instanceof Uint8Array) {
    const decoded = decodeUtf8(line === 1 ? withoutBom(bytes) : bytes);
    const fault = decoded.invalidAt === undefined
      ? undefined
      : `not UTF-8 at byte ${decoded.invalidAt}`;
    if (fault !== undefined) return { key: null, value: decoded.text, fault, file, line };
    if (where.leaveText?.(decoded.text)) return { key: null, value: decoded.text, file, line };
    const json = parseObject(decoded.text, where.max);
    return { key: keyOf(json), value: decoded.text, json, file, line };
  }
  return {
    key: null,
    value: decodeUtf8(bytes.head).text,
    fault: `event is ${bytes.bytes} bytes, over consumer.max_event_bytes = ${where.max}`,
    cut: { bytes: bytes.bytes, sha256: bytes.sha256 },
    file,
    line,
  };
}

/** Options of {@linkcode fileEvents}. */
export interface FileEventsOptions extends ReadEventFileOptions {
  /** Called when an event of a file is acknowledged. */
  onAck?: (event: FileEvent, outcome: Outcome) => void;
}

/** The events of several files in order, as pipeline input. */
export async function* fileEvents(
  files: string[],
  options: FileEventsOptions = {},
): AsyncGenerator<KeyedEvent> {
  for (const file of files) {
    for await (const event of readEventFile(file, options)) {
      yield {
        key: event.key,
        value: event.value,
        fault: event.fault,
        cut: event.cut,
        json: event.json,
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
