/**
 * The keyed event: what every input (Kafka, event files, retry files) hands to the
 * pipeline, and how the pipeline hands it back.
 *
 * @module
 */

export type { StacItem } from "./item.ts";

/** Where an event came from: a Kafka record or a line of a file. */
export type Provenance =
  | { topic: string; partition: number; offset: string }
  | { file: string; line: number };

/** How an event ended: registered, recorded as failed or skipped, or filtered out. */
export type Outcome = "registered" | "failed" | "skipped" | "filtered";

/** One event on its way through the pipeline. */
export interface KeyedEvent {
  /** The record key (usually the item id), or null. */
  key: string | null;
  /** The value as received: UTF-8 text, JSON or not. */
  value: string;
  /**
   * The value already parsed, when the input had to parse it anyway (a JSON object,
   * never anything else): the pipeline then decodes this instead of parsing `value`
   * again. Never modified.
   */
  json?: Record<string, unknown>;
  /** Where it came from. */
  source: Provenance;
  /**
   * A fault the input found before the value could be read as text (e.g. "value not
   * UTF-8 at byte 17"): the event fails with it as its reason.
   */
  fault?: string;
  /**
   * Set when `value` holds only the start of the event (the input cut an event over
   * `consumer.max_event_bytes`): the whole event's size in bytes and its SHA-256.
   */
  cut?: { bytes: number; sha256: string };
  /** How often it has been retried already (0 for a fresh event). */
  retries: number;
  /**
   * The `id` of the failure or skipped line the event was restored from (`retry`): a
   * new line for it keeps that id, so that the event is counted once across runs.
   */
  recordId?: string;
  /**
   * Called exactly once when the event is done: registered, or recorded in a failure
   * or skipped file. The input may then commit it. Never called for an event left
   * for the next run.
   */
  ack(outcome: Outcome): void;
}

/** Provenance as flat fields for a JSONL record (`topic`, `partition`, `offset` or `file`, `line`). */
export function provenanceFields(source: Provenance): Record<string, string | number> {
  return { ...source };
}

/** Provenance as short text for log lines: `topic/partition@offset` or `file:line`. */
export function provenanceText(source: Provenance): string {
  return "file" in source
    ? `${source.file}:${source.line}`
    : `${source.topic}/${source.partition}@${source.offset}`;
}
