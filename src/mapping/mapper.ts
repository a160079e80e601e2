/**
 * The project-agnostic mapping of a STAC item to Handle records; a project plugin
 * supplies its project name and settings.
 *
 * @module
 */

import { PermanentError } from "../errors/mod.ts";
import { AMEND_IF_EXISTS, type HandleRecord, type MappedEvent } from "../records/mod.ts";
import type { StacItem } from "../events/item.ts";
import type { MapContext } from "./context.ts";
import { buildDatasetRecord, isRetracted, splitItemId } from "./dataset.ts";
import { fileAssetKeys, mapFile } from "./files.ts";
import { resolveHosting } from "./hosting.ts";
import { resolveDatasetSuffix } from "./pid.ts";
import { resolveProject } from "../decode/mod.ts";
import { PassedChecks, recordProblems, shown, textProblem } from "./safety.ts";
import { normaliseTimestamp } from "./timestamps.ts";
import { isObject } from "./values.ts";

/** Settings of a mapping, all resolved (no defaults applied here). */
export interface StacMapperOptions {
  /** The project id (e.g. `CMIP6`), for the identity check. */
  project: string;
  /** Item properties that may hold the dataset PID, in precedence order. */
  datasetPidFields: readonly string[];
  /** Asset fields that may hold the file PID, in precedence order. */
  filePidFields: readonly string[];
  /** Landing page base URL (http or https). */
  landingPageUrl: string;
  /** Cap on `HAS_PARTS` entries; negative = unlimited. */
  maxParts: number;
  /** Asset keys that are not files. */
  excludedAssetKeys: readonly string[];
  /** `ESGF` marker text. */
  esgfMarker: string;
  /** Strict validation: any invalid file fails the event. */
  strict: boolean;
}

/**
 * Maps a STAC item to one dataset record and one record per valid file asset, as
 * `docs/records.md` says. Throws `PermanentError` with a one-line reason
 * naming the field or asset when the item is invalid.
 */
export function mapStacItem(
  item: StacItem,
  context: MapContext,
  options: StacMapperOptions,
): MappedEvent {
  if (!isObject(item)) throw new PermanentError("item must be an object");
  const properties = objectField(item.properties, "properties");
  const assets = objectField(item.assets, "assets");
  const project = resolveProject({
    collectionId: context.collectionId,
    collection: item.collection,
    project: properties.project,
  });
  if (project !== undefined && project.toLowerCase() !== options.project.toLowerCase()) {
    throw new PermanentError(`project ${JSON.stringify(project)} is not ${options.project}`);
  }
  const parts = splitItemId(item.id);
  const datasetSuffix = resolveDatasetSuffix(parts.itemId, properties, {
    fields: options.datasetPidFields,
  });
  const retracted = isRetracted(properties.retracted);
  const warnings: string[] = [];

  const files: HandleRecord[] = [];
  const owners = new Map<string, string>([[datasetSuffix, "the dataset"]]);
  const checks = new PassedChecks();
  const fileOptions = {
    checks,
    pidFields: options.filePidFields,
    itemId: parts.itemId,
    prefix: context.prefix,
    landingPageUrl: options.landingPageUrl,
    datasetSuffix,
    esgfMarker: options.esgfMarker,
    strict: options.strict,
  };
  for (const key of fileAssetKeys(assets, options.excludedAssetKeys)) {
    const keyProblem = textProblem(key);
    if (keyProblem !== undefined) {
      // the key names its file's handle (UUID v3 of "<item id>#<key>"): no handle without it
      const problem = `asset key ${shown(key)} ${keyProblem}`;
      if (options.strict) throw new PermanentError(problem);
      warnings.push(`${problem}: asset skipped`);
      continue;
    }
    const mapped = mapFile(key, assets[key], fileOptions);
    if (!mapped.ok) {
      const problems = mapped.problems.join("; ");
      if (options.strict) throw new PermanentError(`asset ${key}: ${problems}`);
      warnings.push(`asset ${key} skipped: ${problems}`);
      continue;
    }
    const owner = owners.get(mapped.suffix);
    if (owner !== undefined) {
      throw new PermanentError(
        `asset ${key}: handle suffix ${mapped.suffix} is also used by ${owner}`,
      );
    }
    owners.set(mapped.suffix, `asset ${key}`);
    files.push(mapped.record);
    if (mapped.warnings.length > 0) warnings.push(...mapped.warnings);
  }
  if (files.length === 0 && !retracted) {
    throw new PermanentError(`item ${parts.itemId} has no valid data file assets`);
  }

  let listed = files;
  if (options.maxParts >= 0 && files.length > options.maxParts) {
    listed = files.slice(0, options.maxParts);
    warnings.push(
      `max_parts ${options.maxParts} reached: HAS_PARTS lists ${listed.length} of ${files.length} files`,
    );
  }
  const hosting = resolveHosting(assets, {
    properties,
    eventTime: context.eventTime,
    now: context.now,
    strict: options.strict,
    checks,
  });
  warnings.push(...hosting.warnings);
  const dataset = buildDatasetRecord(parts, {
    prefix: context.prefix,
    suffix: datasetSuffix,
    landingPageUrl: options.landingPageUrl,
    previousVersion: context.previousVersion,
    hasParts: listed.map((record) => `hdl:${record.handle}`),
    hosting,
    retractedOn: retracted
      ? normaliseTimestamp(context.eventTime) ?? context.now.toISOString()
      : undefined,
    esgfMarker: options.esgfMarker,
  });
  // The last guard: whatever the checks above missed never reaches a record.
  const unsafe = recordProblems(dataset, checks);
  if (unsafe.length > 0) throw new PermanentError(`dataset record: ${unsafe.join("; ")}`);
  // A retraction amends the record where it exists (a retracted item may have lost its files).
  if (retracted) dataset.retraction = AMEND_IF_EXISTS;
  return {
    itemId: parts.itemId,
    warnings: [...new Set(warnings)],
    dataset,
    files,
    retracted,
    replicas: hosting.replicaNodes.length,
  };
}

function objectField(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new PermanentError(`${field} must be an object`);
  return value;
}
