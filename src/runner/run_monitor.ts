/**
 * The monitor endpoint of a run command (`--listen`, `[monitor] listen`) and the
 * input figures the status line shows.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { Config } from "../config/mod.ts";
import { describeError } from "../errors/mod.ts";
import {
  parseListen,
  type PartitionState,
  type ProbeTarget,
  type RunMonitor,
  startRunMonitor,
} from "../monitor/mod.ts";
import { EXIT, ExitError } from "../exit/mod.ts";
import { profileTls, type RunSwitches, selectedProjects } from "./mod.ts";
import type { Stats } from "../stats/mod.ts";
import denoJson from "../../deno.json" with { type: "json" };

/** Switches of every run command: the pipeline's and the monitor endpoint. */
export interface RunOptions extends RunSwitches {
  /** `--listen HOST:PORT`: the health and metrics endpoint (else `[monitor] listen`). */
  listen?: string;
}

/** Starts the monitor endpoint when `--listen` or `[monitor] listen` asks for one. */
export function startMonitorFor(
  config: Config,
  options: RunOptions & { stats: Stats; group: boolean },
): RunMonitor | undefined {
  const listen = options.listen ?? config.monitor.listen;
  if (!listen) return undefined;
  let address;
  try {
    address = parseListen(listen);
  } catch (error) {
    throw new ExitError(`--listen: ${describeError(error)}`, EXIT.configuration);
  }
  // The Handle services that must answer: every REST profile a selected project uses.
  const services = new Map<string, ProbeTarget>();
  if (!options.dryRun) {
    for (const { profile } of selectedProjects(config, options)) {
      if (profile.backend === "jsonl" || services.has(profile.name)) continue;
      services.set(profile.name, {
        name: profile.name,
        serverUrl: profile.server_url,
        prefix: profile.prefix,
        timeout: profile.timeout,
        tls: profileTls(profile),
      });
    }
  }
  try {
    const monitor = startRunMonitor({
      address,
      version: denoJson.version,
      stats: options.stats,
      group: options.group,
      services: [...services.values()],
    });
    getLogger(["piddiplatsch", "monitor"]).info(
      "health and metrics on http://{host}:{port}/ (/health/live, /health/ready, /metrics)",
      { host: monitor.address.hostname, port: monitor.address.port },
    );
    return monitor;
  } catch (error) {
    throw new ExitError(`--listen ${listen}: ${describeError(error)}`, EXIT.configuration);
  }
}

/** The sum of the partitions' lag, where both ends are known. */
export function totalLag(states: PartitionState[]): number {
  let lag = 0n;
  for (const p of states) {
    if (
      p.highWatermark !== undefined && p.committed !== undefined && p.highWatermark > p.committed
    ) {
      lag += p.highWatermark - p.committed;
    }
  }
  return Number(lag);
}
