/**
 * The contract between the pipeline and a project plugin. Plugins are pure: they turn a
 * STAC item into Handle records and know nothing of I/O.
 *
 * @module
 */

import type { StacItem } from "../events/item.ts";
import type { MapContext } from "../mapping/context.ts";
import type { MappedEvent } from "../records/mod.ts";

/** A project plugin: routes events of its project and maps their items to records. */
export interface ProjectPlugin {
  /** Plugin name, as in `consumer.projects` and `[plugins.NAME]` (e.g. `cmip6`). */
  readonly name: string;
  /** Whether an event of this collection / project belongs to the plugin. */
  accepts(collectionId: string): boolean;
  /**
   * Maps an item to its records. Throws `PermanentError` (from `src/errors/mod.ts`)
   * with a one-line reason that names the field or asset when the item is invalid.
   */
  map(item: StacItem, context: MapContext): MappedEvent;
}
