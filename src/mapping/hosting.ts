/**
 * The hosting node, the replica nodes and the publication time of a dataset,
 * taken from its assets in the order the spec prescribes.
 *
 * @module
 */

import { PermanentError } from "../errors/mod.ts";
import { alternateLabel, alternateProblem, PassedChecks, shown } from "./safety.ts";
import { normaliseTimestamp } from "./timestamps.ts";
import { isObject, nonEmptyString } from "./values.ts";

/** Asset keys looked at first for host and times (those present), before the others in item order. */
export const LEADING_ASSET_KEYS: readonly string[] = ["reference_file", "data0000", "data0001"];

/** Host name used when no asset names one. */
export const UNKNOWN_HOST = "unknown";

/** A node entry of `HOSTING_NODE` / `REPLICA_NODES`. */
export interface NodeEntry {
  /** Data node host name. */
  host: string;
  /** Publication time on that node (ISO 8601). */
  published_on: string;
}

/** Where a dataset is hosted. */
export interface Hosting {
  /** `HOSTING_NODE`. */
  hostingNode: NodeEntry;
  /** `REPLICA_NODES`, possibly empty. */
  replicaNodes: NodeEntry[];
  /** Host names and alternates left out as unsafe (non-strict mode). */
  warnings: string[];
}

/** Inputs besides the assets. */
export interface HostingOptions {
  /** Item properties (`created`, `updated` are fallbacks for the time). */
  properties: Record<string, unknown>;
  /** Event time, the next fallback. */
  eventTime?: string;
  /** The clock, the last fallback. */
  now: Date;
  /**
   * Strict mode: an `alternate:name` that is not a host name, or an unsafe alternate,
   * fails the event (`PermanentError`); else it is left out with a warning.
   */
  strict?: boolean;
  /** The texts that passed the checks so far (see `safety.ts`); default a new memory. */
  checks?: PassedChecks;
}

/** Asset keys in host/time order: the leading keys that are present, then the others in item order. */
export function hostingAssetOrder(assets: Record<string, unknown>): string[] {
  const leading = LEADING_ASSET_KEYS.filter((key) => Object.hasOwn(assets, key));
  const rest = Object.keys(assets).filter((key) => !LEADING_ASSET_KEYS.includes(key));
  return [...leading, ...rest];
}

/**
 * Resolves `HOSTING_NODE` and `REPLICA_NODES`: host = first non-empty `alternate:name`
 * (else `unknown`); time = first non-empty `published_on` / `created` / `updated` of an
 * asset, else `properties.created` / `updated`, else the event time, else now; replicas =
 * every `alternate` key once, with the alternate's own time (see
 * {@linkcode alternateTime}) or the dataset's.
 */
export function resolveHosting(
  assets: Record<string, unknown>,
  options: HostingOptions,
): Hosting {
  const ordered: Array<[string, Record<string, unknown>]> = [];
  for (const key of hostingAssetOrder(assets)) {
    const asset = assets[key];
    if (isObject(asset)) ordered.push([key, asset]);
  }
  const warnings: string[] = [];
  const checks = options.checks ?? new PassedChecks();
  const unsafe = (problem: string): void => {
    if (options.strict) throw new PermanentError(problem);
    warnings.push(`${problem}: left out`);
  };
  let host: string | undefined;
  let time: string | undefined;
  for (const [key, asset] of ordered) {
    if (host === undefined) {
      const name = nonEmptyString(asset["alternate:name"]);
      const problem = name === undefined ? undefined : checks.host(name);
      if (problem === undefined) host = name;
      else unsafe(`asset ${key}: alternate:name ${shown(name)} ${problem}`);
    }
    time ??= normaliseTimestamp(asset.published_on) ?? normaliseTimestamp(asset.created) ??
      normaliseTimestamp(asset.updated);
    if (host !== undefined && time !== undefined) break;
  }
  const publishedOn = time ?? normaliseTimestamp(options.properties.created) ??
    normaliseTimestamp(options.properties.updated) ?? normaliseTimestamp(options.eventTime) ??
    options.now.toISOString();
  const replicaNodes: NodeEntry[] = [];
  const seen = new Set<string>();
  for (const [key, asset] of ordered) {
    const alternates = asset.alternate;
    if (!isObject(alternates)) continue;
    for (const [replicaHost, alternate] of Object.entries(alternates)) {
      if (replicaHost.trim() === "" || seen.has(replicaHost)) continue;
      const problem = alternateProblem(replicaHost, alternate, { checks });
      if (problem !== undefined) {
        unsafe(`${alternateLabel(key, replicaHost)} ${problem}`);
        continue;
      }
      seen.add(replicaHost);
      const own = isObject(alternate) ? alternateTime(alternate) : undefined;
      replicaNodes.push({ host: replicaHost, published_on: own ?? publishedOn });
    }
  }
  return {
    hostingNode: { host: host ?? UNKNOWN_HOST, published_on: publishedOn },
    replicaNodes,
    warnings,
  };
}

/**
 * The time of a replica: its alternate entry's `published_on`, else `created`, else
 * `updated` (esg-publisher's replication writes `created` and `updated` only).
 */
export function alternateTime(alternate: Record<string, unknown>): string | undefined {
  return normaliseTimestamp(alternate.published_on) ?? normaliseTimestamp(alternate.created) ??
    normaliseTimestamp(alternate.updated);
}
