/**
 * Resolution of dataset and file handle suffixes from the PID fields of a STAC
 * item, with the name-based UUID v3 fallback. Project-agnostic: the caller names
 * the fields (`<project>:pid`, `<project>:tracking_id`, legacy ones).
 *
 * @module
 */

import { v3 as uuidV3 } from "uuid";
import { PermanentError } from "../errors/mod.ts";
import { hexDigitValue } from "./multihash.ts";

/** The URL namespace of RFC 4122, used for the UUID v3 fallback. */
export const URL_NAMESPACE = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";

/** Options that decide which PID fields are read. */
export interface PidFieldOptions {
  /** The field names that may hold the PID, in precedence order (e.g. `cmip6:pid`, `pid`). */
  fields: readonly string[];
}

/** How {@linkcode pidFieldNames} builds a project's field names. */
export interface PidFieldNaming {
  /** Project id as in the item (e.g. `CMIP6`); `<project>:<kind>` is read in this and in lower case. */
  project: string;
  /** Whether the legacy bare `<kind>` field is read too (CMIP6 only). */
  legacy: boolean;
}

/** Options for {@linkcode resolveFileSuffix}. */
export interface FileSuffixOptions extends PidFieldOptions {
  /** The item id (dataset id with version). */
  itemId: string;
  /** The asset key. */
  assetKey: string;
}

/** Whether a text is a UUID in its canonical 8-4-4-4-12 hex form (any case). */
export function isUuid(text: string): boolean {
  // 8-4-4-4-12 hex digits, by table lookups (faster than a regular expression over random hex)
  if (text.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const code = text.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (code !== 0x2d) return false;
    } else if (hexDigitValue(code) < 0) return false;
  }
  return true;
}

/**
 * UUID v3 (MD5, URL namespace) of a name, lower-case. A name that is not well-formed Unicode
 * (a lone surrogate) has no UTF-8 form to hash: a `PermanentError`.
 */
export function uuidV3Url(name: string): string {
  if (!name.isWellFormed()) {
    throw new PermanentError(
      `cannot derive a handle from ${shownName(name)}: it holds a lone surrogate`,
    );
  }
  return uuidV3(name, URL_NAMESPACE).toLowerCase();
}

/**
 * The names of the fields that may hold a PID, in precedence order:
 * `<project>:<kind>`, its lower-case variant (if different), and with `legacy` the bare `<kind>`.
 */
export function pidFieldNames(kind: "pid" | "tracking_id", options: PidFieldNaming): string[] {
  const names = [`${options.project}:${kind}`];
  const lower = `${options.project.toLowerCase()}:${kind}`;
  if (lower !== names[0]) names.push(lower);
  if (options.legacy) names.push(kind);
  return names;
}

/**
 * The suffix of a PID value (`hdl:<prefix>/<uuid>`, `<prefix>/<uuid>` or `<uuid>`), lower-case;
 * `undefined` if the value is absent or empty. Throws `PermanentError` naming `field` if the
 * value is not a string or its suffix is not a UUID; `field` may be given as a function, called
 * only then.
 */
export function suffixFromPid(
  value: unknown,
  field: string | (() => string),
): string | undefined {
  if (value === undefined || value === null) return undefined;
  const named = (): string => typeof field === "string" ? field : field();
  if (typeof value !== "string") {
    throw new PermanentError(
      `${named()} must be a string, got ${typeof value} ${JSON.stringify(value)}`,
    );
  }
  const text = value.trim();
  if (text === "") return undefined;
  const suffix = text.slice(text.lastIndexOf("/") + 1);
  if (!isUuid(suffix)) {
    throw new PermanentError(
      `${named()} has suffix ${JSON.stringify(suffix)} (from ${JSON.stringify(text)}), not a UUID`,
    );
  }
  return suffix.toLowerCase();
}

/**
 * The dataset suffix: from `properties["<project>:pid"]` (and legacy `properties.pid`),
 * else UUID v3 of the item id. Throws `PermanentError` on a bad value or on fields that
 * name different suffixes.
 */
export function resolveDatasetSuffix(
  itemId: string,
  properties: Record<string, unknown>,
  options: PidFieldOptions,
): string {
  const given = resolveGiven(properties, options.fields, (name) => `properties${accessor(name)}`);
  return given ?? uuidV3Url(itemId);
}

/**
 * The file suffix: from the asset's `"<project>:tracking_id"` (and legacy `tracking_id`),
 * else UUID v3 of `"<item id>#<asset key>"`. Throws `PermanentError` on a bad value or on
 * fields that name different suffixes.
 */
export function resolveFileSuffix(
  asset: Record<string, unknown>,
  options: FileSuffixOptions,
): string {
  const given = resolveGiven(asset, options.fields, (name) => `asset ${options.assetKey}: ${name}`);
  return given ?? uuidV3Url(`${options.itemId}#${options.assetKey}`);
}

function resolveGiven(
  source: Record<string, unknown>,
  fields: readonly string[],
  label: (name: string) => string,
): string | undefined {
  // the field's label is made only for an error (once per field of every file otherwise)
  let found: { name: string; suffix: string } | undefined;
  for (const name of fields) {
    if (!Object.hasOwn(source, name)) continue;
    const suffix = suffixFromPid(source[name], () => label(name));
    if (suffix === undefined) continue;
    if (found === undefined) {
      found = { name, suffix };
    } else if (found.suffix !== suffix) {
      throw new PermanentError(
        `conflicting PID fields: ${label(found.name)} names ${found.suffix} but ${
          label(name)
        } names ${suffix}`,
      );
    }
  }
  return found?.suffix;
}

function accessor(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}

/** A name in a reason: as JSON (a lone surrogate escaped), at most 80 characters. */
function shownName(name: string): string {
  return JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
}
