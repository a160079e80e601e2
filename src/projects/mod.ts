/**
 * The ESGF projects as data, their selection for a run, and the plugin that maps a
 * project's items with the generic mapper of `src/mapping/`. Knows nothing of I/O.
 *
 * @module
 */

import { ConfigurationError } from "../errors/mod.ts";
import type { ProjectPlugin } from "./types.ts";
import { findProject } from "./descriptions.ts";
import { createProjectPlugin, type ProjectSettings } from "./plugin.ts";
import { unknownProject } from "./selection.ts";

export {
  datasetIdFacets,
  findProject,
  pidFields,
  PROJECT_NAMES,
  type ProjectDescription,
  PROJECTS,
} from "./descriptions.ts";
export {
  createProjectPlugin,
  DEFAULT_ESGF_MARKER,
  DEFAULT_LANDING_PAGE_URL,
  type ProjectSettings,
} from "./plugin.ts";
export { type ProjectSelection, selectProjects, unknownProject } from "./selection.ts";
export type { ProjectPlugin } from "./types.ts";

/** Creates the plugin of the project named `name` (any case); throws `ConfigurationError` if unknown. */
export function createPlugin(name: string, settings: ProjectSettings = {}): ProjectPlugin {
  const project = findProject(name);
  if (project === undefined) throw new ConfigurationError(unknownProject(name));
  return createProjectPlugin(project, settings);
}
