/**
 * The processes of the demo: the CLI runs it starts (each stopped at the end, on an error
 * and on SIGINT or SIGTERM), the handle server of each Handle profile, and the CLI steps
 * whose output the demo shows.
 *
 * @module
 */

import { join } from "node:path";
import { TextLineStream } from "../../src/inputs/lines.ts";
import { CONFIG_NAME, DEMO_PASSWORD, type DemoProfile, demoUser, PROJECT_ROOT } from "./setup.ts";

/** The CLI's main module. */
const MAIN = join(PROJECT_ROOT, "main.ts");
/** The project's configuration (import map, lock file) for the CLI subprocesses. */
const DENO_JSON = join(PROJECT_ROOT, "deno.json");
/** The longest a CLI run may take before it is killed. */
const CLI_TIMEOUT_MS = 180_000;
/** The longest the handle server may take to say it listens. */
const START_TIMEOUT_MS = 30_000;
/** How long a stopped process gets after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 10_000;

/** What a CLI run printed and how it ended. */
export interface CliResult {
  /** The exit code. */
  code: number;
  /** Its standard output. */
  stdout: string;
  /** Its error output. */
  stderr: string;
}

/** The running handle server of a profile. */
export interface HandleServer {
  /** The profile it serves. */
  profile: DemoProfile;
  /** Its base URL, from its "listening" line. */
  url: string;
  /** The CLI process that runs it. */
  child: Deno.ChildProcess;
  /** Its output after the "listening" line, collected until it exits. */
  later: string[];
  /** Resolves when its output has ended. */
  drained: Promise<void>;
}

/**
 * The processes the demo started, so that every one of them is stopped at the end, on an
 * error and on SIGINT or SIGTERM.
 */
export class Processes {
  readonly #children = new Set<Deno.ChildProcess>();
  #interrupted: string | undefined;

  /** Spawns `deno run --allow-all main.ts <args>` in `cwd` with piped output. */
  spawnCli(args: string[], cwd: string): Deno.ChildProcess {
    this.throwIfInterrupted();
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", "--config", DENO_JSON, MAIN, ...args],
      cwd,
      env: { NO_COLOR: "1", KAFKAJS_NO_PARTITIONER_WARNING: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#children.add(child);
    child.status.finally(() => this.#children.delete(child));
    return child;
  }

  /** Stops a child: SIGTERM, then SIGKILL after the grace time; resolves when it is gone. */
  async stop(child: Deno.ChildProcess): Promise<Deno.CommandStatus> {
    tryKill(child, "SIGTERM");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, STOP_GRACE_MS);
    });
    const outcome = await Promise.race([child.status, grace]);
    clearTimeout(timer);
    if (outcome === undefined) tryKill(child, "SIGKILL");
    return await child.status;
  }

  /** Stops every child still running. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.#children].map((child) => this.stop(child)));
  }

  /** Marks the demo as interrupted and sends SIGTERM to every child. */
  interrupt(signal: string): void {
    this.#interrupted ??= `interrupted by ${signal}`;
    for (const child of this.#children) tryKill(child, "SIGTERM");
  }

  /** Why the demo was interrupted, if it was. */
  get interrupted(): string | undefined {
    return this.#interrupted;
  }

  /** Throws when the demo was interrupted. */
  throwIfInterrupted(): void {
    if (this.#interrupted) throw new Error(this.#interrupted);
  }
}

/** Starts `handle-server` and waits for its "listening" line. */
export async function startHandleServer(
  processes: Processes,
  workDir: string,
  options: { port: number; profile: DemoProfile },
): Promise<HandleServer> {
  const { port, profile } = options;
  const passwordFile = join(workDir, "handle-password");
  await Deno.writeTextFile(passwordFile, DEMO_PASSWORD + "\n");
  const child = processes.spawnCli(
    [
      "--config",
      CONFIG_NAME,
      "handle-server",
      "--port",
      String(port),
      "--prefix",
      profile.prefix,
      "--username",
      demoUser(profile),
      "--password-file",
      passwordFile,
    ],
    workDir,
  );
  const errors = new Response(child.stderr).text();
  const reader = child.stdout
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new TextLineStream())
    .getReader();
  const timer = setTimeout(() => tryKill(child, "SIGKILL"), START_TIMEOUT_MS);
  let url: string | undefined;
  try {
    while (url === undefined) {
      const { done, value } = await reader.read();
      if (done) break;
      url = /listening on (\S+)/.exec(value)?.[1];
    }
  } finally {
    clearTimeout(timer);
  }
  if (url === undefined) {
    await processes.stop(child);
    throw new Error(`handle-server did not start: ${lastLine(await errors) ?? "no output"}`);
  }
  const later: string[] = [];
  const drained = (async (): Promise<void> => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      later.push(value);
    }
    await errors;
  })();
  return { profile, url, child, later, drained };
}

/**
 * Runs one CLI command (`args`) in the working folder, after echoing it as `shown`; throws
 * with the last line of its error output when it exits with another code than `codes`
 * (default 0 only).
 */
export async function runStep(
  processes: Processes,
  workDir: string,
  options: { args: string[]; shown: string[]; codes?: number[] },
): Promise<CliResult> {
  const { args, shown } = options;
  const codes = options.codes ?? [0];
  console.log(`$ piddiplatsch -c ${CONFIG_NAME} ${shown.join(" ")}`);
  const child = processes.spawnCli(["--config", CONFIG_NAME, ...args], workDir);
  const timer = setTimeout(() => tryKill(child, "SIGKILL"), CLI_TIMEOUT_MS);
  try {
    const output = await child.output();
    const result = {
      code: output.code,
      stdout: new TextDecoder().decode(output.stdout),
      stderr: new TextDecoder().decode(output.stderr),
    };
    processes.throwIfInterrupted();
    if (!codes.includes(result.code)) {
      const why = lastLine(result.stderr) ?? lastLine(result.stdout) ?? "no output";
      throw new Error(`\`${shown[0]}\` exited with ${result.code}: ${why}`);
    }
    return result;
  } finally {
    clearTimeout(timer);
  }
}

/** The last non-empty line of a text. */
export function lastLine(text: string): string | undefined {
  return text.split(/\r?\n/).findLast((line) => line.trim() !== "")?.trim();
}

/** Sends a signal unless the process is already gone. */
function tryKill(child: Deno.ChildProcess, signal: Deno.Signal): void {
  try {
    child.kill(signal);
  } catch {
    // The process has already exited.
  }
}
