/**
 * What `verify` expects on the Handle server: the records each input must have produced.
 * Event texts go through the steps `consume` takes before registering (decode, route to
 * the project, PATCH through the STAC API, previous-version lookup, map); dry-run handle
 * lines are records already. A later record of the same handle replaces an earlier one.
 *
 * @module
 */

import { decodeEvent } from "../decode/mod.ts";
import { describeError } from "../errors/mod.ts";
import type { ItemSource, VersionLookup } from "../pipeline/mod.ts";
import type { ProjectPlugin, StacItem } from "../plugins/types.ts";
import { type HandleRecord, registrationOrder } from "../records/mod.ts";
import { applyItemPatch } from "../stac/mod.ts";

/** One input line: an event (raw or restored from a failure or skipped line) or a record. */
export interface InputText {
  /** The text. */
  text: string;
  /** Where it came from, `file:line` or `topic/partition@offset`. */
  where: string;
}

/** The steps that turn an event into records. */
export interface ExpectOptions {
  /** The project plugin. */
  plugin: ProjectPlugin;
  /** The handle prefix. */
  prefix: string;
  /** Items for PATCH events. */
  items?: ItemSource;
  /** The previous-version lookup, when enabled. */
  lookup?: VersionLookup;
}

/** The expected records by handle, and the inputs that cannot have produced any. */
export interface Expectation {
  /** Handle → the record it must hold. */
  records: Map<string, HandleRecord>;
  /** Inputs that map to no records, with the reason (`where: reason`). */
  unverifiable: string[];
  /** Events read. */
  events: number;
}

/** Creates an empty expectation. */
export function newExpectation(): Expectation {
  return { records: new Map(), unverifiable: [], events: 0 };
}

/** Adds what one input line must have produced. */
export async function expect(
  expectation: Expectation,
  input: InputText,
  options: ExpectOptions,
): Promise<void> {
  expectation.events++;
  let value: unknown;
  try {
    value = JSON.parse(input.text);
  } catch {
    value = undefined;
  }
  const record = asRecord(value);
  if (record !== undefined) {
    expectation.records.set(record.handle, record);
    return;
  }
  try {
    const decoded = decodeEvent(restored(value) ?? input.text);
    if (!options.plugin.accepts(decoded.collectionId ?? "")) {
      expectation.unverifiable.push(`${input.where}: filtered (project not selected)`);
      return;
    }
    let item: StacItem;
    if (decoded.method === "POST") {
      item = decoded.item;
    } else {
      if (!options.items) throw new Error("PATCH event but no STAC API is configured");
      item = applyItemPatch(
        await options.items.fetchItem(decoded.collectionId!, decoded.itemId),
        decoded.operations,
      );
    }
    const previousVersion = options.lookup
      ? await options.lookup.previousVersion(decoded.itemId)
      : undefined;
    const mapped = options.plugin.map(item, {
      prefix: options.prefix,
      eventTime: decoded.time,
      collectionId: decoded.collectionId,
      now: new Date(),
      previousVersion,
    });
    for (const r of registrationOrder(mapped)) expectation.records.set(r.handle, r);
  } catch (error) {
    expectation.unverifiable.push(`${input.where}: ${describeError(error)}`);
  }
}

/** A dry-run handle line as a record, or undefined. */
function asRecord(value: unknown): HandleRecord | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const { handle, URL, data } = value as Record<string, unknown>;
  if (typeof handle !== "string" || typeof URL !== "string") return undefined;
  if (typeof data !== "object" || data === null || Array.isArray(data)) return undefined;
  return { handle, URL, data: data as Record<string, unknown> };
}

/** The event of a failure or skipped line (`__infos__` taken off, `__raw__` restored). */
function restored(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const { __infos__: infos, __raw__: raw, ...event } = value as Record<string, unknown>;
  if (infos === undefined && raw === undefined) return value;
  return typeof raw === "string" ? raw : event;
}
