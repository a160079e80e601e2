/**
 * Where the pipeline sends an event of a project: the project's plugin, the
 * registrar of its Handle profile and its previous-version lookup.
 *
 * @module
 */

import type { ProjectPlugin } from "../plugins/types.ts";
import type { Registrar } from "../register/mod.ts";

/** Finds the previous version of a dataset. */
export interface VersionLookup {
  /** The item id of the newest lower version, if any; throws `TransientError` when unreachable. */
  previousVersion(itemId: string): Promise<string | undefined>;
}

/** Where the events of one selected project go. */
export interface ProjectRoute {
  /** The project's plugin. */
  plugin: ProjectPlugin;
  /** The registrar of the project's Handle profile. */
  registrar: Registrar;
  /** The profile's Handle prefix. */
  prefix: string;
  /** The profile's name (dry-run lines name it). */
  profile?: string;
  /** The project's previous-version lookup, when enabled. */
  lookup?: VersionLookup;
}

/** Routes the project an event names to its route. */
export interface Router {
  /**
   * The name events of `project` are counted under (the plugin name, or the project in
   * lower case when unknown), and the route when the project is selected for this run.
   */
  route(project: string): { name: string; route?: ProjectRoute };
}

/** A router over the selected projects' routes; a project no plugin accepts is not selected. */
export function routerOf(routes: readonly ProjectRoute[]): Router {
  return {
    route(project: string): { name: string; route?: ProjectRoute } {
      const route = routes.find((r) => r.plugin.accepts(project));
      return { name: route?.plugin.name ?? project.trim().toLowerCase(), route };
    },
  };
}
