/**
 * `handle-server`: the project's own Handle REST server, for demos, tests and
 * benchmarks. Runs until SIGINT or SIGTERM.
 *
 * @module
 */

import { startHandleServer } from "../handle_server/mod.ts";
import { describeError } from "../errors/mod.ts";
import { EXIT } from "../exit/mod.ts";
import {
  ExitError,
  type GlobalOptions,
  openContext,
  printError,
  signalController,
} from "./context.ts";

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
  /** Password given on the command line (visible to `ps`: a warning is printed). */
  password?: string;
  /** A file holding the password (one line; a final newline is not part of it). */
  passwordFile?: string;
  /** Added to every write, ms. */
  latencyMs?: number;
  /** Added to every write per write in flight, ms. */
  latencyPerInflightMs?: number;
  /** Writes in flight at most; more get 429. */
  maxInflight?: number;
  /** Records survive a restart in this file. */
  dataFile?: string;
  /** Idle seconds before a session expires. */
  sessionTtl?: number;
  /** Whether `/api/sessions` is offered (`--no-sessions` sets false). */
  sessions?: boolean;
  /** Serve HTTPS (and plain HTTP) with a self-signed certificate made at start. */
  tls?: boolean;
  /** Host names or IP addresses the certificate names (subjectAltName); none by default. */
  tlsName?: string[];
}

/** Runs the server until a signal; returns the exit code. */
export async function handleServerCommand(
  globals: GlobalOptions,
  options: HandleServerCommandOptions,
): Promise<number> {
  const { config, logging } = await openContext(globals);
  const password = await adminPassword(options, config.handle.password);
  const stop = signalController();
  const url = new URL(config.handle.server_url);
  const port = options.port ?? Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const server = await startHandleServer({
    host: options.host ?? "127.0.0.1",
    port,
    prefix: options.prefix ?? config.handle.prefix,
    username: options.username ?? config.handle.username,
    password,
    latencyMs: options.latencyMs,
    latencyPerInflightMs: options.latencyPerInflightMs,
    maxInflight: options.maxInflight,
    dataFile: options.dataFile,
    sessions: options.sessions,
    sessionTtlSeconds: options.sessionTtl,
    tls: options.tls || options.tlsName !== undefined ? { names: options.tlsName } : undefined,
  });
  console.log(
    `handle-server: listening on ${server.url} (prefix ${options.prefix ?? config.handle.prefix}${
      options.dataFile ? `, data file ${options.dataFile}` : ""
    }${options.sessions === false ? ", no sessions" : ""})`,
  );
  if (server.pin !== undefined) {
    console.log(
      `handle-server: plain HTTP on the same port (${server.httpUrl}) for reads; certificate tls_pin_sha256 = "${server.pin}"`,
    );
  }
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

/**
 * The admin password: `--password-file`, else `--password` (with a warning: every user
 * sees it in `ps`), else `[handle].password` (which `PIDDI_HANDLE_PASSWORD` overrides).
 */
async function adminPassword(
  options: HandleServerCommandOptions,
  configured: string,
): Promise<string> {
  if (options.passwordFile !== undefined && options.password !== undefined) {
    throw new ExitError("handle-server: give --password-file or --password, not both", EXIT.usage);
  }
  if (options.passwordFile !== undefined) {
    let text: string;
    try {
      text = await Deno.readTextFile(options.passwordFile);
    } catch (error) {
      throw new ExitError(
        `handle-server: --password-file ${options.passwordFile}: ${describeError(error)}`,
        EXIT.usage,
      );
    }
    const password = text.replace(/\r?\n$/, "");
    if (password === "") {
      throw new ExitError(
        `handle-server: --password-file ${options.passwordFile} is empty`,
        EXIT.usage,
      );
    }
    return password;
  }
  if (options.password !== undefined) {
    printError(
      "handle-server: warning: --password is visible to every user (ps, /proc); use --password-file or PIDDI_HANDLE_PASSWORD",
    );
    return options.password;
  }
  return configured;
}
