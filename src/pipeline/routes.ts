/**
 * Where the pipeline sends an event of a project: the project's plugin, the
 * registrar of its Handle profile and its previous-version lookup.
 *
 * @module
 */

import type { ProjectPlugin } from "../projects/types.ts";
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

/** Options of {@linkcode routerOf}. */
export interface RouterOptions {
  /** The plugin name of a known project that is not selected, if `project` is known. */
  knownName?: (project: string) => string | undefined;
  /** Distinct unknown project names counted apart (default 16); the rest count as `(other)`. */
  maxUnknown?: number;
}

/** The name unknown projects beyond the limit (or not name-like) are counted under. */
export const OTHER_PROJECT = "(other)";

/**
 * A router over the selected projects' routes; a project no plugin accepts is not
 * selected. Unknown project names are counted apart up to a limit, so a topic full of
 * made-up names cannot grow the counters without bound.
 */
export function routerOf(routes: readonly ProjectRoute[], options: RouterOptions = {}): Router {
  const unknown = new Set<string>();
  const maxUnknown = options.maxUnknown ?? 16;
  const nameOf = (project: string): string => {
    const known = options.knownName?.(project);
    if (known !== undefined) return known;
    const name = project.trim().toLowerCase();
    if (unknown.has(name)) return name;
    if (unknown.size >= maxUnknown || !/^[a-z0-9][a-z0-9._-]{0,39}$/.test(name)) {
      return OTHER_PROJECT;
    }
    unknown.add(name);
    return name;
  };
  return {
    route(project: string): { name: string; route?: ProjectRoute } {
      const route = routes.find((r) => r.plugin.accepts(project));
      return { name: route?.plugin.name ?? nameOf(project), route };
    },
  };
}
