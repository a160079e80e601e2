/**
 * The server process of the real Handle.Net harness: launch, wait until it answers, stop.
 *
 * @module
 */

import { join } from "node:path";

/** A command to run. */
export interface CommandSpec {
  /** The program. */
  command: string;
  /** Its arguments. */
  args: string[];
  /** Extra environment. */
  env?: Record<string, string>;
  /** The working folder. */
  cwd?: string;
}

/** When a launched process counts as ready. */
export interface ReadyOptions {
  /** A text the process prints on stdout when ready (awaited first, when given). */
  ready?: string;
  /** A URL that must answer 200. */
  probe: string;
  /** Milliseconds to wait at most. */
  timeoutMs: number;
}

/** A running server process. */
export interface JavaProcess {
  /** The process id (start.sh execs into the JVM: the server's). */
  pid: number;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<void>;
}

/** The command that runs the server JVM on an existing folder (what start.sh execs last). */
export function serverCommand(
  options: { dir: string; classpath: string; javaOpts: string },
): CommandSpec {
  const java = Deno.env.get("JAVA") ?? "java";
  return {
    command: java,
    args: [
      ...options.javaOpts.split(/\s+/).filter((o) => o !== ""),
      `-Dnet.handle.configDir=${join(options.dir, "hdl-client-config")}`,
      "-cp",
      options.classpath,
      "net.handle.server.Main",
      options.dir,
    ],
    cwd: options.dir,
  };
}

/**
 * Starts a process and resolves once it is ready.
 *
 * @throws {Error} when it exits first or is not ready in time (it is then stopped); the
 *   message carries the end of its output.
 */
export async function launch(spec: CommandSpec, ready: ReadyOptions): Promise<JavaProcess> {
  const child = new Deno.Command(spec.command, {
    args: spec.args,
    env: spec.env,
    cwd: spec.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  let sawReady = ready.ready === undefined;
  const keep = (text: string): void => {
    output = (output + text).slice(-4000);
    if (!sawReady && output.includes(ready.ready!)) sawReady = true;
  };
  const drains = [drain(child.stdout, keep), drain(child.stderr, keep)];
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  async function stop(): Promise<void> {
    if (!exited) {
      try {
        child.kill("SIGTERM");
      } catch {
        // already gone
      }
    }
    await status;
    await Promise.all(drains);
  }
  const deadline = Date.now() + ready.timeoutMs;
  while (true) {
    if (exited) {
      await Promise.all(drains);
      const code = (await status).code;
      throw new Error(`Handle.Net server exited (code ${code}) before it answered: ${output}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Handle.Net server not ready after ${ready.timeoutMs} ms: ${output}`);
    }
    if (sawReady && await answers(ready.probe)) return { pid: child.pid, stop };
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

async function drain(
  stream: ReadableStream<Uint8Array>,
  keep: (text: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) keep(decoder.decode(chunk, { stream: true }));
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}
