/**
 * Project identity of an event: `item.collection`, `properties.project` and the
 * payload's `collection_id` must agree (case-insensitively) where present.
 *
 * @module
 */

import { PermanentError } from "../errors/mod.ts";

/** The three places that name the project; any may be absent. */
export interface ProjectSources {
  /** `item.collection`. */
  collection?: unknown;
  /** `item.properties.project`. */
  project?: unknown;
  /** `data.payload.collection_id`. */
  collectionId?: unknown;
}

/**
 * The project named by the event (the first present of collection id, collection,
 * project), or `undefined` if none is given. Throws `PermanentError` if a value is not a
 * string or two of them disagree.
 */
export function resolveProject(sources: ProjectSources): string | undefined {
  const named: Array<[string, string]> = [];
  const candidates: Array<[string, unknown]> = [
    ["payload collection_id", sources.collectionId],
    ["collection", sources.collection],
    ["properties.project", sources.project],
  ];
  for (const [field, value] of candidates) {
    if (value === undefined || value === null || value === "") continue;
    if (typeof value !== "string") {
      throw new PermanentError(
        `${field} must be a string, got ${typeof value} ${JSON.stringify(value)}`,
      );
    }
    named.push([field, value.trim()]);
  }
  if (named.length === 0) return undefined;
  const [firstField, first] = named[0];
  for (const [field, value] of named.slice(1)) {
    if (value.toLowerCase() !== first.toLowerCase()) {
      throw new PermanentError(
        `project mismatch: ${firstField} is ${JSON.stringify(first)} but ${field} is ${
          JSON.stringify(value)
        }`,
      );
    }
  }
  return first;
}
