/**
 * How an event is kept in a failure or skipped line: as its JSON object when it can
 * be, else as its text. Text is kept when the event is not a JSON object, nests too
 * deeply to be handled as JSON, is larger than the event limit, or its input found
 * a fault (e.g. not UTF-8); text longer than {@linkcode KEPT_TEXT_CHARS} is cut, and
 * then its byte length and SHA-256 say what it was.
 *
 * @module
 */

import { createHash } from "node:crypto";
import {
  DEFAULT_MAX_EVENT_BYTES,
  exceedsBytes,
  findDepthExcess,
  MAX_JSON_DEPTH,
  utf8Length,
} from "../decode/limits.ts";
import type { KeyedEvent } from "../events/mod.ts";

/** The most characters of an event's text kept in a line. */
export const KEPT_TEXT_CHARS = 64 * 1024;

/** An event kept as its JSON object. */
export interface KeptObject {
  /** The event. */
  object: Record<string, unknown>;
}

/** An event kept as its text. */
export interface KeptText {
  /** The text, cut to {@linkcode KEPT_TEXT_CHARS} characters. */
  text: string;
  /** When the text was cut or the event could not be kept as JSON: what it was. */
  about?: {
    /** Its length in UTF-8 bytes. */
    bytes: number;
    /** SHA-256 of those bytes, in hex. */
    sha256: string;
    /** Whether `text` is only its start. */
    cut: boolean;
    /** Why it is kept as text. */
    why: string;
  };
}

/** How an event is kept. */
export type Kept = KeptObject | KeptText;

/** Decides how an event is kept; events over `maxEventBytes` are never parsed. */
export function keepEvent(event: KeyedEvent, maxEventBytes = DEFAULT_MAX_EVENT_BYTES): Kept {
  const text = event.value;
  if (event.cut !== undefined) {
    // The input kept only the start: its size and hash are those of the whole event.
    const kept = keepText(text, event.fault ?? "cut by the input");
    return { text: kept.text, about: { ...kept.about!, ...event.cut, cut: true } };
  }
  let why: string | undefined;
  if (event.fault !== undefined) why = event.fault;
  else if (exceedsBytes(text, maxEventBytes)) why = "over consumer.max_event_bytes";
  else if (findDepthExcess(text, MAX_JSON_DEPTH) !== undefined) {
    why = `nests deeper than ${MAX_JSON_DEPTH} levels`;
  }
  if (why === undefined) {
    const object = parseObject(text);
    if (object !== undefined) return { object };
    if (text.length <= KEPT_TEXT_CHARS) return { text };
    why = "not a JSON object";
  }
  return keepText(text, why);
}

/** Keeps a text: cut to {@linkcode KEPT_TEXT_CHARS}, with its length and SHA-256. */
export function keepText(text: string, why: string): KeptText {
  const cut = text.length > KEPT_TEXT_CHARS;
  return {
    text: cut ? text.slice(0, KEPT_TEXT_CHARS).toWellFormed() : text,
    about: {
      bytes: utf8Length(text),
      sha256: createHash("sha256").update(text.toWellFormed(), "utf8").digest("hex"),
      cut,
      why,
    },
  };
}

/** The note a reason gets when the event is kept as text (why, unless the reason says it). */
export function keptNote(kept: KeptText, reason: string): string {
  if (!kept.about) return "";
  const { bytes, cut, why } = kept.about;
  const what = `${bytes} bytes${cut ? `, first ${KEPT_TEXT_CHARS} characters` : ""}`;
  return reason.includes(why)
    ? `; event kept as text (${what})`
    : `; event kept as text (${why}; ${what})`;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
