/**
 * Step 1 of the pipeline: decode the raw text of an event into an envelope the
 * pipeline understands (see `docs/events.md`). Every fault is a
 * {@linkcode PermanentError} with a one-line reason.
 *
 * @module
 */

import { PermanentError } from "../errors/mod.ts";
import { resolveProject } from "./project.ts";
import type { StacItem } from "../events/item.ts";
import { DEFAULT_EVENT_LIMITS, type EventLimits, limitProblem } from "./limits.ts";

export {
  DEFAULT_EVENT_LIMITS,
  DEFAULT_MAX_EVENT_BYTES,
  type EventLimits,
  findDepthExcess,
  limitProblem,
  MAX_JSON_DEPTH,
  utf8Length,
} from "./limits.ts";
export { decodeUtf8, invalidUtf8Offset, type Utf8Text } from "./utf8.ts";
export { type ProjectSources, resolveProject } from "./project.ts";

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

/**
 * The change a PATCH event carries: RFC 6902 operations (sent as a bare list or as
 * `{"operations": [...]}`), or an RFC 7396 merge patch of the item (any other object).
 */
export type ItemPatch =
  | { operations: PatchOperation[] }
  | { merge: Record<string, unknown> };

/** Fields every decoded event has. */
interface DecodedBase {
  /** The project the event names (`docs/projects.md`), as written there. */
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
  /** The change, in the form it came. */
  patch: ItemPatch;
}

/** A decoded event. */
export type DecodedEvent = DecodedPost | DecodedPatch;

const NO_PROJECT =
  "no project: data.payload.collection_id, item.collection and item.properties.project are all missing";

/**
 * Parses the text of a JSON value; non-JSON, and text over the size or nesting
 * limits (checked first, without recursion), is a permanent error.
 */
export function parseJson(text: string, limits: EventLimits = DEFAULT_EVENT_LIMITS): unknown {
  const problem = limitProblem(text, limits);
  if (problem !== undefined) throw new PermanentError(problem);
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

/**
 * Decodes the raw text of an event (or an already parsed value); the text must keep
 * `limits` (default {@linkcode DEFAULT_EVENT_LIMITS}).
 */
export function decodeEvent(
  raw: string | unknown,
  limits: EventLimits = DEFAULT_EVENT_LIMITS,
): DecodedEvent {
  const envelope = typeof raw === "string" ? parseJson(raw, limits) : raw;
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
    checkIdText(itemId, "item.id");
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
    checkIdText(itemId, "data.payload.item_id");
    const patch = patchOf(payload.patch);
    const collectionId = resolveProject({ collectionId: payload.collection_id });
    if (collectionId === undefined) {
      throw new PermanentError("PATCH without data.payload.collection_id");
    }
    return {
      method: "PATCH",
      itemId,
      patch,
      project: collectionId,
      collectionId,
      time,
      envelope,
    };
  }
  throw new PermanentError(`unsupported data.payload.method ${JSON.stringify(payload.method)}`);
}

/**
 * The three forms of `data.payload.patch`: a list of operations, an object holding them
 * under `operations`, or any other object, a merge patch.
 */
function patchOf(patch: unknown): ItemPatch {
  if (Array.isArray(patch)) return { operations: patch as PatchOperation[] };
  if (!isObject(patch)) {
    throw new PermanentError(
      patch === undefined || patch === null
        ? "PATCH without data.payload.patch"
        : `data.payload.patch is ${jsonType(patch)}, not a list of operations or an object`,
    );
  }
  if (!Object.hasOwn(patch, "operations")) return { merge: patch };
  if (!Array.isArray(patch.operations)) {
    throw new PermanentError(
      `data.payload.patch.operations is ${jsonType(patch.operations)}, not a list`,
    );
  }
  return { operations: patch.operations as PatchOperation[] };
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

// C0 controls, DEL and C1 controls.
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

/**
 * An item id goes into URLs (STAC API, lookup) and records: a control character or a
 * lone surrogate in it is a fault of the event, found before any service is asked.
 */
function checkIdText(id: string, field: string): void {
  const control = CONTROL.exec(id);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
    throw new PermanentError(
      `${field} ${
        JSON.stringify(id.slice(0, 80))
      } holds control character U+${code} at ${control.index}`,
    );
  }
  if (!id.isWellFormed()) {
    throw new PermanentError(
      `${field} ${
        JSON.stringify(id.slice(0, 80))
      } holds a lone surrogate (not well-formed Unicode)`,
    );
  }
}
