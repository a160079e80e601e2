/**
 * Liveness and readiness of a run. Ready means: running, the consumer group joined
 * (for a Kafka input), every Handle service answered its last request or probe, and no
 * service is waited for (a `consume` that holds events for a service that is down says
 * which and since when). A service that stops answering is probed again until it answers.
 *
 * @module
 */

import { createTransport, type TlsSettings, type Transport } from "../tls/mod.ts";

/** The phases of a run. */
export type Phase = "starting" | "running" | "stopping" | "stopped";

/** What `/health/ready` answers. */
export interface Readiness {
  /** Whether the run takes and registers events. */
  ready: boolean;
  /** The phase of the run. */
  phase: Phase;
  /** Why it is not ready (empty when ready). */
  reasons: string[];
  /** The services waited for: name, since when (ISO 8601) and why. */
  waiting: Array<{ dependency: string; since: string; reason: string }>;
}

/** Options of {@linkcode Health}. */
export interface HealthOptions {
  /** The run waits for a consumer group (Kafka input). */
  group: boolean;
  /** Names of the Handle services (profiles) that must answer. */
  services: string[];
}

/** The health of one run, updated by observers. */
export class Health {
  #phase: Phase = "starting";
  #phaseReason?: string;
  readonly #group: boolean;
  #joined = false;
  readonly #services = new Map<string, string | undefined>();
  readonly #waiting = new Map<string, { since: Date; reason: string }>();

  /** Starts in phase "starting", group not joined, no service answered yet. */
  constructor(options: HealthOptions) {
    this.#group = options.group;
    for (const name of options.services) this.#services.set(name, "not answered yet");
  }

  /** Moves to `phase`; `reason` says why (e.g. what stopped the run). */
  setPhase(phase: Phase, reason?: string): void {
    this.#phase = phase;
    this.#phaseReason = reason;
  }

  /** The consumer group was joined (true) or left, or the broker was lost (false). */
  setJoined(joined: boolean): void {
    this.#joined = joined;
  }

  /** A Handle service answered (any HTTP answer but a 5xx). */
  serviceAnswered(name: string): void {
    if (this.#services.has(name)) this.#services.set(name, undefined);
  }

  /** A Handle service did not answer, or answered 5xx. */
  serviceFailed(name: string, reason: string): void {
    if (this.#services.has(name)) this.#services.set(name, reason);
  }

  /** The run waits for `name` (down since `since`), or (`since` undefined) no more. */
  waitingFor(name: string, since?: Date, reason = ""): void {
    if (since === undefined) this.#waiting.delete(name);
    else this.#waiting.set(name, { since, reason });
  }

  /** Whether the run waits for `name` now. */
  waitsFor(name: string): boolean {
    return this.#waiting.has(name);
  }

  /** The services whose last request or probe failed (or that never answered). */
  servicesDown(): string[] {
    return [...this.#services].filter(([, reason]) => reason !== undefined).map(([name]) => name);
  }

  /** The readiness now. */
  readiness(): Readiness {
    const reasons: string[] = [];
    if (this.#phase !== "running") {
      reasons.push(this.#phaseReason ? `${this.#phase}: ${this.#phaseReason}` : this.#phase);
    }
    if (this.#group && !this.#joined) reasons.push("consumer group not joined");
    const waiting = [...this.#waiting].map(([dependency, w]) => ({
      dependency,
      since: w.since.toISOString(),
      reason: w.reason,
    }));
    for (const w of waiting) {
      reasons.push(`waiting for ${w.dependency} since ${w.since}: ${w.reason}`);
    }
    for (const [name, reason] of this.#services) {
      if (reason !== undefined) reasons.push(`Handle service ${name}: ${reason}`);
    }
    return { ready: reasons.length === 0, phase: this.#phase, reasons, waiting };
  }
}

/** A Handle service to probe. */
export interface ProbeTarget {
  /** Profile name. */
  name: string;
  /** Base URL. */
  serverUrl: string;
  /** Prefix (the probe resolves a handle under it; any answer but 5xx counts). */
  prefix: string;
  /** Seconds per probe. */
  timeout: number;
  /** How the service's certificate is verified (CA file, pin, none). */
  tls?: TlsSettings;
}

/** Probes every service that is down every `intervalMs` (default 5000) until stopped. */
export function startHandleProbe(
  health: Health,
  targets: ProbeTarget[],
  options: { intervalMs?: number } = {},
): { stop(): void } {
  const transports = new Map<string, Transport>();
  for (const t of targets) transports.set(t.name, createTransport(t.tls ?? {}));
  let stopped = false;
  let busy = false;
  const probe = async (): Promise<void> => {
    if (busy || stopped) return;
    busy = true;
    try {
      const down = new Set(health.servicesDown());
      await Promise.all(
        targets.filter((t) => down.has(t.name)).map(async (t) => {
          const url = `${t.serverUrl.replace(/\/+$/, "")}/api/handles/${
            encodeURIComponent(t.prefix)
          }/piddiplatsch-readiness-probe`;
          try {
            const response = await transports.get(t.name)!.fetch(url, {
              signal: AbortSignal.timeout(t.timeout * 1000),
            });
            await response.body?.cancel();
            if (stopped) return;
            if (response.status < 500) health.serviceAnswered(t.name);
            else health.serviceFailed(t.name, `HTTP ${response.status}`);
          } catch (error) {
            if (!stopped) health.serviceFailed(t.name, `no answer: ${(error as Error).message}`);
          }
        }),
      );
    } finally {
      busy = false;
    }
  };
  probe();
  const timer = setInterval(probe, options.intervalMs ?? 5000);
  Deno.unrefTimer(timer);
  return {
    stop(): void {
      stopped = true;
      clearInterval(timer);
      for (const transport of transports.values()) transport.close();
    },
  };
}
