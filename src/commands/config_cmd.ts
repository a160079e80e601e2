/**
 * `config validate` and `config show`.
 *
 * @module
 */

import {
  ConfigFileError,
  formatProblem,
  loadLayers,
  showConfig,
  ShowError,
  showOrigins,
  validateConfig,
} from "../config/mod.ts";
import { EXIT } from "../exit/mod.ts";
import type { GlobalOptions } from "./context.ts";

/** Options of `config show`. */
export interface ShowCommandOptions {
  /** `toml` (default) or `json`. */
  format?: string;
  /** A dotted section. */
  section?: string;
  /** A key. */
  key?: string;
  /** Print which layer set each value. */
  origin?: boolean;
}

/** `config validate`: one line per problem; exit 2 on errors, like every configuration problem. */
export async function configValidate(
  options: GlobalOptions,
  io: { out?: (line: string) => void } = {},
): Promise<number> {
  const out = io.out ?? console.log;
  let layers;
  try {
    layers = await loadLayers({ configFile: options.config });
  } catch (error) {
    if (error instanceof ConfigFileError) {
      out(`error: ${error.message}`);
      return EXIT.configuration;
    }
    throw error;
  }
  const { problems } = validateConfig(layers.tree, {
    defaults: layers.defaults,
    notes: layers.notes,
    origins: layers.origins,
  });
  for (const problem of problems) out(formatProblem(problem));
  const errors = problems.filter((p) => p.level === "error").length;
  const warnings = problems.length - errors;
  out(
    errors === 0
      ? `configuration OK (${layers.sources.join(", ")})${
        warnings ? `, ${warnings} warning(s)` : ""
      }`
      : `configuration invalid: ${errors} error(s), ${warnings} warning(s)`,
  );
  return errors === 0 ? EXIT.ok : EXIT.configuration;
}

/** `config show`: the merged configuration, secrets redacted. */
export async function configShow(
  options: GlobalOptions,
  show: ShowCommandOptions & { out?: (text: string) => void } = {},
): Promise<number> {
  const out = show.out ?? console.log;
  const format = show.format ?? "toml";
  if (format !== "toml" && format !== "json") {
    out(`error: --format must be toml or json, got ${format}`);
    return EXIT.usage;
  }
  try {
    const layers = await loadLayers({ configFile: options.config });
    if (show.origin) {
      if (show.key) {
        out("error: --origin shows whole sections; use --section, not --key");
        return EXIT.usage;
      }
      out(showOrigins(layers.tree, layers.origins, { format, section: show.section }));
      return EXIT.ok;
    }
    out(showConfig(layers.tree, { format, section: show.section, key: show.key }).trimEnd());
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ConfigFileError) {
      out(`error: ${error.message}`);
      return EXIT.configuration;
    }
    if (error instanceof ShowError) {
      out(`error: ${error.message}`);
      return EXIT.usage;
    }
    throw error;
  }
}
