/**
 * Which projects a run serves: `[consumer] projects`, `--project`, `--all-projects`.
 *
 * @module
 */

import { suggest } from "../suggest/mod.ts";
import { ConfigurationError } from "../errors/mod.ts";
import { findProject, PROJECT_NAMES, type ProjectDescription } from "./descriptions.ts";

/** A selection as configured: a list of names, or `"all"`. */
export type ProjectSelection = readonly string[] | "all";

/**
 * The descriptions of the selected projects, in the order given (`"all"`: every known
 * project). Throws `ConfigurationError` for an unknown name, with a "did you mean", or for
 * an empty list.
 */
export function selectProjects(selection: ProjectSelection): ProjectDescription[] {
  if (selection === "all") return PROJECT_NAMES.map((name) => findProject(name)!);
  if (selection.length === 0) {
    throw new ConfigurationError('no project selected (consumer.projects is empty; "all"?)');
  }
  const out: ProjectDescription[] = [];
  for (const name of selection) {
    const project = findProject(name);
    if (project === undefined) throw new ConfigurationError(unknownProject(name));
    if (!out.includes(project)) out.push(project);
  }
  return out;
}

/** The one-line reason for an unknown project name, with a "did you mean" when one is close. */
export function unknownProject(name: string): string {
  const hint = closestName(name);
  return `unknown project ${JSON.stringify(name)}${
    hint ? ` (did you mean ${hint}?)` : ""
  } (known: ${PROJECT_NAMES.join(", ")}, or all)`;
}

function closestName(name: string): string | undefined {
  const key = name.trim().toLowerCase();
  const head = PROJECT_NAMES.find((candidate) => key.length >= 3 && candidate.startsWith(key));
  if (head !== undefined) return head;
  return suggest(key, PROJECT_NAMES);
}
