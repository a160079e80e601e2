/**
 * The run summary for scripts (`--summary-json FILE`): one JSON object with the command,
 * its exit code, start and end time, the error that ended it (if one did) and what the
 * command counted. Commands add their counts with {@linkcode addToSummary}; `main.ts`
 * writes the file once the exit code is known, whatever ended the run. The file is
 * checked for writing before any work (else exit 2) and replaced whole at the end.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { ConfigurationError, describeError } from "../errors/mod.ts";

let fields: Record<string, unknown> = {};

/** Adds a command's counts to the summary (later calls add to earlier ones). */
export function addToSummary(more: Record<string, unknown>): void {
  fields = { ...fields, ...more };
}

/** The counts added so far (tests). */
export function summaryFields(): Record<string, unknown> {
  return { ...fields };
}

/** Throws a configuration error when the summary file cannot be written. */
export async function checkSummaryPath(path: string): Promise<void> {
  try {
    const info = await Deno.stat(path).catch((error) => {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    });
    if (info?.isDirectory) throw new Error("is a directory");
    const probe = join(dirname(path), `.${crypto.randomUUID()}.summary.tmp`);
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
  } catch (error) {
    throw new ConfigurationError(
      `--summary-json ${path} cannot be written: ${describeError(error)}`,
      { cause: error },
    );
  }
}

/** How the run ended. */
export interface RunEnd {
  /** The command's name (`map`, `config show`, …). */
  command: string;
  /** The exit code. */
  code: number;
  /** When the run started. */
  started: Date;
  /** The one-line error that ended it, if one did. */
  error?: string;
}

/** The summary as an object. */
export function summaryOf(end: RunEnd, now: Date = new Date()): Record<string, unknown> {
  return {
    command: end.command,
    exit_code: end.code,
    started: end.started.toISOString(),
    ended: now.toISOString(),
    ...(end.error === undefined ? {} : { error: end.error }),
    ...fields,
  };
}

/** Writes the summary to `path` (a temporary file renamed over it). */
export async function writeSummary(path: string, end: RunEnd): Promise<void> {
  const temporary = join(dirname(path), `.${crypto.randomUUID()}.summary.tmp`);
  await Deno.writeTextFile(temporary, JSON.stringify(summaryOf(end)) + "\n");
  await Deno.rename(temporary, path);
}
