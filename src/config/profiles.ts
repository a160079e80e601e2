/**
 * Handle profiles: `[handle]` is the profile named `default`; `[handles.profiles.NAME]`
 * inherit `[handles.defaults]`. Each project picks one with `[plugins.NAME] handle`,
 * else `handles.default`; `--handle-profile` overrides them all for a run.
 *
 * @module
 */

import type { Config } from "./schema.ts";

/** One Handle server's settings, all resolved. */
export interface HandleProfile {
  /** Profile name (`default` for `[handle]`). */
  name: string;
  /** Dotted key of its table, for messages (`handle` or `handles.profiles.NAME`). */
  key: string;
  /** `rest` or `jsonl` (`pyhandle` is read as `rest`). */
  backend: "rest" | "jsonl" | "pyhandle";
  /** Handle server URL. */
  server_url: string;
  /** Handle prefix. */
  prefix: string;
  /** Indexed handle of the user. */
  username: string;
  /** Password. */
  password: string;
  /** Whether TLS certificates are verified. */
  verify_https: boolean;
  /** Extra CA certificate (PEM). */
  ca_file: string;
  /** SHA-256 (hex) of the one server certificate to accept; "" for none. */
  tls_pin_sha256: string;
  /** Seconds per request. */
  timeout: number;
  /** Requests in flight at the start (the limit adapts from there). */
  concurrency: number;
  /** Bound of the adaptive request limit. */
  max_concurrency: number;
}

/** The name of the profile `[handle]` defines. */
export const LEGACY_PROFILE = "default";

/** What a `[handles.profiles.NAME]` falls back to for a key neither it nor `[handles.defaults]` sets. */
const FALLBACK = {
  backend: "rest",
  server_url: "",
  prefix: "",
  username: "",
  password: "",
  verify_https: true,
  ca_file: "",
  tls_pin_sha256: "",
  timeout: 10,
  concurrency: 8,
  max_concurrency: 256,
} as const;

/** Every profile by name: `[handle]` as `default` (unless a named profile takes that name). */
export function handleProfiles(config: Config): Map<string, HandleProfile> {
  const out = new Map<string, HandleProfile>();
  out.set(LEGACY_PROFILE, { name: LEGACY_PROFILE, key: "handle", ...config.handle });
  for (const [name, own] of Object.entries(config.handles.profiles)) {
    out.set(name, {
      name,
      key: `handles.profiles.${name}`,
      ...FALLBACK,
      ...config.handles.defaults,
      ...own,
    });
  }
  return out;
}

/** The name of the default profile (`handles.default`, or `default` = `[handle]`). */
export function defaultProfileName(config: Config): string {
  return config.handles.default || LEGACY_PROFILE;
}

/**
 * The profile name project `project` (plugin name) uses: `override` (`--handle-profile`),
 * else `[plugins.NAME] handle`, else the default profile. The name may not exist.
 */
export function profileNameFor(config: Config, project: string, override?: string): string {
  if (override) return override;
  return config.plugins[project]?.handle || defaultProfileName(config);
}
