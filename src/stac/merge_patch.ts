/**
 * RFC 7396 JSON Merge Patch of an item, within the limits of a JSON Patch: members of the
 * patch that are objects merge into the item's objects, `null` removes a member, anything
 * else (arrays included) replaces it. Every member the patch sets or removes counts as one
 * operation; each is measured against the size budget before it is made, and no member may
 * be `__proto__`, `constructor` or `prototype`. No recursion.
 *
 * @module
 */

import { grow, OperationError, type PatchBudget, shrink } from "./json_patch.ts";
import { isJsonObject, REFUSED_PATH_SEGMENTS } from "./pointer.ts";

/** The limits of a merge patch besides the budget. */
export interface MergeLimits {
  /** The most members one patch may set or remove. */
  maxOperations: number;
}

/** Where a merge patch failed: the member's pointer and why. */
export class MergeError extends Error {
  /** The pointer of the member (`""` for the patch itself). */
  readonly pointer: string;

  /** A failure at `pointer`. */
  constructor(pointer: string, reason: string) {
    super(reason);
    this.pointer = pointer;
  }
}

interface Pending {
  target: Record<string, unknown>;
  patch: Record<string, unknown>;
  pointer: string;
  depth: number;
}

/**
 * Merges `patch` into `document` (an object changed in place, or replaced by `{}` when it is
 * not one) and returns it. Throws {@linkcode MergeError}.
 */
export function applyMergePatch(
  document: unknown,
  patch: Record<string, unknown>,
  options: { budget: PatchBudget; limits: MergeLimits },
): Record<string, unknown> {
  const { budget, limits } = options;
  let root: Record<string, unknown>;
  if (isJsonObject(document)) root = document;
  else {
    shrink(document, budget);
    root = {};
  }
  let operations = 0;
  const pending: Pending[] = [{ target: root, patch, pointer: "", depth: 0 }];
  while (pending.length > 0) {
    const { target, patch: part, pointer, depth } = pending.pop()!;
    for (const name in part) {
      if (!Object.hasOwn(part, name)) continue;
      const here = `${pointer}/${name.replaceAll("~", "~0").replaceAll("/", "~1")}`;
      if (REFUSED_PATH_SEGMENTS.has(name)) {
        throw new MergeError(here, `member "${name}" is refused`);
      }
      const value = part[name];
      const existing = Object.hasOwn(target, name) ? target[name] : undefined;
      if (isJsonObject(value) && isJsonObject(existing)) {
        pending.push({ target: existing, patch: value, pointer: here, depth: depth + 1 });
        continue;
      }
      if (++operations > limits.maxOperations) {
        throw new MergeError(
          "",
          `sets or removes more than ${limits.maxOperations} members, over the limit`,
        );
      }
      if (existing !== undefined) shrink(existing, budget);
      if (value === null) {
        delete target[name];
        continue;
      }
      const merged = isJsonObject(value) ? withoutNulls(value, here) : value;
      try {
        grow(merged, depth + 1, budget);
      } catch (error) {
        if (error instanceof OperationError) throw new MergeError(here, error.message);
        throw error;
      }
      target[name] = merged;
    }
  }
  return root;
}

/** An object as a merge patch makes it from nothing: its `null` members (deep) left out. */
function withoutNulls(value: Record<string, unknown>, pointer: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  const pending: Array<[Record<string, unknown>, Record<string, unknown>, string]> = [
    [value, root, pointer],
  ];
  while (pending.length > 0) {
    const [source, target, at] = pending.pop()!;
    for (const name in source) {
      if (!Object.hasOwn(source, name)) continue;
      const here = `${at}/${name.replaceAll("~", "~0").replaceAll("/", "~1")}`;
      if (REFUSED_PATH_SEGMENTS.has(name)) {
        throw new MergeError(here, `member "${name}" is refused`);
      }
      const element = source[name];
      if (element === null) continue;
      if (isJsonObject(element)) {
        const copy: Record<string, unknown> = {};
        target[name] = copy;
        pending.push([element, copy, here]);
      } else {
        target[name] = element;
      }
    }
  }
  return root;
}
