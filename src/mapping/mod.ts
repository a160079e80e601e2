/**
 * The project-agnostic mapping of a STAC item to Handle records
 * (`docs/records.md`): identifiers, files, hosting, checksums and the
 * dataset record. A project supplies only its names and settings.
 *
 * @module
 */

export type { MapContext } from "./context.ts";

export { mapStacItem, type StacMapperOptions } from "./mapper.ts";
export { decodeMultihash } from "./multihash.ts";
export type { Checksum, MultihashResult } from "./multihash.ts";
export { resolveDatasetSuffix, resolveFileSuffix, uuidV3Url } from "./pid.ts";
export { DEFAULT_EXCLUDED_ASSET_KEYS } from "./files.ts";
export { resolveProject } from "../decode/mod.ts";
export { isHttpUrl } from "./values.ts";
