/**
 * Project identity of an event (`docs/projects.md`): the payload's
 * `collection_id`, then `item.collection`, then `item.properties.project`; each a
 * non-empty string or a list of exactly one, compared case-insensitively. The
 * first segment of `item.id` never decides.
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

/** Field names used in reasons, in precedence order. */
const FIELDS = [
  ["collectionId", "data.payload.collection_id"],
  ["collection", "item.collection"],
  ["project", "item.properties.project"],
] as const;

/**
 * The project named by the event (the first present of collection id, collection,
 * project, as written there), or `undefined` if none is given. Throws `PermanentError`
 * if a value is neither a string nor a one-string list, or if two present values differ.
 */
export function resolveProject(sources: ProjectSources): string | undefined {
  const named: Array<[string, string]> = [];
  for (const [key, field] of FIELDS) {
    const value = projectValue(sources[key], field);
    if (value !== undefined) named.push([field, value]);
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

function projectValue(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  let text = value;
  if (Array.isArray(value)) {
    if (value.length === 0) return undefined;
    if (value.length !== 1) {
      throw new PermanentError(
        `${field} must name one project, got a list of ${value.length}: ${JSON.stringify(value)}`,
      );
    }
    text = value[0];
  }
  if (typeof text !== "string") {
    throw new PermanentError(
      `${field} must be a string, got ${typeof text} ${JSON.stringify(text)}`,
    );
  }
  const trimmed = text.trim();
  return trimmed === "" ? undefined : trimmed;
}
