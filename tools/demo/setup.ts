/**
 * The demo's fixed setup: where the project is, the Handle profiles (one server per
 * prefix), their credentials and the working folder's `piddiplatsch.toml`.
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The project root, two folders above this module. */
export const PROJECT_ROOT: string = fileURLToPath(new URL("../../", import.meta.url));
/** The configuration file name in the working folder. */
export const CONFIG_NAME = "piddiplatsch.toml";
/** The password of every demo server. */
export const DEMO_PASSWORD = "demo-secret";

/** A Handle profile of the demo. */
export interface DemoProfile {
  /** Profile name. */
  name: string;
  /** The prefix its server serves. */
  prefix: string;
  /** The projects registered on it. */
  projects: string[];
}

/** The demo's Handle profiles: one server each, and the projects registered there. */
export const PROFILES: readonly DemoProfile[] = [
  { name: "dkrz", prefix: "21.14100", projects: ["cmip6", "cmip6plus"] },
  { name: "cordex", prefix: "21.14103", projects: ["cordex-cmip6"] },
  { name: "cmip7", prefix: "21.14107", projects: ["cmip7"] },
];

/** The admin user of a profile's server. */
export function demoUser(profile: DemoProfile): string {
  return `300:${profile.prefix}/demo`;
}

/** A short unique id for group ids and topics. */
export function runId(): string {
  return `${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}`;
}

/** Where a profile's server is: a stand-in's port, or a real server's URL and certificate pin. */
export type ServerAddress = { port: number } | { url: string; pin: string };

/** The demo's `piddiplatsch.toml`: every project, one Handle profile per server. */
export function configText(
  options: { workDir: string; bootstrap: string; topic: string; servers: ServerAddress[] },
): string {
  const text = JSON.stringify; // a JSON string is a valid TOML basic string
  const lines = [
    "[consumer]",
    'projects = "all"',
    `topic = ${text(options.topic)}`,
    `output_dir = ${text(join(options.workDir, "outputs"))}`,
    "",
    "[kafka]",
    `"bootstrap.servers" = ${text(options.bootstrap)}`,
    `"group.id" = ${text(`piddiplatsch-demo-${runId()}`)}`,
    `"session.timeout.ms" = 6000`,
    "",
    "# The demo's events carry whole items: no STAC API is needed (and none outside this host is asked).",
    "[stac]",
    'base_url = ""',
    "",
    "[handles]",
    `default = ${text(PROFILES[0].name)}`,
  ];
  for (const [i, profile] of PROFILES.entries()) {
    const server = options.servers[i];
    lines.push(
      "",
      `[handles.profiles.${profile.name}]`,
      `server_url = ${text("url" in server ? server.url : `http://127.0.0.1:${server.port}`)}`,
      `prefix = ${text(profile.prefix)}`,
      `username = ${text(demoUser(profile))}`,
      `password = ${text(DEMO_PASSWORD)}`,
    );
    if ("pin" in server) lines.push(`tls_pin_sha256 = ${text(server.pin)}`);
  }
  for (const profile of PROFILES) {
    for (const project of profile.projects) {
      lines.push("", `[plugins.${project}]`, `handle = ${text(profile.name)}`);
    }
  }
  lines.push("", "[stats]", "interval_seconds = 0", "summary_interval = 0", "");
  return lines.join("\n");
}
