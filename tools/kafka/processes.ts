/**
 * Process helpers of the local Kafka broker: starting and running Java tools, copying a
 * process's output into its log, signals, and one-line quotes of a log.
 *
 * @module
 */

import { ConfigurationError } from "../../src/errors/mod.ts";

/** How many log lines an error about a failed start quotes. */
const LOG_TAIL_LINES = 20;

/** Starts java with piped output; a missing java becomes a {@linkcode ConfigurationError}. */
export function spawnJava(args: string[], cwd: string): Deno.ChildProcess {
  try {
    return new Deno.Command("java", {
      args,
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new ConfigurationError("Java was not found on PATH; install Java 17 or newer");
    }
    throw error;
  }
}

/** The outcome of a finished tool run: stdout and stderr together. */
export interface ToolResult {
  /** Whether it exited with 0. */
  success: boolean;
  /** The exit code. */
  code: number;
  /** Its standard output, then its error output. */
  output: string;
}

/** Runs a tool to its end; a missing tool becomes a {@linkcode ConfigurationError}. */
export async function runTool(
  command: string,
  args: string[],
  options: { cwd?: string; missing: string },
): Promise<ToolResult> {
  try {
    const result = await new Deno.Command(command, {
      args,
      cwd: options.cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    return {
      success: result.success,
      code: result.code,
      output: decoder.decode(result.stdout) + decoder.decode(result.stderr),
    };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new ConfigurationError(options.missing);
    throw error;
  }
}

/** Copies a stream into an open file until the stream ends. */
export async function drain(stream: ReadableStream<Uint8Array>, file: Deno.FsFile): Promise<void> {
  for await (const chunk of stream) {
    let written = 0;
    while (written < chunk.length) written += await file.write(chunk.subarray(written));
  }
}

/** Sends a signal unless the process is already gone. */
export function tryKill(child: Deno.ChildProcess, signal: Deno.Signal): void {
  try {
    child.kill(signal);
  } catch {
    // The process has already exited.
  }
}

/** The text of a file, or "" when it cannot be read. */
export async function readText(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return "";
  }
}

/**
 * The last non-empty lines of a text without Java stack frames, joined with " | " so that
 * an error stays one line.
 */
export function tail(text: string, lines = LOG_TAIL_LINES): string {
  const last = text.split(/\r?\n/)
    .filter((line) => line.trim() !== "" && !/^\s+(at |\.\.\. \d+ more)/.test(line))
    .slice(-lines);
  return last.length > 0 ? last.join(" | ") : "(no output)";
}

/** Resolves after the given milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
