/**
 * Applies the RFC 6902 operations of a PATCH event to a STAC item, validating them
 * first; an invalid patch is a permanent failure.
 *
 * @module
 */

import jsonpatch from "fast-json-patch";
import { PermanentError } from "../errors/mod.ts";
import type { PatchOperation } from "../decode/mod.ts";
import type { StacItem } from "../plugins/types.ts";

const OPS = new Set(["add", "remove", "replace", "move", "copy", "test"]);

/** Returns a patched copy of `item`; throws {@linkcode PermanentError} naming the bad operation. */
export function applyItemPatch(item: StacItem, operations: PatchOperation[]): StacItem {
  if (operations.length === 0) throw new PermanentError("invalid JSON Patch: no operations");
  for (const [i, op] of operations.entries()) {
    if (typeof op !== "object" || op === null || !OPS.has(op.op)) {
      throw new PermanentError(
        `invalid JSON Patch: operation ${i} has op ${JSON.stringify(op?.op)}`,
      );
    }
  }
  const document = structuredClone(item);
  // deno-lint-ignore no-explicit-any
  const ops = operations as any[];
  const error = jsonpatch.validate(ops, document);
  if (error) {
    const index = (error as { index?: number }).index;
    const path = operations[index ?? 0]?.path;
    throw new PermanentError(
      `invalid JSON Patch: operation ${index ?? "?"} (${operations[index ?? 0]?.op} ${path}): ${
        error.name ?? error.message.split("\n")[0]
      }`,
    );
  }
  try {
    return jsonpatch.applyPatch(document, ops, false, true).newDocument as StacItem;
  } catch (cause) {
    throw new PermanentError(
      `invalid JSON Patch: ${String((cause as Error).message).split("\n")[0]}`,
    );
  }
}
