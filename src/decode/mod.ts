/**
 * Step 1 of the pipeline: decode the raw text of an event into an envelope the
 * pipeline understands (`../shared/spec/events.md`). Every fault is a
 * {@linkcode PermanentError} with a one-line reason.
 *
 * @module
 */

import { PermanentError } from "../errors/mod.ts";
import { resolveProject } from "../mapping/project.ts";
import type { StacItem } from "../plugins/types.ts";

/** A JSON Patch operation (RFC 6902), as carried by a PATCH event. */
export interface PatchOperation {
  /** `add`, `remove`, `replace`, `move`, `copy` or `test`. */
  op: string;
  /** JSON Pointer. */
  path: string;
  /** Value for add, replace, test. */
  value?: unknown;
  /** Source pointer for move and copy. */
  from?: string;
}

/** Fields every decoded event has. */
interface DecodedBase {
  /** The project the event names (`../shared/spec/projects.md`), as written there. */
  project: string;
  /** `data.payload.collection_id` (or the item's collection), if any. */
  collectionId?: string;
  /** `metadata.time`, if any. */
  time?: string;
  /** The parsed envelope, as received. */
  envelope: Record<string, unknown>;
}

/** A POST or PUT event: the whole item. */
export interface DecodedPost extends DecodedBase {
  /** POST and PUT are handled alike. */
  method: "POST";
  /** The STAC item. */
  item: StacItem;
  /** The item id. */
  itemId: string;
}

/** A PATCH event: operations to apply to the item held by the STAC API. */
export interface DecodedPatch extends DecodedBase {
  /** A partial update. */
  method: "PATCH";
  /** The id of the item to patch. */
  itemId: string;
  /** The operations. */
  operations: PatchOperation[];
}

/** A decoded event. */
export type DecodedEvent = DecodedPost | DecodedPatch;

const NO_PROJECT =
  "no project: data.payload.collection_id, item.collection and item.properties.project are all missing";

/** Parses the text of a JSON value; non-JSON is a permanent error. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const why = error instanceof SyntaxError ? error.message : String(error);
    throw new PermanentError(`value is not JSON: ${why}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") {
    throw new PermanentError(`${field} must be a string, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Decodes the raw text of an event (or an already parsed value). */
export function decodeEvent(raw: string | unknown): DecodedEvent {
  const envelope = typeof raw === "string" ? parseJson(raw) : raw;
  if (!isObject(envelope)) {
    throw new PermanentError(`value is not a JSON object (got ${jsonType(envelope)})`);
  }
  const data = envelope.data;
  if (!isObject(data)) throw new PermanentError("missing data object");
  const payload = data.payload;
  if (!isObject(payload)) throw new PermanentError("missing data.payload");
  const type = optionalString(data.type, "data.type");
  if (type !== undefined && type.toUpperCase() !== "STAC") {
    throw new PermanentError(`data.type is ${JSON.stringify(type)}, expected "STAC"`);
  }
  const metadata = isObject(envelope.metadata) ? envelope.metadata : {};
  const time = optionalString(metadata.time, "metadata.time");
  const method = (optionalString(payload.method, "data.payload.method") ?? "POST").toUpperCase();
  if (method === "POST" || method === "PUT") {
    const item = payload.item;
    if (!isObject(item)) throw new PermanentError(`${method} without data.payload.item`);
    const itemId = item.id;
    if (typeof itemId !== "string" || itemId === "") {
      throw new PermanentError(`item.id must be a non-empty string, got ${JSON.stringify(itemId)}`);
    }
    const properties = isObject(item.properties) ? item.properties : {};
    const project = resolveProject({
      collectionId: payload.collection_id,
      collection: item.collection,
      project: properties.project,
    });
    if (project === undefined) throw new PermanentError(NO_PROJECT);
    return {
      method: "POST",
      item: item as StacItem,
      itemId,
      project,
      collectionId: project,
      time,
      envelope,
    };
  }
  if (method === "PATCH") {
    const itemId = optionalString(payload.item_id, "data.payload.item_id");
    if (itemId === undefined) throw new PermanentError("PATCH without data.payload.item_id");
    const patch = payload.patch;
    const operations = isObject(patch)
      ? patch.operations
      : Array.isArray(patch)
      ? patch
      : undefined;
    if (!Array.isArray(operations)) {
      throw new PermanentError("PATCH without data.payload.patch.operations");
    }
    const collectionId = resolveProject({ collectionId: payload.collection_id });
    if (collectionId === undefined) {
      throw new PermanentError("PATCH without data.payload.collection_id");
    }
    return {
      method: "PATCH",
      itemId,
      operations: operations as PatchOperation[],
      project: collectionId,
      collectionId,
      time,
      envelope,
    };
  }
  throw new PermanentError(`unsupported data.payload.method ${JSON.stringify(payload.method)}`);
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}
