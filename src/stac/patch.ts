/**
 * Applies the patch of a PATCH event to a STAC item, in any of its forms: RFC 6902
 * operations (a bare list or `{"operations": [...]}`) or an RFC 7396 merge patch. Within
 * limits: a bounded number of operations (merge patch: members set or removed), a bounded
 * size and nesting of the patched item, checked before each change that adds to it (so that
 * a small patch whose `copy` operations double the item stops at the limit before its
 * memory grows), and no path or member through `__proto__`, `constructor` or `prototype`.
 * Every fault is a permanent one.
 *
 * @module
 */

import { PermanentError } from "../errors/mod.ts";
import { DEFAULT_MAX_EVENT_BYTES, type ItemPatch, type PatchOperation } from "../decode/mod.ts";
import { MAX_JSON_DEPTH } from "../decode/limits.ts";
import type { StacItem } from "../events/item.ts";
import {
  applyOperation,
  type CheckedOperation,
  checkOperation,
  cloneJson,
  OperationError,
  type PatchBudget,
  shownPointer,
} from "./json_patch.ts";
import { applyMergePatch, MergeError } from "./merge_patch.ts";
import { measureJson } from "./measure.ts";

export { REFUSED_PATH_SEGMENTS } from "./pointer.ts";

/** Limits of a patch and of the item it makes. */
export interface PatchLimits {
  /** The most operations one patch may have (merge patch: members it sets or removes). */
  maxOperations: number;
  /**
   * The largest patched item, in bytes of its JSON text (approximately) plus 32 per object
   * or array (see `measure.ts`).
   */
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

/**
 * Returns a patched copy of `item` (a bare list of operations is taken as
 * `{operations: list}`); throws {@linkcode PermanentError} naming the bad operation or member.
 */
export function applyItemPatch(
  item: StacItem,
  patch: ItemPatch | PatchOperation[],
  limits: PatchLimits = DEFAULT_PATCH_LIMITS,
): StacItem {
  const form: ItemPatch = Array.isArray(patch) ? { operations: patch } : patch;
  const checked = "operations" in form ? checkOperations(form.operations, limits) : undefined;
  const start = measureJson(item, { maxBytes: limits.maxItemBytes, maxDepth: limits.maxDepth });
  if (start.over) {
    throw new PermanentError(
      `the STAC item to patch is over ${limits.maxItemBytes} bytes or ${limits.maxDepth} levels deep`,
    );
  }
  const budget: PatchBudget = {
    maxBytes: limits.maxItemBytes,
    maxDepth: limits.maxDepth,
    bytes: start.bytes,
  };
  let document = cloneJson(item);
  if (checked === undefined) {
    try {
      document = applyMergePatch(document, (form as { merge: Record<string, unknown> }).merge, {
        budget,
        limits,
      });
    } catch (error) {
      if (!(error instanceof MergeError)) throw error;
      const where = error.pointer === "" ? "" : ` member ${shownPointer(error.pointer)}`;
      throw new PermanentError(`invalid merge patch:${where} ${error.message}`);
    }
    return document as StacItem;
  }
  for (const [i, operation] of checked.entries()) {
    try {
      document = applyOperation(document, operation, budget);
    } catch (error) {
      if (!(error instanceof OperationError)) throw error;
      const { op, path } = operation.op;
      const label = `operation ${i} (${op} ${cut(path)})`;
      throw new PermanentError(`invalid JSON Patch: ${label}: ${error.message}`);
    }
  }
  return document as StacItem;
}

/** Checks the count and the form of every operation before any is applied. */
function checkOperations(operations: unknown[], limits: PatchLimits): CheckedOperation[] {
  if (operations.length === 0) throw new PermanentError("invalid JSON Patch: no operations");
  if (operations.length > limits.maxOperations) {
    throw new PermanentError(
      `invalid JSON Patch: ${operations.length} operations, over the limit of ${limits.maxOperations}`,
    );
  }
  return operations.map((op, i) => {
    try {
      return checkOperation(op, i);
    } catch (error) {
      if (error instanceof OperationError) {
        throw new PermanentError(`invalid JSON Patch: ${error.message}`);
      }
      throw error;
    }
  });
}

/** A pointer shown in a reason: at most 80 characters. */
function cut(pointer: string): string {
  return pointer.length > 80 ? `${pointer.slice(0, 80)}…` : pointer;
}
