/**
 * RFC 6902 operations applied one at a time to a document this module may change, within a
 * size budget that is checked before anything is added: a `copy` is measured (and refused
 * when over the budget) before its value is cloned, so that the memory a patch takes stays
 * bounded on the way, not only at the end. No recursion: deep values cannot exhaust the
 * stack.
 *
 * @module
 */

import type { PatchOperation } from "../decode/mod.ts";
import { measureJson } from "./measure.ts";
import { arrayIndex, isJsonObject, parsePointer, refusedKey, valueAt } from "./pointer.ts";

/** The size budget of a patched document, and what it holds now. */
export interface PatchBudget {
  /** The largest document, as {@linkcode measureJson} measures it. */
  maxBytes: number;
  /** The deepest nesting. */
  maxDepth: number;
  /** The measure of the document now. */
  bytes: number;
}

/** Why an operation failed: a one-line text (without the operation's label). */
export class OperationError extends Error {}

const OPS = new Set(["add", "remove", "replace", "move", "copy", "test"]);

/** The pointers of a checked operation, as keys. */
export interface CheckedOperation {
  /** The operation. */
  op: PatchOperation;
  /** The keys of its `path`. */
  path: string[];
  /** The keys of its `from` (move and copy). */
  from?: string[];
}

/**
 * Checks the form of an operation: a known `op`, a `path` (and for move and copy a `from`)
 * that is a JSON Pointer and goes through no refused key, and a `value` where one is needed.
 */
export function checkOperation(op: unknown, i: number): CheckedOperation {
  if (!isJsonObject(op) || typeof op.op !== "string" || !OPS.has(op.op)) {
    const name = isJsonObject(op) ? op.op : op;
    throw new OperationError(`operation ${i} has op ${JSON.stringify(name) ?? "undefined"}`);
  }
  const operation = op as unknown as PatchOperation;
  const keysOf = (field: "path" | "from"): string[] => {
    const pointer = operation[field];
    const parsed = parsePointer(pointer);
    if ("problem" in parsed) {
      throw new OperationError(
        `operation ${i} (${operation.op}) has ${field} ${
          shownPointer(pointer)
        }, which is ${parsed.problem}`,
      );
    }
    const refused = refusedKey(parsed.keys);
    if (refused !== undefined) {
      throw new OperationError(
        `operation ${i} (${operation.op}) ${field} ${
          shownPointer(pointer)
        } goes through "${refused}", which is refused`,
      );
    }
    return parsed.keys;
  };
  const path = keysOf("path");
  if (operation.op === "move" || operation.op === "copy") {
    if (operation.from === undefined) {
      throw new OperationError(`operation ${i} (${operation.op}) has no from`);
    }
    return { op: operation, path, from: keysOf("from") };
  }
  if (
    (operation.op === "add" || operation.op === "replace" || operation.op === "test") &&
    !Object.hasOwn(op, "value")
  ) {
    throw new OperationError(`operation ${i} (${operation.op}) has no value`);
  }
  return { op: operation, path };
}

/**
 * Applies one checked operation to `document` (changed in place where it can be) and returns
 * the document (a new one when the operation replaces it whole). Throws
 * {@linkcode OperationError} when the operation does not apply or would break the budget.
 */
export function applyOperation(
  document: unknown,
  checked: CheckedOperation,
  budget: PatchBudget,
): unknown {
  const { op, path } = checked;
  switch (op.op) {
    case "test": {
      const found = valueAt(document, path);
      if (found === undefined) throw new OperationError(`path does not exist`);
      if (!jsonEqual(found.value, op.value)) throw new OperationError("test failed");
      return document;
    }
    case "remove":
      return remove(document, path, budget);
    case "add":
      grow(op.value, path.length, budget);
      replaced(document, path, budget);
      return add(document, path, op.value);
    case "replace": {
      if (valueAt(document, path) === undefined) throw new OperationError("path does not exist");
      const removed = remove(document, path, budget);
      grow(op.value, path.length, budget);
      return add(removed, path, op.value);
    }
    case "move": {
      const from = checked.from!;
      const found = valueAt(document, from);
      if (found === undefined) throw new OperationError("from does not exist");
      if (isPrefix(from, path) && from.length < path.length) {
        throw new OperationError("from is a parent of path (a value cannot move into itself)");
      }
      if (from.length === path.length && isPrefix(from, path)) return document;
      const moved = remove(document, from, budget);
      grow(found.value, path.length, budget);
      return add(moved, path, found.value);
    }
    default: { // copy
      const found = valueAt(document, checked.from!);
      if (found === undefined) throw new OperationError("from does not exist");
      grow(found.value, path.length, budget); // measured before it is cloned
      replaced(document, path, budget);
      return add(document, path, cloneJson(found.value));
    }
  }
}

/**
 * Counts a value about to be added at `depth`; throws {@linkcode OperationError} when it
 * would break the budget (then nothing is counted, and nothing must be added).
 */
export function grow(value: unknown, depth: number, budget: PatchBudget): void {
  const size = measureJson(value, {
    maxBytes: budget.maxBytes - budget.bytes,
    maxDepth: budget.maxDepth - depth,
  });
  if (size.over) {
    throw new OperationError(
      `makes the item larger than ${budget.maxBytes} bytes or deeper than ${budget.maxDepth} levels`,
    );
  }
  budget.bytes += size.bytes;
}

/**
 * Takes off the budget the member an `add` or `copy` at `path` replaces (an object's member
 * that exists; an array index inserts, it replaces nothing).
 */
function replaced(document: unknown, path: string[], budget: PatchBudget): void {
  if (path.length === 0) return shrink(document, budget);
  const parent = valueAt(document, path.slice(0, -1));
  const key = path[path.length - 1];
  if (parent !== undefined && isJsonObject(parent.value) && Object.hasOwn(parent.value, key)) {
    shrink(parent.value[key], budget);
  }
}

/** Fails unless the parent of `path` exists and can take its last key. */
function checkParent(document: unknown, path: string[]): void {
  const parent = valueAt(document, path.slice(0, -1));
  const key = path[path.length - 1];
  if (parent === undefined) throw new OperationError("path does not exist");
  if (Array.isArray(parent.value)) {
    if (arrayIndex(key, parent.value.length, true) < 0) {
      throw new OperationError(`path names no index of its array`);
    }
  } else if (!isJsonObject(parent.value)) {
    throw new OperationError("path does not exist");
  }
}

function add(document: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  checkParent(document, path);
  const parent = valueAt(document, path.slice(0, -1))!.value;
  const key = path[path.length - 1];
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(key, parent.length, true), 0, value);
  } else {
    (parent as Record<string, unknown>)[key] = value;
  }
  return document;
}

/** Takes a value about to be removed off the budget. */
export function shrink(value: unknown, budget: PatchBudget): void {
  const size = measureJson(value, { maxBytes: Infinity, maxDepth: Infinity }).bytes;
  budget.bytes -= Math.min(budget.bytes, size);
}

function remove(document: unknown, path: string[], budget: PatchBudget): unknown {
  const found = valueAt(document, path);
  if (found === undefined) throw new OperationError("path does not exist");
  shrink(found.value, budget);
  if (path.length === 0) return null;
  const parent = valueAt(document, path.slice(0, -1))!.value;
  const key = path[path.length - 1];
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete (parent as Record<string, unknown>)[key];
  return document;
}

function isPrefix(prefix: string[], keys: string[]): boolean {
  return prefix.length <= keys.length && prefix.every((key, i) => keys[i] === key);
}

/**
 * A deep copy of a JSON value, without recursion: each object and array is copied at its
 * exact size (no spare room), texts are shared (they cannot change).
 */
export function cloneJson(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  const root = shallowCopy(value);
  // copies whose members still are the originals' objects
  const pending: object[] = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const element = node[i];
        if (typeof element === "object" && element !== null) {
          pending.push(node[i] = shallowCopy(element));
        }
      }
    } else {
      const object = node as Record<string, unknown>;
      for (const key in object) {
        const element = object[key];
        if (typeof element === "object" && element !== null && Object.hasOwn(object, key)) {
          const copy = shallowCopy(element);
          // a member named __proto__ (made by JSON.parse) stays a member
          if (key === "__proto__") Object.defineProperty(object, key, { value: copy });
          else object[key] = copy;
          pending.push(copy);
        }
      }
    }
  }
  return root;
}

function shallowCopy(value: object): object {
  return Array.isArray(value) ? value.slice() : { ...value };
}

/** Whether two JSON values are equal (objects regardless of member order), without recursion. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  const pairs: Array<[unknown, unknown]> = [[a, b]];
  while (pairs.length > 0) {
    const [x, y] = pairs.pop()!;
    if (x === y) continue;
    if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    if (Array.isArray(x)) {
      const other = y as unknown[];
      if (x.length !== other.length) return false;
      for (let i = 0; i < x.length; i++) pairs.push([x[i], other[i]]);
    } else {
      const xs = Object.keys(x), other = y as Record<string, unknown>;
      if (xs.length !== Object.keys(other).length) return false;
      for (const key of xs) {
        if (!Object.hasOwn(other, key)) return false;
        pairs.push([(x as Record<string, unknown>)[key], other[key]]);
      }
    }
  }
  return true;
}

/** A pointer shown in a reason: as JSON, at most 80 characters. */
export function shownPointer(pointer: unknown): string {
  if (typeof pointer !== "string") return JSON.stringify(pointer) ?? "undefined";
  return JSON.stringify(pointer.length > 80 ? `${pointer.slice(0, 80)}…` : pointer);
}
