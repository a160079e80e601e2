/**
 * The map step on its own: an event's item (fetched and patched for a PATCH), its
 * previous version, and the records its project maps it to. The pipeline and
 * `verify` share it, so that `verify` expects exactly what a run registers.
 *
 * @module
 */

import type { DecodedEvent } from "../decode/mod.ts";
import { PermanentError } from "../errors/mod.ts";
import type { StacItem } from "../events/item.ts";
import type { MappedEvent } from "../records/mod.ts";
import { applyItemPatch, DEFAULT_PATCH_LIMITS } from "../stac/mod.ts";
import type { ProjectRoute } from "./routes.ts";

/** Fetches the current item of a PATCH event (e.g. from the STAC API). */
export interface ItemSource {
  /** The item held by the service; throws `TransientError` when it cannot be had. */
  fetchItem(collectionId: string, itemId: string): Promise<StacItem>;
}

/** Options of {@linkcode mapEvent}. */
export interface MapEventOptions {
  /** Items for PATCH events; without it a PATCH event is a permanent failure. */
  items?: ItemSource;
  /** Size limit of a patched item (default that of `DEFAULT_PATCH_LIMITS`). */
  maxItemBytes?: number;
  /** The clock, for the last-resort publication time. */
  now: Date;
  /** Called once a PATCH event's item is patched. */
  onPatched?: () => void;
}

/**
 * Maps a decoded event on its project's route. Throws `PermanentError` for a bad event,
 * `TransientError` when the STAC API or the lookup cannot be reached.
 */
export async function mapEvent(
  decoded: DecodedEvent,
  route: ProjectRoute,
  options: MapEventOptions,
): Promise<MappedEvent> {
  let item: StacItem;
  if (decoded.method === "POST") {
    item = decoded.item;
  } else {
    if (!options.items) throw new PermanentError("PATCH event but no STAC API is configured");
    const current = await options.items.fetchItem(decoded.collectionId!, decoded.itemId);
    item = applyItemPatch(current, decoded.patch, {
      ...DEFAULT_PATCH_LIMITS,
      maxItemBytes: options.maxItemBytes ?? DEFAULT_PATCH_LIMITS.maxItemBytes,
    });
    options.onPatched?.();
  }
  const previousVersion = route.lookup
    ? await route.lookup.previousVersion(decoded.itemId)
    : undefined;
  return route.plugin.map(item, {
    prefix: route.prefix,
    eventTime: decoded.time,
    collectionId: decoded.collectionId,
    now: options.now,
    previousVersion,
  });
}
