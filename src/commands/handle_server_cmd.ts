/**
 * `handle-server`: the project's own Handle REST server, for demos, tests and
 * benchmarks. Runs until SIGINT or SIGTERM.
 *
 * @module
 */

import { startHandleServer } from "../handle_server/mod.ts";
import { type GlobalOptions, openContext, signalController } from "./context.ts";

/** Options of `handle-server`. */
export interface HandleServerCommandOptions {
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default: the port of `[handle].server_url`). */
  port?: number;
  /** Served prefix (default `[handle].prefix`). */
  prefix?: string;
  /** Admin user (default `[handle].username`). */
  username?: string;
  /** Password (default `[handle].password`). */
  password?: string;
  /** Added to every write, ms. */
  latencyMs?: number;
  /** Added to every write per write in flight, ms. */
  latencyPerInflightMs?: number;
  /** Writes in flight at most; more get 429. */
  maxInflight?: number;
  /** Records survive a restart in this file. */
  dataFile?: string;
}

/** Runs the server until a signal; returns the exit code. */
export async function handleServerCommand(
  globals: GlobalOptions,
  options: HandleServerCommandOptions,
): Promise<number> {
  const { config, logging } = await openContext(globals);
  const stop = signalController();
  const url = new URL(config.handle.server_url);
  const port = options.port ?? Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const server = await startHandleServer({
    host: options.host ?? "127.0.0.1",
    port,
    prefix: options.prefix ?? config.handle.prefix,
    username: options.username ?? config.handle.username,
    password: options.password ?? config.handle.password,
    latencyMs: options.latencyMs,
    latencyPerInflightMs: options.latencyPerInflightMs,
    maxInflight: options.maxInflight,
    dataFile: options.dataFile,
  });
  console.log(
    `handle-server: listening on ${server.url} (prefix ${options.prefix ?? config.handle.prefix}${
      options.dataFile ? `, data file ${options.dataFile}` : ""
    })`,
  );
  await new Promise<void>((resolve) => {
    if (stop.signal.aborted) resolve();
    stop.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  await server.close();
  stop.dispose();
  console.log(`handle-server: stopped (${server.size()} handles)`);
  await logging.close();
  return 0;
}
