/**
 * A counting semaphore that bounds how many requests are in flight.
 *
 * @module
 */

/** Bounds concurrent work to a number of permits. */
export class Semaphore {
  #free: number;
  #waiting: Array<() => void> = [];

  /** A semaphore with `permits` permits. */
  constructor(permits: number) {
    this.#free = Math.max(1, permits);
  }

  /** Runs `task` once a permit is free. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }
}
