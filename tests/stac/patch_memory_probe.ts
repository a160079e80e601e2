/**
 * Run by `patch_memory_test.ts` in a process of its own: applies a small patch whose 30
 * `copy` operations double the item (argument `arrays`, `objects` or `assets`) and prints
 * the failure reason and the process's peak resident memory (VmHWM, bytes) as JSON.
 *
 * @module
 */

import { applyItemPatch } from "../../src/stac/mod.ts";
import type { StacItem } from "../../src/events/item.ts";
import { makeCmip6Item } from "../fixtures/events.ts";

/** The doubling patch of a kind: 30 copies of a value into itself (or beside itself). */
export function doublingPatch(kind: string): unknown[] {
  if (kind === "assets") {
    return Array.from({ length: 30 }, (_, i) => ({
      op: "copy",
      from: "/assets",
      path: `/assets/a${i}`,
    }));
  }
  const start = kind === "arrays" ? [[]] : {};
  const ops: unknown[] = [{ op: "add", path: "/properties/z", value: start }];
  for (let i = 0; i < 30; i++) {
    const path = kind === "arrays" ? "/properties/z/-" : `/properties/z/${i}`;
    ops.push({ op: "copy", from: "/properties/z", path });
  }
  return ops;
}

if (import.meta.main) {
  const patch = doublingPatch(Deno.args[0]);
  const patchBytes = JSON.stringify(patch).length; // before: the item takes the added values
  let reason = "";
  try {
    applyItemPatch(makeCmip6Item({ files: 2 }) as StacItem, patch as never);
  } catch (error) {
    reason = (error as Error).message;
  }
  const status = Deno.readTextFileSync("/proc/self/status");
  const peak = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  console.log(JSON.stringify({ reason, peak, patchBytes }));
}
