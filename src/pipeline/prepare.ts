/**
 * The first steps of an event, taken ahead of those in flight: decode and route here
 * (or, for an event given as text, on another thread, mapped there too), and the key
 * that keeps events about the same item in order.
 *
 * @module
 */

import { type DecodedEvent, decodeEvent, type EventLimits } from "../decode/mod.ts";
import { PermanentError } from "../errors/mod.ts";
import type { KeyedEvent } from "../events/mod.ts";
import type { PreparedText, PreparePool } from "../offload/mod.ts";
import type { RenderedEvent } from "../records/mod.ts";

/** An event decoded ahead of processing, with its ordering key. */
export interface Prepared {
  decoded?: DecodedEvent;
  /** The project, when decoded on another thread (and `decoded` left there). */
  project?: string;
  /** The mapped event, records as JSON texts, when mapped on another thread. */
  rendered?: RenderedEvent;
  /** Why mapping failed on another thread. */
  mapError?: { reason: string; internal?: boolean };
  error?: unknown;
  orderKey?: string;
}

/** What another thread answered for an event's text, as the pipeline keeps it. */
function fromText(event: KeyedEvent, text: PreparedText): Prepared {
  if ("error" in text) {
    return {
      error: text.internal ? new Error(text.error) : new PermanentError(text.error),
      orderKey: event.key ?? undefined,
    };
  }
  return {
    project: text.project,
    decoded: text.decoded,
    rendered: text.rendered,
    mapError: text.mapError,
    orderKey: text.itemId,
  };
}

function prepareHere(event: KeyedEvent, limits: EventLimits): Prepared {
  if (event.fault !== undefined) {
    return { error: new PermanentError(event.fault), orderKey: event.key ?? undefined };
  }
  try {
    // A file event comes parsed (its limits checked by the input); a Kafka event as text.
    const decoded = decodeEvent(event.json ?? event.value, limits);
    return { decoded, orderKey: decoded.itemId };
  } catch (error) {
    return { error, orderKey: event.key ?? undefined };
  }
}

/**
 * Prepares an event here, or has a pool decode (and map) it on another thread: only an
 * event given as text that the pool finds worth the hand-over.
 */
export function prepareEvent(
  event: KeyedEvent,
  options: { limits: EventLimits; offload?: PreparePool },
): Prepared | Promise<Prepared> {
  const offload = options.offload;
  if (
    offload === undefined || event.fault !== undefined || event.json !== undefined ||
    !offload.takes(event.value)
  ) {
    return prepareHere(event, options.limits);
  }
  return offload.prepare(event.value).then((text) => fromText(event, text));
}
