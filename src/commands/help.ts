/**
 * The text `--help` shows after the commands: the configuration layers, the
 * environment variables and the exit codes.
 *
 * @module
 */

import {
  ENV_PREFIX,
  ENV_SEPARATOR,
  envName,
  profilePasswordEnv,
  SECRET_ENV,
  SYSTEM_CONFIG_FILE,
} from "../config/mod.ts";
import { EXIT_MEANINGS } from "../exit/mod.ts";

export { EXIT_MEANINGS } from "../exit/mod.ts";

/** The help epilogue. */
export function helpEpilogue(): string {
  const rows: Array<[string, string]> = Object.entries(SECRET_ENV).map((
    [name, [section, key]],
  ) => [name, `[${section}] ${key.includes(".") ? `"${key}"` : key}`]);
  // profilePasswordEnv("x") is PIDDI_HANDLE_X_PASSWORD: shown with a placeholder.
  const perProfile = profilePasswordEnv("PROFILE").replace("PROFILE", "<PROFILE>");
  rows.push([perProfile, "[handles.profiles.<profile>] password (the name upper-cased)"]);
  const width = Math.max(...rows.map(([name]) => name.length));
  const env = rows.map(([name, what]) => `  ${name.padEnd(width)}  ${what}`);
  return [
    "",
    "Configuration (later layers win; `config show` prints the result, secrets redacted):",
    "  1. the packaged defaults (config/default.toml, embedded in the binary)",
    `  2. ${SYSTEM_CONFIG_FILE}, if present`,
    "  3. each -c/--config FILE, in turn",
    `  4. any key from the environment: ${ENV_PREFIX}<SECTION>${ENV_SEPARATOR}<KEY>, e.g.`,
    `       ${envName(["consumer", "transient", "retries"])}=5, ${
      envName(["kafka", "bootstrap.servers"])
    }=h:9092`,
    "  5. the secrets' own variables:",
    ...env.map((line) => `  ${line}`),
    "",
    "Exit codes:",
    ...Object.entries(EXIT_MEANINGS).map(([code, meaning]) => `  ${code}  ${meaning}`),
    "",
    "Operations: consume --listen HOST:PORT serves /health/live, /health/ready and /metrics;",
    "the log file (default pid.log) is reopened on SIGHUP.",
  ].join("\n");
}
