/**
 * The STAC item an event carries, as far as piddiplatsch reads it.
 *
 * @module
 */

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
