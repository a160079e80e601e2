/**
 * The transient policy shared by every external service (STAC API, Handle service,
 * search index): retry a {@linkcode TransientError} with exponential backoff, a
 * bounded number of times, then give up with a `TRANSIENT` reason.
 *
 * @module
 */

import { TransientError } from "../errors/mod.ts";

/** How transient failures are retried (`[consumer.transient]`). */
export interface TransientPolicy {
  /** How often a failed call is tried again (0 = once in all). */
  retries: number;
  /** Seconds before the first retry. */
  backoffInitial: number;
  /** Upper bound of the delay, seconds. */
  backoffMax: number;
}

/** Options of {@linkcode withRetries}. */
export interface WithRetriesOptions {
  /** Stops waiting between attempts (the last error is thrown at once). */
  signal?: AbortSignal;
  /** Called before each retry, with the attempt that failed (1-based) and its error. */
  onRetry?: (attempt: number, error: TransientError) => void;
}

/** The delay before retry `n` (1-based), in milliseconds. */
export function backoffDelay(policy: TransientPolicy, retry: number): number {
  const seconds = Math.min(policy.backoffMax, policy.backoffInitial * 2 ** (retry - 1));
  return Math.max(0, seconds * 1000);
}

/** Thrown when every attempt failed; carries how many attempts were made. */
export class TransientExhaustedError extends TransientError {
  /** Attempts made. */
  readonly attempts: number;
  /** Creates the error from the last failure. */
  constructor(last: TransientError, attempts: number) {
    super(`TRANSIENT ${last.message} (after ${attempts} attempt${attempts === 1 ? "" : "s"})`, {
      cause: last,
    });
    this.name = "TransientExhaustedError";
    this.attempts = attempts;
  }
}

/**
 * Calls `task` until it succeeds, throws something other than a
 * {@linkcode TransientError}, or the policy's retries are spent; then throws
 * {@linkcode TransientExhaustedError}.
 */
export async function withRetries<T>(
  task: () => Promise<T>,
  policy: TransientPolicy,
  options: WithRetriesOptions = {},
): Promise<T> {
  for (let attempt = 1;; attempt++) {
    try {
      return await task();
    } catch (error) {
      if (!(error instanceof TransientError) || error instanceof TransientExhaustedError) {
        throw error;
      }
      if (attempt > policy.retries || options.signal?.aborted) {
        throw new TransientExhaustedError(error, attempt);
      }
      options.onRetry?.(attempt, error);
      await sleep(backoffDelay(policy, attempt), options.signal);
    }
  }
}

/** Resolves after `ms`, or at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Whether a failed `fetch` was refused by TLS certificate verification: retrying
 * cannot help, the trust configuration must change.
 */
export function isCertificateError(error: unknown): boolean {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  const text = cause instanceof Error ? cause.message : String(cause);
  return /invalid peer certificate|certificate|UnknownIssuer|NotValidForName/i.test(text);
}

/**
 * A one-line reason for a failed `fetch`: "no answer within Ns" for a timeout,
 * "connection refused", or the innermost cause's message.
 */
export function networkReason(error: unknown, timeoutSeconds: number): string {
  if (error instanceof DOMException && error.name === "TimeoutError") {
    return `no answer within ${timeoutSeconds}s`;
  }
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  const text = cause instanceof Error ? cause.message : String(cause);
  if (/refused/i.test(text)) return "connection refused";
  if (/dns|lookup|resolve/i.test(text)) return `name resolution failed: ${text.split("\n")[0]}`;
  return text.split("\n")[0];
}

export {
  MAX_RETRY_AFTER_MS,
  type OutagePolicy,
  parseRetryAfter,
  probeDelay,
  retryAfterCause,
  retryAfterOf,
} from "./outage.ts";
