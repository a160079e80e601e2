/**
 * The contract between the pipeline and a project plugin (re-exported from
 * `./types.ts`). Plugins are made from project descriptions in `src/projects/`.
 *
 * @module
 */

export type { MapContext, ProjectPlugin, StacItem } from "./types.ts";
