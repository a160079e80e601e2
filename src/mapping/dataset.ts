/**
 * The dataset record: item id parts, retraction and the `DATASET` record itself.
 *
 * @module
 */

import { PermanentError } from "../errors/mod.ts";
import type { HandleRecord } from "../records/mod.ts";
import type { Hosting } from "./hosting.ts";
import { shown, textProblem } from "./safety.ts";
import { compactFields, landingPage } from "./values.ts";

/** An item id split at its last dot. */
export interface ItemIdParts {
  /** The whole item id. */
  itemId: string;
  /** `DATASET_ID`: the id without its last `.`-segment. */
  datasetId: string;
  /** `DATASET_VERSION`: the last `.`-segment, as is. */
  version: string;
}

/** Everything the dataset record needs besides the item id parts. */
export interface DatasetRecordOptions {
  /** Handle prefix. */
  prefix: string;
  /** Resolved dataset suffix. */
  suffix: string;
  /** Landing page base URL. */
  landingPageUrl: string;
  /** `PREVIOUS_VERSION`, if known. */
  previousVersion?: string;
  /** `HAS_PARTS`: file handle URIs. */
  hasParts: string[];
  /** `HOSTING_NODE` and `REPLICA_NODES`. */
  hosting: Pick<Hosting, "hostingNode" | "replicaNodes">;
  /** `RETRACTED_ON`, if retracted. */
  retractedOn?: string;
  /** `ESGF` marker text. */
  esgfMarker: string;
}

/**
 * Splits an item id into dataset id and version. Throws `PermanentError` unless the id
 * is a string of at least two non-empty `.`-separated segments.
 */
export function splitItemId(id: unknown): ItemIdParts {
  if (typeof id !== "string") {
    throw new PermanentError(`item id must be a string, got ${typeof id} ${shown(id)}`);
  }
  const problem = textProblem(id);
  if (problem !== undefined) throw new PermanentError(`item id ${shown(id)} ${problem}`);
  const itemId = id.trim();
  // at least two segments, none empty: a dot, but none first, last or next to another
  const cut = itemId.lastIndexOf(".");
  if (cut < 0 || itemId.startsWith(".") || itemId.endsWith(".") || itemId.includes("..")) {
    throw new PermanentError(
      `item id ${shown(id)} must have at least two non-empty dot-separated segments`,
    );
  }
  return { itemId, datasetId: itemId.slice(0, cut), version: itemId.slice(cut + 1) };
}

/** Whether `properties.retracted` marks a retraction: `true` or `true`/`1`/`yes` in any case. */
export function isRetracted(value: unknown): boolean {
  if (value === true) return true;
  if (typeof value !== "string") return false;
  return ["true", "1", "yes"].includes(value.trim().toLowerCase());
}

/** Builds the `DATASET` record with its fields in the spec's order, empty values left out. */
export function buildDatasetRecord(
  parts: ItemIdParts,
  options: DatasetRecordOptions,
): HandleRecord {
  const handle = `${options.prefix}/${options.suffix}`;
  return {
    handle,
    URL: landingPage(options.landingPageUrl, handle),
    data: compactFields([
      ["AGGREGATION_LEVEL", "DATASET"],
      ["DATASET_ID", parts.datasetId],
      ["DATASET_VERSION", parts.version],
      ["PREVIOUS_VERSION", options.previousVersion],
      ["HAS_PARTS", options.hasParts],
      ["HOSTING_NODE", options.hosting.hostingNode],
      ["REPLICA_NODES", options.hosting.replicaNodes],
      ["RETRACTED_ON", options.retractedOn],
      ["ESGF", options.esgfMarker],
    ]),
  };
}
