/**
 * How `http1.ts` gives up a request, by a timer or an abort signal, without an
 * `AbortSignal` per request: whoever waits (the connect, then the exchange) listens, and
 * is told at once when the request was given up before it listened.
 *
 * @module
 */

/** The one way a request is given up (a timer or an abort signal), without an `AbortSignal`. */
export class Cancellation {
  /** Whether it was given up. */
  fired = false;
  /** Why (the timeout's or the signal's reason). */
  reason: unknown = undefined;
  #listener: ((reason: unknown) => void) | undefined;

  /** Gives up: tells the current listener, and any later one. */
  fire(reason: unknown): void {
    if (this.fired) return;
    this.fired = true;
    this.reason = reason;
    this.#listener?.(reason);
  }

  /** Whom to tell (one at a time: the connect, then the exchange); at once when fired. */
  listen(listener: (reason: unknown) => void): void {
    this.#listener = listener;
    if (this.fired) listener(this.reason);
  }

  /** Forgets the listener. */
  clear(): void {
    this.#listener = undefined;
  }
}
