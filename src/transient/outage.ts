/**
 * What `consume` does once a service stays down after the per-event retries
 * (`[consumer.transient] on_outage`): wait for it (probe with capped exponential backoff
 * and jitter, honouring `Retry-After`), or stop as the Python tool did. The delays and the
 * `Retry-After` reading live here; holding the events is the pipeline's.
 *
 * @module
 */

/** How an outage is ridden out (`[consumer.transient]`). */
export interface OutagePolicy {
  /** "wait": hold the events that need the service and probe it; "stop": exit 3 as before. */
  mode: "wait" | "stop";
  /** Seconds before the first probe of a service that is down. */
  probeInitial: number;
  /** Upper bound of the delay between two probes, seconds. */
  probeMax: number;
}

/** The longest `Retry-After` honoured, ms (a longer one is cut to this). */
export const MAX_RETRY_AFTER_MS = 15 * 60_000;

/**
 * The delay before probe `attempt` (1-based), ms: `probeInitial · 2^(attempt-1)`, at most
 * `probeMax`, with jitter (between half and all of it, so that several consumers do not
 * probe together); at least `retryAfterMs` (cut to {@linkcode MAX_RETRY_AFTER_MS}) when
 * the service asked for it.
 */
export function probeDelay(
  policy: Pick<OutagePolicy, "probeInitial" | "probeMax">,
  attempt: number,
  options: { retryAfterMs?: number; random?: () => number } = {},
): number {
  const cap = Math.max(0, policy.probeMax) * 1000;
  const base = Math.min(cap, Math.max(0, policy.probeInitial) * 1000 * 2 ** (attempt - 1));
  const random = options.random ?? Math.random;
  const jittered = base / 2 + random() * base / 2;
  const asked = Math.min(options.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS);
  return Math.max(jittered, asked);
}

/**
 * A `Retry-After` header value (seconds, or an HTTP date) as ms from `now`; undefined when
 * absent or not readable.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * The cause to give a transient error of an HTTP answer that carries `Retry-After`
 * (`{ retryAfterMs }`), for {@linkcode retryAfterOf} to find; undefined without one.
 */
export function retryAfterCause(
  headers: Pick<Headers, "get">,
): { retryAfterMs: number } | undefined {
  const ms = parseRetryAfter(headers.get("retry-after"));
  return ms === undefined ? undefined : { retryAfterMs: ms };
}

/** The `Retry-After` an error or one of its causes carries, ms; undefined without one. */
export function retryAfterOf(error: unknown): number | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 6 && e !== undefined && e !== null; depth++) {
    const ms = (e as { retryAfterMs?: unknown }).retryAfterMs;
    if (typeof ms === "number" && Number.isFinite(ms)) return ms;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
