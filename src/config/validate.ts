/**
 * Checks a merged configuration tree: unknown keys (with a "did you mean"), types,
 * and the cross checks between sections. Every problem is one line.
 *
 * @module
 */

import { type Config, configSchema } from "./schema.ts";
import { type ConfigTree, isTable, profilePasswordEnv } from "./load.ts";
import { checkProjects, type ProblemReport } from "./validate_projects.ts";
import { suggest } from "../suggest/mod.ts";
import type { HandleProfile } from "./profiles.ts";
import type { LegacyNote } from "./legacy.ts";
import { LIBRDKAFKA_KEYS } from "./librdkafka.ts";
import { normalizePin } from "../tls/mod.ts";
import type { Origins } from "./origin.ts";

/** One finding of {@linkcode validateConfig}. */
export interface Problem {
  /** Errors stop the run; warnings are printed. */
  level: "error" | "warning";
  /** Dotted key, e.g. `kafka.bootstrap.servers`; empty for the whole file. */
  key: string;
  /** One-line message. */
  message: string;
  /**
   * A remark on the setup rather than on this run (a test prefix, demo credentials):
   * `config validate` shows it, a running command does not repeat it every start.
   */
  audit?: boolean;
}

/** The result of {@linkcode validateConfig}. */
export interface Validation {
  /** The typed configuration, when there are no errors. */
  config?: Config;
  /** Errors and warnings, in key order. */
  problems: Problem[];
}

/** Passwords that only a demo or test setup would use. */
const DEMO_PASSWORDS = new Set(["testpass", "password", "changeme", "secret"]);

/** Options of {@linkcode validateConfig}. */
export interface ValidateOptions {
  /** The packaged defaults (the known keys, and stand-ins for values of the wrong type). */
  defaults: ConfigTree;
  /** Keys of the Python tool that were dropped: one warning each. */
  notes?: LegacyNote[];
  /** Which layer set each value (a password from the environment is no demo password). */
  origins?: Origins;
}

/**
 * Checks the merged tree against the packaged defaults' keys, the schema and the cross
 * checks, all in one pass: a value of the wrong type is reported, and the cross checks
 * run with the default in its place.
 */
export function validateConfig(tree: ConfigTree, options: ValidateOptions): Validation {
  const problems: Problem[] = [];
  for (const note of options.notes ?? []) {
    problems.push({ level: "warning", key: note.key, message: note.message });
  }
  checkKnownKeys(tree, options.defaults, "", { problems, root: options.defaults });
  const parsed = configSchema.safeParse(tree);
  const typeErrors = new Set<string>();
  let config = parsed.success ? parsed.data : undefined;
  if (!parsed.success) {
    const repaired = structuredClone(tree);
    for (const issue of parsed.error.issues) {
      if (issue.code === "unrecognized_keys") continue; // reported with suggestions above
      const key = issue.path.join(".");
      typeErrors.add(key);
      problems.push({ level: "error", key, message: issue.message });
      replaceWithDefault(repaired, options.defaults, issue.path.map(String));
    }
    const again = configSchema.safeParse(
      dropUnknown(repaired, options.defaults, options.defaults),
    );
    if (again.success) config = again.data;
  }
  if (config) {
    const crossProblems: Problem[] = [];
    crossCheck(config, crossProblems, options.origins);
    problems.push(...crossProblems.filter((p) => !typeErrors.has(p.key)));
  }
  const errors = !parsed.success || problems.some((p) => p.level === "error");
  return { config: errors ? undefined : config, problems: sortProblems(problems) };
}

/** Puts the default's value (or nothing) where `path` holds a value of the wrong type. */
function replaceWithDefault(tree: ConfigTree, defaults: ConfigTree, path: string[]): void {
  let node: unknown = tree;
  let fallback: unknown = defaults;
  for (const part of path.slice(0, -1)) {
    if (!isTable(node)) return;
    node = node[part];
    fallback = isTable(fallback) ? fallback[part] : undefined;
  }
  const last = path[path.length - 1];
  if (!isTable(node) || last === undefined) return;
  const value = isTable(fallback) ? fallback[last] : undefined;
  if (value === undefined) delete node[last];
  else node[last] = structuredClone(value);
}

/** A copy without the keys the defaults do not know (already reported), for the cross checks. */
function dropUnknown(tree: ConfigTree, known: ConfigTree, root: ConfigTree, path = ""): ConfigTree {
  const out: ConfigTree = {};
  for (const [key, value] of Object.entries(tree)) {
    const dotted = path ? `${path}.${key}` : key;
    if (path === "kafka") { // librdkafka's keys pass through
      out[key] = value;
      continue;
    }
    // Every Handle profile takes the keys of [handle].
    const profile = path === "handles.profiles" || dotted === "handles.defaults";
    const shape = profile ? root.handle : known[key];
    if (shape === undefined && !profile) continue;
    out[key] = isTable(value) && isTable(shape) ? dropUnknown(value, shape, root, dotted) : value;
  }
  return out;
}

/** Formats a problem as the one line `config validate` prints. */
export function formatProblem(problem: Problem): string {
  const where = problem.key ? `${problem.key}: ` : "";
  return `${problem.level}: ${where}${problem.message}`;
}

function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) =>
    // keys in code-unit order: `localeCompare` starts ICU's collator, 7 ms of every start
    a.level === b.level
      ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
      : a.level === "error"
      ? -1
      : 1
  );
}

function checkKnownKeys(
  tree: ConfigTree,
  known: ConfigTree,
  path: string,
  context: { problems: Problem[]; root: ConfigTree },
): void {
  const { problems, root } = context;
  for (const [key, value] of Object.entries(tree)) {
    const dotted = path ? `${path}.${key}` : key;
    if ((path === "handles.profiles" || dotted === "handles.defaults") && isTable(root.handle)) {
      // Every profile takes the keys of [handle].
      if (isTable(value)) checkKnownKeys(value, root.handle, dotted, context);
      continue;
    }
    if (!(key in known)) {
      if (path === "kafka") {
        // librdkafka's keys pass through; anything else is most likely a typo.
        if (LIBRDKAFKA_KEYS.has(key)) continue;
        const hint = suggest(key, [...LIBRDKAFKA_KEYS, ...Object.keys(known)]);
        problems.push({
          level: "warning",
          key: dotted,
          message: `not a librdkafka property, ignored${hint ? ` (did you mean "${hint}"?)` : ""}`,
        });
        continue;
      }
      const hint = suggest(key, Object.keys(known));
      problems.push({
        level: "error",
        key: dotted,
        message: `unknown key${hint ? ` (did you mean ${path ? `${path}.` : ""}${hint}?)` : ""}`,
      });
      continue;
    }
    const expected = known[key];
    if (isTable(expected) && isTable(value)) checkKnownKeys(value, expected, dotted, context);
  }
}

export { suggest } from "../suggest/mod.ts";

/** Whether a text is a comma-separated list of `host:port`. */
export function isHostPortList(text: string): boolean {
  const items = text.split(",").map((s) => s.trim());
  return items.length > 0 && items.every((item) => {
    const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/.exec(item);
    return match !== null && Number(match[2]) > 0 && Number(match[2]) < 65536;
  });
}

/** Whether a text is an http(s) URL. */
export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

function crossCheck(config: Config, problems: Problem[], origins?: Origins): void {
  const error = (key: string, message: string): void => {
    problems.push({ level: "error", key, message });
  };
  const warn = (key: string, message: string, options: { audit?: boolean } = {}): void => {
    problems.push({ level: "warning", key, message, ...options });
  };
  const kafka = config.kafka;
  if (!isHostPortList(kafka["bootstrap.servers"])) {
    error(
      "kafka.bootstrap.servers",
      `expected a comma-separated host:port list, got ${
        JSON.stringify(kafka["bootstrap.servers"])
      }`,
    );
  }
  if (kafka["enable.auto.commit"]) {
    warn(
      "kafka.enable.auto.commit",
      "ignored: piddiplatsch commits an offset only when its event is done",
    );
  }
  const protocol = kafka["security.protocol"];
  if (protocol.startsWith("SASL")) {
    const mechanism = kafka["sasl.mechanisms"].toUpperCase();
    if (!["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"].includes(mechanism)) {
      error("kafka.sasl.mechanisms", `${protocol} needs PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512`);
    }
    if (!kafka["sasl.username"]) error("kafka.sasl.username", `required with ${protocol}`);
    if (!kafka["sasl.password"]) {
      error("kafka.sasl.password", `required with ${protocol} (or PIDDI_KAFKA_SASL_PASSWORD)`);
    }
  }
  if (kafka["ssl.ca.location"] && !protocol.endsWith("SSL")) {
    warn("kafka.ssl.ca.location", `ignored with security.protocol ${protocol}`);
  }
  const checkProfileHere: typeof checkProfile = (profile, report, used) =>
    checkProfile(profile, report, used, origins);
  checkProjects(config, { error, warn, checkProfile: checkProfileHere });
  if (config.consumer.transient.backoff_max < config.consumer.transient.backoff_initial) {
    error("consumer.transient.backoff_max", "must not be smaller than backoff_initial");
  }
  if (config.lookup.enabled) {
    if (config.lookup.backend === "stac") {
      if (!isHttpUrl(config.stac.base_url)) {
        error("stac.base_url", "lookup backend stac needs an http(s) URL");
      }
      if (!config.stac.collection) error("stac.collection", "lookup backend stac needs it");
    } else {
      if (!isHttpUrl(config.elasticsearch.url)) {
        error("elasticsearch.url", "lookup backend es needs an http(s) URL");
      }
      if (!config.elasticsearch.index) error("elasticsearch.index", "lookup backend es needs it");
    }
  }
  for (const [name, plugin] of Object.entries(config.plugins)) {
    if (!isHttpUrl(plugin.landing_page_url)) {
      error(`plugins.${name}.landing_page_url`, "expected an http(s) URL");
    }
  }
}

/** Reports what a profile's backend needs and lacks. */
function checkProfile(
  profile: HandleProfile,
  report: ProblemReport,
  used: boolean,
  origins?: Origins,
): void {
  const { error, warn } = report;
  const key = (name: string): string => `${profile.key}.${name}`;
  const envName = profile.key === "handle"
    ? "PIDDI_HANDLE_PASSWORD"
    : profilePasswordEnv(profile.name);
  if (!/^[0-9A-Za-z.]+$/.test(profile.prefix)) {
    error(key("prefix"), `expected a Handle prefix such as 21.14100, got "${profile.prefix}"`);
  }
  if (profile.backend !== "jsonl") {
    if (!isHttpUrl(profile.server_url)) {
      error(key("server_url"), "the rest backend needs an http(s) URL");
    } else if (profile.server_url.startsWith("http:") && !isLoopback(profile.server_url)) {
      warn(key("server_url"), "plain http to a remote server sends the password unencrypted");
    }
    if (!/^\d+:[^/]+\/.+$/.test(profile.username)) {
      error(
        key("username"),
        `the rest backend needs an indexed handle such as 300:${profile.prefix}/user`,
      );
    }
    if (!profile.password) {
      error(key("password"), `the rest backend needs a password (or ${envName})`);
    }
    if (profile.tls_pin_sha256 && normalizePin(profile.tls_pin_sha256) === undefined) {
      error(
        key("tls_pin_sha256"),
        "expected the SHA-256 of the server's certificate: 64 hex digits (see 'piddiplatsch handle-cert URL')",
      );
    } else if (profile.tls_pin_sha256 && (profile.ca_file || !profile.verify_https)) {
      warn(
        key("tls_pin_sha256"),
        "set: the pinned certificate alone is accepted; ca_file and verify_https are not used",
      );
    } else if (!profile.verify_https) {
      warn(
        key("verify_https"),
        "false: the server's certificate is not verified at all (anyone on the path can read the password); prefer tls_pin_sha256 or ca_file",
      );
    }
    if (profile.server_url.startsWith("http:") && profile.tls_pin_sha256) {
      warn(key("tls_pin_sha256"), "set, but server_url is plain http: nothing to pin");
    }
  }
  // Demo credentials matter only where a selected project really sends them to a server.
  const fromEnvironment = origins?.get(key("password"))?.startsWith("$") === true;
  const demo = DEMO_PASSWORDS.has(profile.password) || profile.username.endsWith("/testuser");
  if (demo && used && profile.backend !== "jsonl" && !fromEnvironment) {
    warn(key("password"), `demo credentials: set real ones (or ${envName})`, { audit: true });
  }
}

/** Whether a URL's host is the loopback interface. */
export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host.startsWith("127.") || host === "[::1]";
}
