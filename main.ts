/**
 * piddiplatsch: keeps Handle PIDs in step with ESGF climate-data publications.
 * The command tree; each command's work is in `src/commands/`.
 *
 * @module
 */

import {
  Command,
  InvalidArgumentError,
  Option,
  type OptionValues,
} from "@commander-js/extra-typings";
import {
  configShow,
  configValidate,
  consumeCommand,
  type GlobalOptions,
  handleCertCommand,
  handleServerCommand,
  mapCommand,
  publishCommand,
  retryCommand,
  sendCommand,
  verifyCommand,
} from "./src/commands/mod.ts";
import { EXIT, exitOfError } from "./src/exit/mod.ts";
import { writeSummary } from "./src/commands/summary.ts";
import { setStderrFormat, writeStderrLine, writeStderrText } from "./src/log/mod.ts";
import { helpEpilogue } from "./src/commands/help.ts";
import denoJson from "./deno.json" with { type: "json" };

/** The version printed by `--version`. */
export const VERSION: string = denoJson.version;

/** The Kafka clients built in, with the versions the import map pins. */
function kafkaClients(): string {
  const imports = denoJson.imports as Record<string, string>;
  return ["kafkajs", "@platformatic/kafka"].map((name) => {
    const spec = imports[name] ?? "";
    return `${name} ${spec.slice(spec.lastIndexOf("@") + 1) || "unknown"}`;
  }).join(", ");
}

/** What `--version` prints: the version, the runtime's and the Kafka clients'. */
export function versionText(): string {
  return [
    `piddiplatsch ${VERSION}`,
    `deno ${Deno.version.deno}`,
    `v8 ${Deno.version.v8}`,
    `typescript ${Deno.version.typescript}`,
    `kafka clients: ${kafkaClients()}`,
  ].join("\n");
}

function nonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError("expected a number ≥ 0");
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("expected a number > 0");
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new InvalidArgumentError("expected a port 0-65535");
  }
  return n;
}

/** Collects a repeatable option's values. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The values of the options `consume`, `map` and `retry` share. */
interface RunOptionValues {
  dryRun?: true;
  force?: true;
  listen?: string;
  project?: string[];
  allProjects?: true;
  handleProfile?: string;
}

/** Adds the options `consume`, `map` and `retry` share. */
function withRunOptions<A extends unknown[], O extends OptionValues>(
  command: Command<A, O>,
): Command<A, O & RunOptionValues> {
  // The chain's type is `O` with these six options added one by one: the same object type as
  // `O & RunOptionValues`, which the compiler cannot prove for a generic `O`.
  return command
    .option("--dry-run", "write records to outputs/handles/*.jsonl instead of the Handle service")
    .option("--force", "record transient failures in outputs/skipped/ and go on")
    .option(
      "--listen <host:port>",
      "serve /health/live, /health/ready and /metrics here (default [monitor] listen; host 127.0.0.1)",
    )
    .option(
      "--project <name>",
      "serve this project (repeatable; overrides consumer.projects)",
      collect,
    )
    .option("--all-projects", "serve every known project")
    .option(
      "--handle-profile <name>",
      "register every project on this Handle profile",
    ) as unknown as Command<A, O & RunOptionValues>;
}

/** Builds the command tree; `exit` receives each command's exit code. */
export function buildProgram(exit: (code: number) => void): Command {
  const program = new Command()
    .name("piddiplatsch")
    .description("Keeps Handle PIDs in step with ESGF publication events (Kafka → Handle REST).")
    // Set before the subcommands are added, so that they inherit both: commander's errors
    // come back to `main` (usage errors exit 2) and its messages follow --log-format.
    .exitOverride()
    .configureOutput({ writeErr: (text) => writeStderrText(text, "ERROR") })
    .version(versionText(), "--version", "print the version, Deno's, V8's and the Kafka clients'")
    .option(
      "-c, --config <file>",
      "configuration file (TOML), layered over the packaged defaults (repeatable: later wins)",
      collect,
    )
    .option("-v, --verbose", "live status line and info messages")
    .option("--debug", "debug messages in the log file")
    .option("-l, --log <file>", "log file (default pid.log; reopened on SIGHUP)")
    .addOption(
      new Option(
        "--log-format <format>",
        "log records, and every line on standard error, as text or JSON lines (journald, shippers)",
      ).choices(["text", "json"] as const),
    )
    .option(
      "--summary-json <file>",
      "write the run's summary (counts, exit code) to this file as JSON, for scripts",
    )
    .addHelpText("after", helpEpilogue())
    .showHelpAfterError();

  const globals = (): GlobalOptions => program.opts();
  const run = (work: Promise<number>): Promise<void> => work.then(exit);

  const consume = program.command("consume")
    .description("consume the Kafka topic and register every event's handles")
    .option("--dump", "write each raw event to outputs/dump/ before processing")
    .option(
      "--idle-timeout <seconds>",
      "end with exit 0 after this long without a new event",
      nonNegative,
    );
  withRunOptions(consume).action((options) => run(consumeCommand(globals(), options)));

  const map = program.command("map")
    .description("run event files (.json, .jsonl, directories, globs) through the same pipeline")
    .argument("<paths...>", "files, directories or glob patterns")
    .option("--dump", "write each raw event to outputs/dump/ before processing");
  withRunOptions(map).action((paths, options) => run(mapCommand(globals(), paths, options)));

  const retry = program.command("retry")
    .description("retry failure or skipped files (files, directories, globs)")
    .argument("<paths...>", "failure or skipped JSONL files, directories or glob patterns")
    .option("--delete-after", "delete a file when every event in it succeeded");
  withRunOptions(retry).action((paths, options) => run(retryCommand(globals(), paths, options)));

  program.command("send")
    .description("publish event files to the topic (.json: one event; .jsonl: one per line)")
    .argument("<paths...>", "files, directories or glob patterns")
    .option("--topic <topic>", "topic (default [consumer].topic)")
    .action((paths, options) => run(sendCommand(globals(), paths, options)));

  program.command("verify")
    .description("check on the Handle server the records that inputs must have produced")
    .argument("[paths...]", "event, failure, skipped or dry-run handle files, directories, globs")
    .option("--topic [topic]", "also read the topic (default [consumer].topic), read-only")
    .option("--since <time>", "only topic events from this time on (ISO 8601)")
    .option("--format <format>", "text or json", "text")
    .option(
      "--project <name>",
      "verify this project (repeatable; overrides consumer.projects)",
      collect,
    )
    .option("--all-projects", "verify every known project")
    .option("--handle-profile <name>", "look every project up on this Handle profile")
    .action((paths, options) => run(verifyCommand(globals(), paths, options)));

  program.command("publish")
    .description(
      "register dry-run handle files (outputs/handles/*.jsonl): files before their dataset",
    )
    .argument("<paths...>", "handle files, directories or glob patterns")
    .option("--resume", "skip handles that earlier receipts (outputs/published/) show published")
    .action((paths, options) => run(publishCommand(globals(), paths, options)));

  program.command("handle-server")
    .description("run a local Handle REST server (for demos, tests and benchmarks)")
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--port <port>", "port (default: the port of [handle].server_url)", port)
    .option("--prefix <prefix>", "served prefix (default [handle].prefix)")
    .option("--username <user>", "admin user, an indexed handle (default [handle].username)")
    .option(
      "--password-file <file>",
      "read the admin password from this file (default $PIDDI_HANDLE_PASSWORD, then [handle].password)",
    )
    .option("--password <password>", "admin password; visible to ps: prefer --password-file")
    .option("--latency-ms <ms>", "added to every write, to model a production server", nonNegative)
    .option(
      "--latency-per-inflight-ms <ms>",
      "added to every write per write in flight: a server that slows down under load",
      nonNegative,
    )
    .option("--max-inflight <n>", "answer 429 to writes beyond this many in flight", nonNegative)
    .option("--data-file <file>", "keep records in this file across restarts")
    .option(
      "--session-ttl <seconds>",
      "idle seconds before a session expires (default 1800)",
      positive,
    )
    .option("--no-sessions", "offer no /api/sessions (clients fall back to Basic on every request)")
    .option(
      "--tls",
      "HTTPS with a self-signed certificate made at start (its pin is printed); plain HTTP on the same port is then read-only, as on a real Handle.Net server",
    )
    .option(
      "--tls-name <name>",
      "a host name or IP address the certificate names (repeatable; implies --tls)",
      collect,
    )
    .action((options) => run(handleServerCommand(globals(), options)));

  program.command("handle-cert")
    .description(
      "show a Handle server's TLS certificate (subject, names, expiry) and its tls_pin_sha256",
    )
    .argument("[url]", "https URL of the server (default: server_url of the profile)")
    .option("--profile <name>", "the Handle profile to read server_url and ca_file from")
    .option("--ca-file <file>", "check the certificate against this CA as well")
    .action((url, options) => run(handleCertCommand(globals(), url, options)));

  const config = program.command("config").description("check or print the configuration");
  config.command("validate")
    .description("check types, host:port lists, backend and lookup requirements, unknown keys")
    .action(() => run(configValidate(globals())));
  config.command("show")
    .description("print the merged configuration with every secret redacted")
    .addOption(
      new Option("--format <format>", "output format").choices(["toml", "json"]).default("toml"),
    )
    .option("--section <section>", "only this section, e.g. kafka or consumer.transient")
    .option("--key <key>", "only this key, e.g. handle.prefix")
    .option(
      "--origin",
      "show which layer (defaults, system file, --config, $PIDDI_*) set each value",
    )
    .action((options) => run(configShow(globals(), options)));

  return program;
}

/** Whether the arguments ask for JSON on standard error (read before commander parses them). */
function jsonRequested(args: string[]): boolean {
  const at = args.indexOf("--log-format");
  return args.includes("--log-format=json") || (at >= 0 && args[at + 1] === "json");
}

/** Runs the command line and exits with the command's code (decided in `src/exit/`). */
export async function main(args: string[]): Promise<void> {
  if (jsonRequested(args)) setStderrFormat("json");
  const started = new Date();
  let code: number = EXIT.ok;
  let failure: string | undefined;
  const program = buildProgram((c) => code = c);
  // The command's full name once commander has parsed it; before that, the first argument
  // that names a command (a usage error may come first).
  const names = new Set(program.commands.map((c) => c.name()));
  let command = args.find((arg) => names.has(arg)) ?? "";
  program.hook("preAction", (_program, action) => {
    const names: string[] = [];
    type Named = { name(): string; parent: Named | null };
    for (let c = action as unknown as Named; c.parent !== null; c = c.parent) {
      names.unshift(c.name());
    }
    command = names.join(" ");
  });
  try {
    await program.parseAsync(args, { from: "user" });
  } catch (error) {
    const exit = exitOfError(error);
    if (exit.message !== "") {
      for (const line of exit.message.split("\n")) writeStderrLine(line);
      failure = exit.message;
    } else if (exit.code !== EXIT.ok && error instanceof Error) {
      failure = error.message; // commander's, which it printed itself
    }
    code = exit.code;
  }
  const summaryPath = (program.opts() as GlobalOptions).summaryJson;
  if (summaryPath !== undefined) {
    try {
      await writeSummary(summaryPath, { command, code, started, error: failure });
    } catch (error) {
      writeStderrLine(`error: --summary-json ${summaryPath}: ${exitOfError(error).message}`);
    }
  }
  Deno.exit(code);
}

if (import.meta.main) await main(Deno.args);
