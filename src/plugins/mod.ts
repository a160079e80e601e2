/**
 * Project plugins: the contract (re-exported from `./types.ts`) and the registry
 * that creates a plugin by its `consumer.processor` name.
 *
 * @module
 */

import { type Cmip6Options, createCmip6Plugin } from "./cmip6/mod.ts";
import type { ProjectPlugin } from "./types.ts";

export type { MapContext, ProjectPlugin, StacItem } from "./types.ts";
export type { Cmip6Options } from "./cmip6/mod.ts";

/** Options of any registered plugin. */
export type PluginOptions = Cmip6Options;

/** The names of the registered plugins. */
export const PLUGIN_NAMES: readonly string[] = ["cmip6"];

/** Creates the plugin registered under `name` (case-insensitive); throws for an unknown name. */
export function createPlugin(name: string, options: PluginOptions = {}): ProjectPlugin {
  switch (name.trim().toLowerCase()) {
    case "cmip6":
      return createCmip6Plugin(options);
    default:
      throw new Error(
        `unknown processor ${JSON.stringify(name)} (known: ${PLUGIN_NAMES.join(", ")})`,
      );
  }
}
