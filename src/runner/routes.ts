/**
 * The routes of a run: the selected projects, each with its plugin, its Handle
 * profile's registrar (one client per profile) and its previous-version lookup.
 *
 * @module
 */

import type { Config } from "../config/mod.ts";
import { type HandleProfile, handleProfiles, profileNameFor } from "../config/profiles.ts";
import { getLogger } from "@logtape/logtape";
import { ConfigurationError, describeError } from "../errors/mod.ts";
import type { TlsSettings } from "../tls/mod.ts";
import { createVersionLookup } from "../lookup/mod.ts";
import type { ProjectRoute, VersionLookup } from "../pipeline/mod.ts";
import {
  createProjectPlugin,
  type ProjectDescription,
  type ProjectSelection,
  type ProjectSettings,
  selectProjects,
} from "../projects/mod.ts";
import type { OffloadProject } from "../offload/mod.ts";
import {
  AmendingRegistrar,
  HandleRestClient,
  type HandleRestOptions,
  JsonlRegistrar,
  type Registrar,
  RestRegistrar,
} from "../register/mod.ts";
import type { RunObservers } from "../monitor/observers.ts";

export type { RunObservers } from "../monitor/observers.ts";
import type { StacClient } from "../stac/mod.ts";
import type { TransientPolicy } from "../transient/mod.ts";

/** Switches that choose projects and profiles (`--project`, `--all-projects`, `--handle-profile`). */
export interface ProjectSwitches {
  /** `--project NAME` (repeatable); overrides `consumer.projects`. */
  project?: string[];
  /** `--all-projects`: every known project. */
  allProjects?: boolean;
  /** `--handle-profile NAME`: every project's profile for this run. */
  handleProfile?: string;
  /** Write records to JSONL instead of the Handle service. */
  dryRun?: boolean;
}

/** A selected project with the profile it registers on. */
export interface SelectedProject {
  /** The project. */
  project: ProjectDescription;
  /** Its Handle profile. */
  profile: HandleProfile;
}

/** The selection of a run. */
export function runSelection(config: Config, switches: ProjectSwitches): ProjectSelection {
  if (switches.allProjects) return "all";
  if (switches.project !== undefined && switches.project.length > 0) return switches.project;
  return config.consumer.projects;
}

/**
 * The selected projects and their profiles. Throws `ConfigurationError` for an unknown
 * project or profile name.
 */
export function selectedProjects(config: Config, switches: ProjectSwitches): SelectedProject[] {
  const profiles = handleProfiles(config);
  return selectProjects(runSelection(config, switches)).map((project) => {
    const name = profileNameFor(config, project.name, switches.handleProfile);
    const profile = profiles.get(name);
    if (profile === undefined) {
      const where = switches.handleProfile
        ? "--handle-profile"
        : config.plugins[project.name]?.handle
        ? `plugins.${project.name}.handle`
        : "handles.default";
      throw new ConfigurationError(
        `${where}: no Handle profile ${JSON.stringify(name)} (known: ${
          [...profiles.keys()].join(", ")
        })`,
      );
    }
    return { project, profile };
  });
}

/** Whether records go to JSONL only: `--dry-run`, or every selected project's profile is `jsonl`. */
export function isDryRun(config: Config, switches: ProjectSwitches): boolean {
  if (switches.dryRun) return true;
  return selectedProjects(config, switches).every((s) => s.profile.backend === "jsonl");
}

/** What a profile's REST client takes besides the profile's own settings. */
export type ProfileClientOptions = Omit<
  HandleRestOptions,
  "serverUrl" | "prefix" | "username" | "password" | "timeout" | "concurrency" | "tls" | "section"
>;

/** The TLS settings of a Handle profile (`ca_file`, `tls_pin_sha256`, `verify_https`). */
export function profileTls(profile: HandleProfile): TlsSettings {
  return {
    caFile: profile.ca_file || undefined,
    pinSha256: profile.tls_pin_sha256 || undefined,
    verify: profile.verify_https,
  };
}

/** The profiles already warned about (once per process). */
const warnedUnverified = new Set<string>();

/**
 * The REST client of a Handle profile: its server, credentials, TLS settings, timeout and
 * concurrency. The one place where profiles become clients (runs, `verify`, `publish`).
 * A profile that does not verify its server's certificate is said loudly, once.
 *
 * @throws {ConfigurationError} when its TLS settings are unusable.
 */
export function profileClient(
  profile: HandleProfile,
  options: ProfileClientOptions,
): HandleRestClient {
  const tls = profileTls(profile);
  let client: HandleRestClient;
  try {
    client = new HandleRestClient({
      serverUrl: profile.server_url,
      prefix: profile.prefix,
      username: profile.username,
      password: profile.password,
      timeout: profile.timeout,
      concurrency: profile.concurrency,
      maxConcurrency: profile.max_concurrency,
      tls,
      section: profile.key,
      ...options,
    });
  } catch (error) {
    throw new ConfigurationError(`${profile.key}: TLS settings: ${describeError(error)}`);
  }
  if (
    client.verification === "off" && profile.server_url.startsWith("https:") &&
    !warnedUnverified.has(profile.name)
  ) {
    warnedUnverified.add(profile.name);
    getLogger(["piddiplatsch", "tls"]).warn(
      "TLS VERIFICATION IS OFF for Handle profile {profile} ({url}): verify_https = false; " +
        "anyone on the path can read its password. Pin the certificate instead " +
        "(tls_pin_sha256; see 'piddiplatsch handle-cert {url}')",
      { profile: profile.name, url: profile.server_url },
    );
  }
  return client;
}

/** What the routes are built with. */
export interface RouteOptions {
  /** Output root of the dry-run files. */
  outputDir: string;
  /** Retries of the Handle clients and lookups. */
  policy: TransientPolicy;
  /** Counts a retry. */
  onRetry: () => void;
  /** Stops the clients. */
  signal?: AbortSignal;
  /** The STAC client, for the stac lookup. */
  stac?: StacClient;
  /** Observers of the Handle requests and registrars. */
  observers?: RunObservers;
  /** Called whenever the adaptive request limit of a Handle client changes. */
  onLimit?: (limit: number) => void;
}

/** The routes of a run and the registrars they hold open. */
export interface Routes {
  /** One route per selected project. */
  routes: ProjectRoute[];
  /** Every registrar (one per profile in use, one for JSONL). */
  registrars: Registrar[];
  /** The adaptive request limits of the Handle clients added up; undefined without one. */
  requestLimit(): number | undefined;
  /** How another thread recreates each route's plugin (same order as `routes`). */
  offload: OffloadProject[];
}

/** Builds the route of every selected project; profiles shared by projects share a client. */
export function buildRoutes(
  config: Config,
  options: RouteOptions & { switches: ProjectSwitches },
): Routes {
  const { switches, observers } = options;
  const registrars = new Map<string, Registrar>();
  const clients: HandleRestClient[] = [];
  let jsonl: JsonlRegistrar | undefined;
  let observedJsonl: Registrar | undefined;
  const registrarOf = (profile: HandleProfile): Registrar => {
    if (switches.dryRun || profile.backend === "jsonl") {
      jsonl ??= new JsonlRegistrar(options.outputDir);
      return observedJsonl ??= observers?.registrar?.("jsonl", jsonl) ?? jsonl;
    }
    let registrar = registrars.get(profile.name);
    if (registrar === undefined) {
      const client = profileClient(profile, {
        policy: options.policy,
        onLimit: options.onLimit,
        onRetry: options.onRetry,
        signal: options.signal,
        onResponse: observers?.request && ((r) => observers.request!(profile.name, r)),
      });
      clients.push(client);
      // a retraction amends the dataset's record where it exists (read through the client)
      registrar = new AmendingRegistrar(new RestRegistrar(client), client);
      registrar = observers?.registrar?.(profile.name, registrar) ?? registrar;
      registrars.set(profile.name, registrar);
    }
    return registrar;
  };
  const offload: OffloadProject[] = [];
  const routes = selectedProjects(config, switches).map(({ project, profile }): ProjectRoute => {
    const settings = config.plugins[project.name];
    const projectSettings: ProjectSettings = {
      landingPageUrl: settings?.landing_page_url,
      maxParts: settings?.max_parts,
      excludedAssetKeys: settings?.excluded_asset_keys,
      esgfMarker: settings?.esgf_marker,
      strictMode: config.schema.strict_mode,
    };
    const plugin = createProjectPlugin(project, projectSettings);
    const lookup = lookupFor(config, settings?.stac.collection || config.stac.collection, options);
    offload.push({
      project: project.name,
      settings: projectSettings,
      prefix: profile.prefix,
      mapHere: lookup === undefined,
    });
    return {
      plugin,
      registrar: registrarOf(profile),
      prefix: profile.prefix,
      profile: profile.name,
      lookup,
    };
  });
  return {
    routes,
    offload,
    registrars: [...registrars.values(), ...(jsonl ? [jsonl] : [])],
    requestLimit: (): number | undefined =>
      clients.length === 0 ? undefined : clients.reduce((sum, c) => sum + c.limit, 0),
  };
}

function lookupFor(
  config: Config,
  collection: string,
  options: RouteOptions,
): VersionLookup | undefined {
  if (!config.lookup.enabled) return undefined;
  return createVersionLookup({
    backend: config.lookup.backend,
    stac: options.stac,
    collection,
    es: {
      url: config.elasticsearch.url,
      index: config.elasticsearch.index,
      username: config.elasticsearch.username || undefined,
      password: config.elasticsearch.password || undefined,
      timeout: config.elasticsearch.timeout,
    },
    policy: options.policy,
    signal: options.signal,
    onRetry: options.onRetry,
  });
}
