/**
 * The operators' HTTP endpoint (`--listen HOST:PORT`, `[monitor] listen`):
 * `GET /health/live`, `GET /health/ready` and `GET /metrics` (Prometheus text).
 *
 * @module
 */

import type { Health } from "./health.ts";
import type { RunMetrics } from "./metrics.ts";

/** A parsed `HOST:PORT`. */
export interface ListenAddress {
  /** Interface; 127.0.0.1 when only a port is given. */
  hostname: string;
  /** Port (0 picks a free one). */
  port: number;
}

/** Parses `HOST:PORT`, `:PORT` or `PORT` (host 127.0.0.1), `[v6]:PORT`; throws on anything else. */
export function parseListen(text: string): ListenAddress {
  const value = text.trim();
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\[\]]*)):(\d+)$/.exec(value) ??
    /^()()(\d+)$/.exec(value);
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port > 65535) {
    throw new Error(`listen address must be HOST:PORT or PORT, got "${text}"`);
  }
  return { hostname: match[1] || match[2] || "127.0.0.1", port };
}

/** A running endpoint. */
export interface MonitorServer {
  /** The address it listens on (the real port when 0 was asked). */
  address: ListenAddress;
  /** Stops listening. */
  close(): Promise<void>;
}

/** Options of {@linkcode startMonitorServer}. */
export interface MonitorServerOptions {
  /** Where to listen. */
  address: ListenAddress;
  /** The run's health. */
  health: Health;
  /** The run's metrics. */
  metrics: RunMetrics;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body) + "\n", {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** The request handler of the endpoint. */
export function monitorHandler(
  options: Omit<MonitorServerOptions, "address">,
): (request: Request) => Promise<Response> {
  return async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    if (request.method !== "GET" && request.method !== "HEAD") {
      return json(405, { error: "only GET" });
    }
    switch (path) {
      case "/health/live":
        return json(200, { status: "alive", phase: options.health.readiness().phase });
      case "/health/ready": {
        const r = options.health.readiness();
        return json(r.ready ? 200 : 503, {
          status: r.ready ? "ready" : "not ready",
          phase: r.phase,
          reasons: r.reasons,
          ...(r.waiting.length > 0 ? { waiting: r.waiting } : {}),
        });
      }
      case "/metrics":
        return new Response(await options.metrics.text(), {
          headers: { "content-type": options.metrics.contentType },
        });
      default:
        return json(404, {
          error: "not found",
          paths: ["/health/live", "/health/ready", "/metrics"],
        });
    }
  };
}

/** Starts listening; throws when the address cannot be bound. */
export function startMonitorServer(options: MonitorServerOptions): MonitorServer {
  const server = Deno.serve({
    hostname: options.address.hostname,
    port: options.address.port,
    onListen: () => {},
  }, monitorHandler(options));
  const addr = server.addr as Deno.NetAddr;
  return {
    address: { hostname: addr.hostname, port: addr.port },
    async close(): Promise<void> {
      await server.shutdown();
    },
  };
}
