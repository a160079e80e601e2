/**
 * The contract between the pipeline and a project plugin. Plugins are pure: they
 * turn a STAC item into Handle records and know nothing of I/O.
 *
 * @module
 */

import type { MappedEvent } from "../records/mod.ts";

/** A STAC item as it arrives in an event (only the fields piddiplatsch reads are typed). */
export interface StacItem {
  /** Dataset id with version. */
  id?: unknown;
  /** Project / collection. */
  collection?: unknown;
  /** Item properties. */
  properties?: Record<string, unknown>;
  /** Asset map, in item order. */
  assets?: Record<string, Record<string, unknown>>;
  /** Anything else. */
  [key: string]: unknown;
}

/** Everything a plugin needs besides the item. */
export interface MapContext {
  /** Handle prefix; it always wins over a prefix given in the event. */
  prefix: string;
  /** `metadata.time` of the event (ISO 8601), if given. */
  eventTime?: string;
  /** `data.payload.collection_id`, if given. */
  collectionId?: string;
  /** The clock, for the last-resort publication time. */
  now: Date;
  /** Item id of the previous version, when the version lookup found one. */
  previousVersion?: string;
}

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
