/**
 * File records: which assets are files, how an asset maps to a `FILE` record,
 * and which problems make a file invalid.
 *
 * @module
 */

import { decodeMultihash } from "./multihash.ts";
import { resolveFileSuffix } from "./pid.ts";
import { fileNameOf } from "./file_name.ts";
import {
  alternateLabel,
  alternateProblem,
  PassedChecks,
  recordProblems,
  shown,
  textProblem,
} from "./safety.ts";
import { type HandleRecord, isEmptyValue } from "../records/mod.ts";
import { isObject, landingPage, nonEmptyString } from "./values.ts";

export { fileNameOf } from "./file_name.ts";

/** Asset keys that are not files, by default. */
export const DEFAULT_EXCLUDED_ASSET_KEYS: readonly string[] = [
  "reference_file",
  "globus",
  "thumbnail",
  "quicklook",
];

/** Checksum method of an unparseable checksum in non-strict mode. */
export const UNKNOWN_CHECKSUM_METHOD = "unknown";

/** Everything a file record needs besides the asset. */
export interface FileMapOptions {
  /** The item id. */
  itemId: string;
  /** Handle prefix. */
  prefix: string;
  /** Landing page base URL. */
  landingPageUrl: string;
  /** The resolved dataset suffix, for `IS_PART_OF`. */
  datasetSuffix: string;
  /** The fields that may hold the file PID (e.g. `cmip6:tracking_id`, `tracking_id`). */
  pidFields: readonly string[];
  /** `ESGF` marker text. */
  esgfMarker: string;
  /**
   * Strict mode: an unparseable checksum or an unsafe alternate is a problem (else
   * method `unknown`, and the alternate is left out with a warning).
   */
  strict: boolean;
  /**
   * The texts that passed the checks so far (one memory for all files of an event);
   * default a new one.
   */
  checks?: PassedChecks;
}

/** A mapped file: its record and suffix, or the problems that make it invalid. */
export type FileMapping =
  | { ok: true; suffix: string; record: HandleRecord; warnings: string[] }
  | { ok: false; suffix: string; problems: string[] };

/** The keys of the assets that are files: all in item order except the excluded keys. */
export function fileAssetKeys(
  assets: Record<string, unknown>,
  excludedKeys: readonly string[],
): string[] {
  const excluded = new Set(excludedKeys);
  return Object.keys(assets).filter((key) => !excluded.has(key));
}

/**
 * A field of an asset, or, if it is missing there, of the first entry of the asset's
 * `alternate` map that has it.
 */
export function assetField(asset: Record<string, unknown>, field: string): unknown {
  if (!isMissing(asset[field])) return asset[field];
  const alternates = asset.alternate;
  if (!isObject(alternates)) return undefined;
  for (const alternate of Object.values(alternates)) {
    if (isObject(alternate) && !isMissing(alternate[field])) return alternate[field];
  }
  return undefined;
}

/** Sorted, de-duplicated `href`s of the asset's `alternate` entries. */
export function replicaDownloadUrls(asset: Record<string, unknown>): string[] {
  return replicas(asset, { key: "", checks: new PassedChecks() }).urls;
}

/** The safe replica URLs of an asset, and the unsafe alternates (labelled for `key`). */
function replicas(
  asset: Record<string, unknown>,
  { key, checks }: { key: string; checks: PassedChecks },
): { urls: string[]; problems: string[] } {
  const alternates = asset.alternate;
  if (!isObject(alternates)) return { urls: [], problems: [] };
  const hrefs: string[] = [];
  const problems: string[] = [];
  for (const [name, alternate] of Object.entries(alternates)) {
    const problem = alternateProblem(name, alternate, { checks });
    if (problem !== undefined) {
      problems.push(`${alternateLabel(key, name)} ${problem}`);
      continue;
    }
    const href = isObject(alternate) ? nonEmptyString(alternate.href) : undefined;
    if (href !== undefined) hrefs.push(href);
  }
  return { urls: hrefs.length > 1 ? [...new Set(hrefs)].sort() : hrefs, problems };
}

/**
 * Maps one asset to its `FILE` record. Throws `PermanentError` for a bad PID field;
 * returns the problems (each naming the field) if the file is invalid.
 */
export function mapFile(key: string, asset: unknown, options: FileMapOptions): FileMapping {
  if (!isObject(asset)) {
    return { ok: false, suffix: "", problems: ["not an object"] };
  }
  const suffix = resolveFileSuffix(asset, {
    itemId: options.itemId,
    assetKey: key,
    fields: options.pidFields,
  });
  const problems: string[] = [];
  const checks = options.checks ?? new PassedChecks();

  const rawHref = assetField(asset, "href");
  let downloadUrl: string | undefined;
  let fileName: string | undefined;
  if (isMissing(rawHref)) {
    problems.push("href missing");
  } else if (typeof rawHref !== "string") {
    problems.push(`href ${shown(rawHref)} is not an http(s) URL`);
  } else {
    const href = rawHref.trim();
    const problem = checks.url(href);
    if (problem !== undefined) {
      problems.push(`href ${shown(rawHref)} ${problem}`);
    } else {
      downloadUrl = href;
      fileName = fileNameOf(downloadUrl, checks);
      const nameProblem = fileName === undefined ? "has no file name" : textProblem(fileName);
      if (nameProblem !== undefined) {
        problems.push(`href ${shown(downloadUrl)} file name ${nameProblem}`);
      }
    }
  }

  const rawSize = assetField(asset, "file:size");
  const size = positiveInteger(rawSize);
  if (isMissing(rawSize)) {
    problems.push("file:size missing");
  } else if (size === undefined) {
    problems.push(`file:size ${shown(rawSize)} is not a positive integer`);
  }

  const rawChecksum = assetField(asset, "file:checksum");
  let checksum: string | undefined;
  let method: string | undefined;
  if (isMissing(rawChecksum)) {
    problems.push("file:checksum missing");
  } else if (typeof rawChecksum !== "string") {
    problems.push(`file:checksum ${shown(rawChecksum)} is not a hex string`);
  } else {
    const decoded = decodeMultihash(rawChecksum);
    if (decoded.ok) {
      checksum = decoded.checksum.value;
      method = decoded.checksum.method;
    } else if (options.strict) {
      problems.push(
        `file:checksum ${shown(rawChecksum)} is not a valid multihash: ${decoded.reason}`,
      );
    } else if (!/^[\x21-\x7e]{1,512}$/.test(rawChecksum)) {
      // kept as given only when it is one short token of visible ASCII
      problems.push(
        `file:checksum ${shown(rawChecksum)} is not a valid multihash nor a short token`,
      );
    } else {
      checksum = rawChecksum;
      method = UNKNOWN_CHECKSUM_METHOD;
    }
  }

  const replicated = replicas(asset, { key, checks });
  const warnings: string[] = [];
  for (const problem of replicated.problems) {
    if (options.strict) problems.push(problem.slice(`asset ${key}: `.length));
    else warnings.push(`${problem}: left out`);
  }
  if (problems.length > 0) return { ok: false, suffix, problems };
  const handle = `${options.prefix}/${suffix}`;
  // The fields in the spec's order, empty values left out (as `compactFields` does).
  const data: Record<string, unknown> = { AGGREGATION_LEVEL: "FILE" };
  if (!isEmptyValue(fileName)) data.FILE_NAME = fileName;
  data.IS_PART_OF = `hdl:${options.prefix}/${options.datasetSuffix}`;
  if (!isEmptyValue(checksum)) data.CHECKSUM = checksum;
  if (!isEmptyValue(method)) data.CHECKSUM_METHOD = method;
  if (!isEmptyValue(size)) data.FILE_SIZE = size;
  if (!isEmptyValue(downloadUrl)) data.DOWNLOAD_URL = downloadUrl;
  if (!isEmptyValue(replicated.urls)) data.REPLICA_DOWNLOAD_URLS = replicated.urls;
  if (!isEmptyValue(options.esgfMarker)) data.ESGF = options.esgfMarker;
  const record: HandleRecord = { handle, URL: landingPage(options.landingPageUrl, handle), data };
  // The last guard: whatever the checks above missed never reaches a record.
  const unsafe = recordProblems(record, checks);
  if (unsafe.length > 0) return { ok: false, suffix, problems: unsafe };
  return { ok: true, suffix, record, warnings };
}

function isMissing(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}

function positiveInteger(value: unknown): number | undefined {
  let number: number | undefined;
  if (typeof value === "number") number = value;
  else if (typeof value === "string" && /^\s*\d+\s*$/.test(value)) number = Number(value);
  if (number === undefined || !Number.isSafeInteger(number) || number <= 0) return undefined;
  return number;
}
