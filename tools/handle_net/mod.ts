/**
 * A real Handle.Net 9.2.0 server (CNRI's "hsj") for tests: started from
 * `../shared/handle-net/start.sh` (or `$HANDLE_NET_HOME/start.sh`) on 127.0.0.1, one per
 * prefix, with its dependency jars cached in `<repo>/.cache/handle-net/lib` (`HSJ_LIB`).
 * The folder is optional: in a user's clone it is absent and {@linkcode handleNetHome}
 * answers undefined, so that tests can report themselves as ignored.
 *
 * @example
 * ```ts
 * import { startRealHandleServer } from "./mod.ts";
 * await using server = await startRealHandleServer({ prefix: "21.T1" });
 * console.log(server.url, server.username, server.pin);
 * ```
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { free, freePortPair } from "./ports.ts";
import { type JavaProcess, launch, serverCommand } from "./process.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** The folder holding start.sh: $HANDLE_NET_HOME, else ../shared/handle-net beside the repo; undefined when absent. */
export function handleNetHome(): string | undefined {
  const explicit = Deno.env.get("HANDLE_NET_HOME");
  const candidates = explicit ? [explicit] : [join(REPO, "..", "shared", "handle-net")];
  for (const dir of candidates) {
    try {
      if (Deno.statSync(join(dir, "start.sh")).isFile) return dir;
    } catch {
      // absent
    }
  }
  return undefined;
}

/** A running real Handle.Net server. */
export interface RealHandleServer {
  /** `https://127.0.0.1:PORT`. */
  url: string;
  /** `http://127.0.0.1:PORT` (the same port; reads only). */
  httpUrl: string;
  /** The served prefix. */
  prefix: string;
  /** The admin user, `300:PREFIX/testuser`. */
  username: string;
  /** The admin user's password. */
  password: string;
  /** The server's certificate (PEM), read from its files. */
  certPem: string;
  /** Lowercase hex SHA-256 of the DER certificate. */
  pin: string;
  /** The server's folder. */
  dir: string;
  /** The HTTP(S) port; the native hdl-TCP/UDP port is the next one. */
  port: number;
  /** The server JVM's process id while it runs. */
  readonly pid: number | undefined;
  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same folder and port, keeping the stored handles. */
  start(): Promise<void>;
  /** Stops it and removes a folder the harness created. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options of {@linkcode startRealHandleServer}. */
export interface RealHandleServerOptions {
  /** The prefix to serve, e.g. "21.T1". */
  prefix: string;
  /** The admin user's suffix; "testuser" by default. */
  user?: string;
  /** The admin user's password; "testpass" by default. */
  password?: string;
  /** The server's folder (must not exist, or be empty); a new temporary one by default. */
  dir?: string;
  /** The HTTP(S) port (PORT+1 must be free too); a free pair in 40000-60000 by default. */
  port?: number;
  /**
   * The server JVM's options; by default `$HSJ_JAVA_OPTS`, else what starts fast for tests
   * (`-Xmx128m -XX:TieredStopAtLevel=1`: no C2 compiler). A benchmark passes `-Xmx256m`,
   * start.sh's own default, to measure the server as it is deployed.
   */
  javaOpts?: string;
}

const START_TIMEOUT_MS = 120_000;

/**
 * Starts a fresh real Handle.Net server and resolves once it answers.
 *
 * @throws {Error} when the folder of start.sh is absent, or Java or the server cannot start
 *   (with the end of its output).
 */
export async function startRealHandleServer(
  options: RealHandleServerOptions,
): Promise<RealHandleServer> {
  const home = handleNetHome();
  if (home === undefined) {
    throw new Error("../shared/handle-net not found (set HANDLE_NET_HOME)");
  }
  const user = options.user ?? "testuser";
  const password = options.password ?? "testpass";
  const lib = Deno.env.get("HSJ_LIB") ?? join(REPO, ".cache", "handle-net", "lib");
  await Deno.mkdir(lib, { recursive: true });
  const port = options.port ?? freePortPair();
  if (options.port !== undefined && !(free(port) && free(port + 1))) {
    throw new Error(`Handle.Net server: port ${port} or ${port + 1} on 127.0.0.1 is in use`);
  }
  const ownDir = options.dir === undefined;
  const parent = ownDir ? await Deno.makeTempDir({ prefix: "real-handle-" }) : undefined;
  const dir = options.dir ?? join(parent!, "hs");
  const javaOpts = options.javaOpts ?? Deno.env.get("HSJ_JAVA_OPTS") ??
    "-Xmx128m -XX:TieredStopAtLevel=1";
  const env = {
    HSJ_LIB: lib,
    HSJ_PREFIX: options.prefix,
    HSJ_USER: user,
    HSJ_PASSWORD: password,
    HSJ_JAVA_OPTS: javaOpts,
  };
  const probe = `http://127.0.0.1:${port}/api/handles/${options.prefix}/${user}`;
  let process: JavaProcess | undefined;
  try {
    process = await launch(
      { command: "bash", args: [join(home, "start.sh"), dir, String(port)], env },
      { ready: "HSJ_READY", probe, timeoutMs: START_TIMEOUT_MS },
    );
  } catch (error) {
    if (parent !== undefined) await Deno.remove(parent, { recursive: true }).catch(() => {});
    throw error;
  }
  let certPem: string;
  try {
    certPem = await Deno.readTextFile(join(dir, "serverCertificate.pem"));
  } catch (error) {
    await process.stop();
    throw error;
  }
  const pin = await pemPin(certPem);

  async function stop(): Promise<void> {
    const running = process;
    process = undefined;
    await running?.stop();
  }
  async function start(): Promise<void> {
    if (process !== undefined) return;
    const jars = [join(home!, "handle-9.2.0.jar")];
    for await (const entry of Deno.readDir(lib)) {
      if (entry.name.endsWith(".jar")) jars.push(join(lib, entry.name));
    }
    process = await launch(
      serverCommand({ dir, classpath: jars.join(":"), javaOpts }),
      { probe, timeoutMs: START_TIMEOUT_MS },
    );
  }
  return {
    url: `https://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    prefix: options.prefix,
    username: `300:${options.prefix}/${user}`,
    password,
    certPem,
    pin,
    dir,
    port,
    get pid(): number | undefined {
      return process?.pid;
    },
    stop,
    start,
    async [Symbol.asyncDispose](): Promise<void> {
      await stop();
      if (parent !== undefined) await Deno.remove(parent, { recursive: true }).catch(() => {});
    },
  };
}

/** Lowercase hex SHA-256 of the DER certificate in a PEM text. */
async function pemPin(pem: string): Promise<string> {
  const base64 = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
  const der = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", der));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
