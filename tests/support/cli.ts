/**
 * Running the real CLI as a subprocess and reading its summary.
 *
 * @module
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

/** The project's main module. */
export const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));

/** What a CLI run printed and how it ended. */
export interface CliResult {
  /** Exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** Runs `deno run -A main.ts <args>` in `cwd` and waits for it. */
export async function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  const output = await cliCommand(args, options).output();
  return {
    code: output.code,
    stdout: new TextDecoder().decode(output.stdout),
    stderr: new TextDecoder().decode(output.stderr),
  };
}

/** The command for `deno run -A main.ts <args>` (spawn it for a process to signal or kill). */
export function cliCommand(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", MAIN, ...args],
    cwd: options.cwd,
    env: { NO_COLOR: "1", KAFKAJS_NO_PARTITIONER_WARNING: "1", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

/** The number after `<counter>=` in a CLI summary; fails the test when there is none. */
export function summaryCount(stderr: string, counter: string): number {
  const match = new RegExp(`${counter}=(\\d+)`).exec(stderr);
  assert.ok(match, `no ${counter}= in the summary:\n${stderr}`);
  return Number(match[1]);
}
