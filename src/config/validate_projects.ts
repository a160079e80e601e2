/**
 * The project and Handle profile checks of `config validate`: every selected
 * project is known and resolves to a profile, each profile has what its backend
 * needs, two profiles do not share a prefix on different servers, and a project's
 * prefix matches its production prefix.
 *
 * @module
 */

import { findProject, PROJECT_NAMES, unknownProject } from "../projects/mod.ts";
import type { Config } from "./schema.ts";
import {
  defaultProfileName,
  type HandleProfile,
  handleProfiles,
  LEGACY_PROFILE,
  profileNameFor,
} from "./profiles.ts";

/** Where checks report their problems. */
export interface ProblemReport {
  /** Reports an error. */
  error(key: string, message: string): void;
  /** Reports a warning (`audit`: for `config validate` only, see `Problem`). */
  warn(key: string, message: string, options?: { audit?: boolean }): void;
}

/** How the checks report, and the per-profile check of the caller. */
export interface ProjectCheckReport extends ProblemReport {
  /** Checks what one profile's backend needs; `used`: a selected project registers on it. */
  checkProfile(
    profile: HandleProfile,
    report: ProblemReport,
    used: boolean,
  ): void;
}

/** Runs the project and profile checks on a typed configuration. */
export function checkProjects(config: Config, report: ProjectCheckReport): void {
  const { error, warn } = report;
  const selection = config.consumer.projects;
  const names: string[] = [];
  if (selection === "all") {
    names.push(...PROJECT_NAMES);
  } else if (selection.length === 0) {
    error("consumer.projects", 'no project selected (a list of names, or "all")');
  } else {
    for (const name of selection) {
      const project = findProject(name);
      if (project === undefined) error("consumer.projects", unknownProject(name));
      else if (!names.includes(project.name)) names.push(project.name);
    }
  }
  const profiles = handleProfiles(config);
  const known = [...profiles.keys()].join(", ");
  const defaultName = defaultProfileName(config);
  if (!profiles.has(defaultName)) {
    error("handles.default", `no Handle profile ${JSON.stringify(defaultName)} (known: ${known})`);
  }
  const used = new Map<string, HandleProfile>();
  for (const name of names) {
    const profileName = profileNameFor(config, name);
    const profile = profiles.get(profileName);
    if (profile === undefined) {
      if (profileName !== defaultName) {
        error(
          `plugins.${name}.handle`,
          `no Handle profile ${JSON.stringify(profileName)} (known: ${known})`,
        );
      }
      continue;
    }
    used.set(profile.name, profile);
    const production = findProject(name)!.productionPrefix;
    if (profile.prefix !== production) {
      warn(
        `plugins.${name}.handle`,
        `profile ${profile.name} has prefix ${profile.prefix}, not ${name}'s production prefix ${production} (fine for tests)`,
        { audit: true },
      );
    }
  }
  for (const profile of profiles.values()) {
    if (profile.name === LEGACY_PROFILE && profile.key === "handle" && !used.has(LEGACY_PROFILE)) {
      continue; // [handle] is checked only when a project uses it.
    }
    report.checkProfile(profile, report, used.has(profile.name));
  }
  const servers = new Map<string, HandleProfile>();
  for (const profile of used.values()) {
    if (profile.backend === "jsonl") continue;
    const other = servers.get(profile.prefix);
    if (other === undefined) {
      servers.set(profile.prefix, profile);
    } else if (normaliseUrl(other.server_url) !== normaliseUrl(profile.server_url)) {
      warn(
        `${profile.key}.prefix`,
        `prefix ${profile.prefix} is also used by profile ${other.name} on another server (${other.server_url}): by mistake?`,
      );
    }
  }
}

function normaliseUrl(url: string): string {
  return url.trim().replace(/\/+$/, "").toLowerCase();
}
