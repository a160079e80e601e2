/**
 * Applies the RFC 6902 operations of a PATCH event to a STAC item, one at a time
 * and within limits: a bounded number of operations, a bounded size and nesting of
 * the patched item (checked before each operation that adds to it, so that a small
 * patch whose `copy` operations double the item stops at the limit), and no path
 * through `__proto__`, `constructor` or `prototype`. Every fault is a permanent one.
 *
 * @module
 */

import jsonpatch from "fast-json-patch";
import { PermanentError } from "../errors/mod.ts";
import { DEFAULT_MAX_EVENT_BYTES, type PatchOperation } from "../decode/mod.ts";
import { MAX_JSON_DEPTH } from "../decode/limits.ts";
import type { StacItem } from "../plugins/types.ts";
import { measureJson } from "./measure.ts";

const OPS = new Set(["add", "remove", "replace", "move", "copy", "test"]);

/** Path segments a patch may not go through. */
export const REFUSED_PATH_SEGMENTS: ReadonlySet<string> = new Set([
  "__proto__",
  "constructor",
  "prototype",
]);

/** Limits of a patch and of the item it makes. */
export interface PatchLimits {
  /** The most operations one patch may have. */
  maxOperations: number;
  /** The largest patched item, in bytes of its JSON text (approximately). */
  maxItemBytes: number;
  /** The deepest nesting of the patched item. */
  maxDepth: number;
}

/** The default limits: 1000 operations, 32 MiB, {@linkcode MAX_JSON_DEPTH} levels. */
export const DEFAULT_PATCH_LIMITS: PatchLimits = {
  maxOperations: 1000,
  maxItemBytes: DEFAULT_MAX_EVENT_BYTES,
  maxDepth: MAX_JSON_DEPTH,
};

/** Returns a patched copy of `item`; throws {@linkcode PermanentError} naming the bad operation. */
export function applyItemPatch(
  item: StacItem,
  operations: PatchOperation[],
  limits: PatchLimits = DEFAULT_PATCH_LIMITS,
): StacItem {
  if (operations.length === 0) throw new PermanentError("invalid JSON Patch: no operations");
  if (operations.length > limits.maxOperations) {
    throw new PermanentError(
      `invalid JSON Patch: ${operations.length} operations, over the limit of ${limits.maxOperations}`,
    );
  }
  for (const [i, op] of operations.entries()) checkOperation(op, i);
  const start = measureJson(item, { maxBytes: limits.maxItemBytes, maxDepth: limits.maxDepth });
  if (start.over) {
    throw new PermanentError(
      `the STAC item to patch is over ${limits.maxItemBytes} bytes or ${limits.maxDepth} levels deep`,
    );
  }
  let document: unknown = structuredClone(item);
  let bytes = start.bytes;
  for (const [i, op] of operations.entries()) {
    const label = `operation ${i} (${op.op} ${cut(op.path)})`;
    const added = addedValue(document, op);
    if (added !== undefined) {
      const depth = Math.max(pointerDepth(op.path), 0);
      const size = measureJson(added.value, {
        maxBytes: limits.maxItemBytes - bytes,
        maxDepth: limits.maxDepth - depth,
      });
      if (size.over) {
        throw new PermanentError(
          `invalid JSON Patch: ${label} makes the item larger than ${limits.maxItemBytes} bytes or deeper than ${limits.maxDepth} levels`,
        );
      }
      bytes += size.bytes;
    }
    try {
      // The validator is called with the document: it checks that the path exists.
      document = jsonpatch.applyOperation(
        document,
        op as jsonpatch.Operation,
        jsonpatch.validator,
        true,
        true,
        i,
      )
        .newDocument;
    } catch (cause) {
      const name = (cause as { name?: string }).name;
      const why = name && name !== "Error" && name !== "TypeError"
        ? name
        : String((cause as Error).message).split("\n")[0];
      throw new PermanentError(`invalid JSON Patch: ${label}: ${why}`);
    }
  }
  return document as StacItem;
}

function checkOperation(op: PatchOperation, i: number): void {
  if (typeof op !== "object" || op === null || Array.isArray(op) || !OPS.has(op.op)) {
    const name = typeof op === "object" && op !== null ? (op as { op?: unknown }).op : op;
    throw new PermanentError(
      `invalid JSON Patch: operation ${i} has op ${JSON.stringify(name) ?? "undefined"}`,
    );
  }
  for (const field of ["path", "from"] as const) {
    const pointer = op[field];
    if (pointer === undefined && field === "from") continue;
    if (typeof pointer !== "string" || (pointer !== "" && !pointer.startsWith("/"))) {
      throw new PermanentError(
        `invalid JSON Patch: operation ${i} (${op.op}) has ${field} ${
          JSON.stringify(pointer) ?? "undefined"
        }, not a JSON Pointer`,
      );
    }
    for (const segment of pointer.split("/").slice(1)) {
      const key = segment.replaceAll("~1", "/").replaceAll("~0", "~");
      if (REFUSED_PATH_SEGMENTS.has(key)) {
        throw new PermanentError(
          `invalid JSON Patch: operation ${i} (${op.op}) ${field} ${
            JSON.stringify(cut(pointer))
          } goes through "${key}", which is refused`,
        );
      }
    }
  }
  if ((op.op === "move" || op.op === "copy") && typeof op.from !== "string") {
    throw new PermanentError(`invalid JSON Patch: operation ${i} (${op.op}) has no from`);
  }
}

/** The value an operation adds to the document, if it adds one. */
function addedValue(document: unknown, op: PatchOperation): { value: unknown } | undefined {
  if (op.op === "add" || op.op === "replace") return { value: op.value };
  if (op.op !== "copy") return undefined;
  try {
    return { value: jsonpatch.getValueByPointer(document, op.from!) };
  } catch {
    return undefined; // applying the operation reports the bad pointer
  }
}

function pointerDepth(pointer: string): number {
  return pointer === "" ? 0 : pointer.split("/").length - 1;
}

/** A pointer shown in a reason: at most 80 characters. */
function cut(pointer: string): string {
  return pointer.length > 80 ? `${pointer.slice(0, 80)}…` : pointer;
}
