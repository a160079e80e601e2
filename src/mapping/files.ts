/**
 * File records: which assets are files, how an asset maps to a `FILE` record,
 * and which problems make a file invalid.
 *
 * @module
 */

import type { HandleRecord } from "../records/mod.ts";
import { decodeMultihash } from "./multihash.ts";
import { resolveFileSuffix } from "./pid.ts";
import {
  compactFields,
  httpUrlPath,
  isObject,
  landingPage,
  nonEmptyString,
  urlPath,
} from "./values.ts";

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
  /** Strict mode: an unparseable checksum is a problem (else method `unknown`). */
  strict: boolean;
}

/** A mapped file: its record and suffix, or the problems that make it invalid. */
export type FileMapping =
  | { ok: true; suffix: string; record: HandleRecord }
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
  const alternates = asset.alternate;
  if (!isObject(alternates)) return [];
  const hrefs: string[] = [];
  for (const name in alternates) {
    const alternate = alternates[name];
    const href = isObject(alternate) ? nonEmptyString(alternate.href) : undefined;
    if (href !== undefined) hrefs.push(href);
  }
  return hrefs.length < 2 ? hrefs : [...new Set(hrefs)].sort();
}

/** The last path segment of a URL, percent-decoded where possible; `undefined` if empty. */
export function fileNameOf(url: string): string | undefined {
  const path = urlPath(url);
  return path === undefined ? undefined : lastSegment(path);
}

/** The last segment of a URL path, percent-decoded where possible; `undefined` if empty. */
function lastSegment(path: string): string | undefined {
  const segment = path.slice(path.lastIndexOf("/") + 1);
  if (segment === "") return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
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

  const rawHref = assetField(asset, "href");
  let downloadUrl: string | undefined;
  let fileName: string | undefined;
  let path: string | undefined;
  if (isMissing(rawHref)) {
    problems.push("href missing");
  } else if (typeof rawHref !== "string" || (path = httpUrlPath(rawHref.trim())) === undefined) {
    problems.push(`href ${JSON.stringify(rawHref)} is not an http(s) URL`);
  } else {
    downloadUrl = rawHref.trim();
    fileName = lastSegment(path);
    if (fileName === undefined) {
      problems.push(`href ${JSON.stringify(downloadUrl)} has no file name`);
    }
  }

  const rawSize = assetField(asset, "file:size");
  const size = positiveInteger(rawSize);
  if (isMissing(rawSize)) {
    problems.push("file:size missing");
  } else if (size === undefined) {
    problems.push(`file:size ${JSON.stringify(rawSize)} is not a positive integer`);
  }

  const rawChecksum = assetField(asset, "file:checksum");
  let checksum: string | undefined;
  let method: string | undefined;
  if (isMissing(rawChecksum)) {
    problems.push("file:checksum missing");
  } else if (typeof rawChecksum !== "string") {
    problems.push(`file:checksum ${JSON.stringify(rawChecksum)} is not a hex string`);
  } else {
    const decoded = decodeMultihash(rawChecksum);
    if (decoded.ok) {
      checksum = decoded.checksum.value;
      method = decoded.checksum.method;
    } else if (options.strict) {
      problems.push(
        `file:checksum ${JSON.stringify(rawChecksum)} is not a valid multihash: ${decoded.reason}`,
      );
    } else {
      checksum = rawChecksum;
      method = UNKNOWN_CHECKSUM_METHOD;
    }
  }

  if (problems.length > 0) return { ok: false, suffix, problems };
  const handle = `${options.prefix}/${suffix}`;
  return {
    ok: true,
    suffix,
    record: {
      handle,
      URL: landingPage(options.landingPageUrl, handle),
      data: compactFields([
        ["AGGREGATION_LEVEL", "FILE"],
        ["FILE_NAME", fileName],
        ["IS_PART_OF", `hdl:${options.prefix}/${options.datasetSuffix}`],
        ["CHECKSUM", checksum],
        ["CHECKSUM_METHOD", method],
        ["FILE_SIZE", size],
        ["DOWNLOAD_URL", downloadUrl],
        ["REPLICA_DOWNLOAD_URLS", replicaDownloadUrls(asset)],
        ["ESGF", options.esgfMarker],
      ]),
    },
  };
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
