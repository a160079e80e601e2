/**
 * What the mapping of an item needs besides the item itself.
 *
 * @module
 */

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
