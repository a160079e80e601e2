/**
 * The demo on real Handle.Net 9.2.0 servers (`deno task demo --real-handle`): one per
 * profile, started from `../shared/handle-net` (`tools/handle_net/`), each reached over
 * HTTPS with its self-signed certificate pinned. Where that folder is absent (a user's
 * clone) {@linkcode realHandleUnavailable} says why, and the demo stops with exit 1 rather
 * than show the stand-in under the real server's name.
 *
 * @module
 */

import { handleNetHome, type RealHandleServer, startRealHandleServer } from "../handle_net/mod.ts";
import { DEMO_PASSWORD, type DemoProfile } from "./setup.ts";

/** A real server of a demo profile. */
export interface RealDemoServer {
  /** The profile it serves. */
  profile: DemoProfile;
  /** Its plain-HTTP address, for reads (the demo's table and resolved record). */
  url: string;
  /** The running server: its HTTPS address, certificate pin and folder. */
  server: RealHandleServer;
}

/** Why the real servers cannot run here; undefined when they can. */
export function realHandleUnavailable(): string | undefined {
  return handleNetHome() === undefined
    ? "--real-handle needs the real Handle.Net server: ../shared/handle-net not found " +
      "(set HANDLE_NET_HOME to the folder of its start.sh)"
    : undefined;
}

/**
 * Starts one real server per profile, all at once, with the demo's user and password;
 * when one cannot start, the others are stopped and the error is thrown.
 */
export async function startRealDemoServers(
  profiles: readonly DemoProfile[],
): Promise<RealDemoServer[]> {
  const started = await Promise.allSettled(
    profiles.map((profile) =>
      startRealHandleServer({ prefix: profile.prefix, user: "demo", password: DEMO_PASSWORD })
    ),
  );
  const servers = started.flatMap((result, i) =>
    result.status === "fulfilled"
      ? [{ profile: profiles[i], url: result.value.httpUrl, server: result.value }]
      : []
  );
  const failed = started.find((result) => result.status === "rejected");
  if (failed) {
    await Promise.all(servers.map((s) => s.server[Symbol.asyncDispose]()));
    throw failed.reason;
  }
  return servers;
}

/** The line naming a real server the demo uses. */
export function realServerLine(real: RealDemoServer): string {
  const { profile, server } = real;
  return `Handle.Net ${profile.name}: real Handle.Net 9.2.0 server at ${server.url} ` +
    `(prefix ${profile.prefix}: ${profile.projects.join(", ")}; certificate pinned, ` +
    `tls_pin_sha256 ${server.pin.slice(0, 16)}…; folder ${server.dir})`;
}
