/**
 * A bound on how long a Kafka client's call may take, for the calls that wait on a broker
 * without a deadline of their own: `@platformatic/kafka` retries an offset commit against a
 * broker that is gone for good, and a run that ends (idle, stopped, or the broker lost) must
 * not wait on it forever.
 *
 * @module
 */

/** How long a commit or a close may wait on the broker, ms. */
export const BROKER_CALL_TIMEOUT_MS = 10_000;

/**
 * `call`'s result, or a rejection naming `what` once `ms` passed first. `call` itself is
 * not stopped (the client cannot be asked to); its late result is dropped.
 */
export function bounded<T>(
  call: Promise<T>,
  options: { what: string; ms?: number },
): Promise<T> {
  const ms = options.ms ?? BROKER_CALL_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${options.what}: no answer from the broker in ${ms / 1000} s`)),
      ms,
    );
  });
  return Promise.race([call, late]).finally(() => clearTimeout(timer));
}
