/**
 * Exit codes: the one place that decides them. Every command returns one of
 * {@linkcode EXIT}, throws an {@linkcode ExitError}, or throws an error that
 * {@linkcode exitOfError} maps; `main.ts` only prints and exits.
 *
 * | code | meaning |
 * | --- | --- |
 * | 0 | done |
 * | 1 | events failed, or `verify` found handles missing, different or not verifiable |
 * | 2 | usage or configuration: retrying cannot help (systemd `RestartPreventExitStatus=2`) |
 * | 3 | a dependency (Kafka, Handle service, STAC API) stayed unreachable |
 *
 * @module
 */

import {
  ConfigurationError,
  describeError,
  permissionRefusal,
  TransientError,
} from "../errors/mod.ts";

/** The exit codes. */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** Events failed (or `verify` found faults). */
  failed: 1,
  /** A usage error: a mistyped flag, a bad argument, an input that does not exist. */
  usage: 2,
  /** The configuration (file, credentials, TLS, permissions) does not work. */
  configuration: 2,
  /** A dependency stayed unreachable. */
  transient: 3,
} as const;

/** An exit code. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What each exit code means (for `--help` and the docs). */
export const EXIT_MEANINGS: Readonly<Record<ExitCode, string>> = {
  [EXIT.ok]: "done: the input ended, --idle-timeout, or stopped by SIGINT/SIGTERM",
  [EXIT.failed]:
    "events failed (map, retry, publish, consume at max_errors); verify: handles missing, different or inputs not verifiable",
  [EXIT.configuration]:
    "usage or configuration: bad flag or argument, missing input, invalid file, unwritable log, TLS/SASL handshake, credentials refused",
  [EXIT.transient]: "outage: Kafka, the Handle service or the STAC API stayed unreachable",
};

/** Raised by commands to end with an exit code and a one-line message. */
export class ExitError extends Error {
  /** The exit code. */
  readonly code: number;
  /** Creates the error. */
  constructor(message: string, code: number) {
    super(message);
    this.name = "ExitError";
    this.code = code;
  }
}

/** A usage error: an argument that names nothing, a value out of range (exit 2). */
export class UsageError extends Error {
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}

/** The exit code a run's result calls for (its stop, if it stopped). */
export function exitCodeOfStop(stop: { kind: string } | undefined): ExitCode {
  switch (stop?.kind) {
    case undefined:
      return EXIT.ok;
    case "transient":
      return EXIT.transient;
    case "configuration":
      return EXIT.configuration;
    default:
      return EXIT.failed;
  }
}

/** The code and the one line to print for an error that ended a command. */
export interface ExitOf {
  /** The exit code. */
  code: number;
  /** The line for standard error (empty when there is nothing more to say). */
  message: string;
}

/** Commander's codes that are no error (help or version asked for). */
const COMMANDER_DONE = new Set(["commander.helpDisplayed", "commander.version"]);

/** Maps an error that ended a command (a commander error included) to its code and line. */
export function exitOfError(error: unknown): ExitOf {
  const { code: commander, exitCode } = error as { code?: unknown; exitCode?: unknown };
  if (typeof commander === "string" && commander.startsWith("commander.")) {
    // Commander printed its message (and the help) itself; help asked for is no error.
    const done = COMMANDER_DONE.has(commander) || exitCode === 0;
    return { code: done ? EXIT.ok : EXIT.usage, message: "" };
  }
  if (error instanceof ExitError) return { code: error.code, message: error.message };
  if (error instanceof UsageError) return { code: EXIT.usage, message: `error: ${error.message}` };
  const refused = permissionRefusal(error);
  if (refused) return { code: EXIT.configuration, message: `error: ${refused.message}` };
  if (error instanceof ConfigurationError) {
    return { code: EXIT.configuration, message: `error: ${error.message}` };
  }
  if (error instanceof TransientError) {
    return { code: EXIT.transient, message: `error: ${error.message}` };
  }
  return { code: EXIT.failed, message: `error: ${describeError(error)}` };
}
