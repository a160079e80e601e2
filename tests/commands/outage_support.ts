/**
 * What the outage tests share: a `consume` run as a child process with its monitor
 * endpoint, its readiness and liveness asked while it runs, and a free port to bring a
 * service back on.
 *
 * @module
 */

import { cliCommand } from "../helpers.ts";

/** A free TCP port on 127.0.0.1 (free when asked; nothing holds it after). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** What `/health/ready` answered. */
export interface ReadyAnswer {
  /** HTTP status. */
  status: number;
  /** Why not ready. */
  reasons: string[];
  /** The services waited for. */
  waiting: Array<{ dependency: string; since: string; reason: string }>;
}

/** A `consume` child process with its endpoint. */
export interface ConsumeRun {
  /** The endpoint's port. */
  port: number;
  /** Whether the process has ended. */
  ended(): boolean;
  /** Resolves with the exit code and what the process wrote to stderr. */
  done: Promise<{ code: number; stderr: string }>;
  /** Asks `/health/ready`. */
  ready(): Promise<ReadyAnswer>;
  /** The status of `/health/live`. */
  live(): Promise<number>;
  /** The text of `/metrics`. */
  metrics(): Promise<string>;
  /** Sends SIGTERM (when still running) and waits for the end. */
  stop(): Promise<{ code: number; stderr: string }>;
}

/** Starts `consume` with `args` and an endpoint on a free port. */
export function startConsume(
  config: string,
  options: { cwd: string; args?: string[]; env?: Record<string, string> },
): ConsumeRun {
  const port = freePort();
  const child = cliCommand(
    ["-c", config, "consume", "--listen", `127.0.0.1:${port}`, ...(options.args ?? [])],
    { cwd: options.cwd, env: options.env },
  ).spawn();
  let ended = false;
  const done = (async () => {
    const output = await child.output();
    ended = true;
    return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
  })();
  const get = async (path: string): Promise<Response | undefined> => {
    try {
      return await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5000) });
    } catch {
      return undefined; // not listening yet, or ended
    }
  };
  return {
    port,
    ended: () => ended,
    done,
    async ready(): Promise<ReadyAnswer> {
      const response = await get("/health/ready");
      if (!response) return { status: 0, reasons: ["no answer"], waiting: [] };
      const body = await response.json();
      return { status: response.status, reasons: body.reasons ?? [], waiting: body.waiting ?? [] };
    },
    async live(): Promise<number> {
      const response = await get("/health/live");
      await response?.body?.cancel();
      return response?.status ?? 0;
    },
    async metrics(): Promise<string> {
      return await (await get("/metrics"))?.text() ?? "";
    },
    async stop(): Promise<{ code: number; stderr: string }> {
      // SIGTERM, and SIGKILL when that did not end it in 30 s (a test's failure, not a hang)
      for (const [signal, waitMs] of [["SIGTERM", 30_000], ["SIGKILL", 0]] as const) {
        if (ended) break;
        try {
          child.kill(signal);
        } catch {
          // ended meanwhile
        }
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([done, new Promise((resolve) => timer = setTimeout(resolve, waitMs))]);
        clearTimeout(timer);
      }
      return await done;
    },
  };
}

/** Polls `check` every 100 ms until true; throws naming `what` after `ms`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 60_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!await check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resolves after `ms`. */
export function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
