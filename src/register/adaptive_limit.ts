/**
 * An adaptive bound on requests in flight (AIMD, after TCP congestion control and
 * Netflix's concurrency-limits). A request that completes while the limit was in use and
 * whose latency held (at most `tolerance` × the baseline plus `slackMs`) raises the limit:
 * by one until the first decrease (slow start), after that by `1 / limit`, about one per
 * round trip (congestion avoidance). A request that fails with an overload sign (HTTP 429,
 * 5xx, a timeout) or whose latency grew past that mark multiplies it by `backoff`, at most
 * once per round trip (samples started before the last decrease do not decrease it again).
 * Growing by one per answer for good overshot a real Handle.Net server's knee several
 * times over (limits of 60–160 where 16–32 is its best), each step a new TLS connection. The limit
 * stays between `min` and `max`. The baseline is the lowest latency of the last two
 * windows of `window` samples (default 5,000): long enough that the latency this client
 * causes itself does not become the new normal, yet a server that became slower for good
 * is followed after some thousand requests.
 *
 * @module
 */

/** Options of {@linkcode AdaptiveLimit}. */
export interface AdaptiveLimitOptions {
  /** The limit to start with. */
  initial: number;
  /** Upper bound (`max_concurrency`). */
  max: number;
  /** Lower bound (default 1). */
  min?: number;
  /** Keep the limit at `initial`: a plain semaphore (default false). */
  fixed?: boolean;
  /** Latency holds while at most `tolerance` × baseline + `slackMs` (default 2). */
  tolerance?: number;
  /** Absolute latency slack, ms (default 10), so that jitter of a fast server is no growth. */
  slackMs?: number;
  /** Factor of a decrease (default 0.9). */
  backoff?: number;
  /** Samples per baseline window (default 5000). */
  window?: number;
  /** Whether a failure is a sign of overload (default: none is). */
  isOverload?: (error: unknown) => boolean;
  /** Called after the limit changed, with the new limit (a trace for benchmarks). */
  onChange?: (limit: number) => void;
  /** The clock, ms (tests). */
  now?: () => number;
}

/** What a task run under the limit may tell it about its turn. */
export interface LimitTurn {
  /**
   * Takes `ms` of this turn out of its latency: time that was not the server's answer,
   * e.g. opening a new connection (a TLS handshake is no sign of a slower server, and slow
   * start would otherwise end at the first handshake).
   */
  exclude(ms: number): void;
}

/** Bounds concurrent work by a limit that follows the latency and errors it sees. */
export class AdaptiveLimit {
  readonly #o: Required<Omit<AdaptiveLimitOptions, "onChange">> & {
    onChange?: (limit: number) => void;
  };
  #limit: number;
  #inFlight = 0;
  #waiting: Array<() => void> = [];
  #decreasedAt = -Infinity;
  #windowMin = Infinity;
  #previousMin = Infinity;
  #samples = 0;
  #credit = 0;

  /** A limit starting at `initial`, bounded by `min` and `max`. */
  constructor(options: AdaptiveLimitOptions) {
    const min = Math.max(1, options.min ?? 1);
    const max = Math.max(min, options.max);
    this.#o = {
      min,
      max,
      initial: options.initial,
      fixed: options.fixed ?? false,
      tolerance: options.tolerance ?? 2,
      slackMs: options.slackMs ?? 10,
      backoff: options.backoff ?? 0.9,
      window: options.window ?? 5000,
      isOverload: options.isOverload ?? (() => false),
      onChange: options.onChange,
      now: options.now ?? (() => performance.now()),
    };
    this.#limit = Math.min(max, Math.max(min, Math.floor(options.initial)));
  }

  /** The current limit. */
  get limit(): number {
    return this.#limit;
  }

  /** Requests running now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** The latency taken as normal, ms (`Infinity` before the first sample). */
  get baselineMs(): number {
    return Math.min(this.#windowMin, this.#previousMin);
  }

  /**
   * Runs `task` once the number in flight is below the limit, and learns from it: its
   * latency is the time the task took, less what it {@linkcode LimitTurn.exclude}s.
   */
  async run<T>(task: (turn: LimitTurn) => Promise<T>): Promise<T> {
    if (this.#inFlight >= this.#limit || this.#waiting.length > 0) {
      // #release counts the task in flight when it lets it go.
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#inFlight++;
    }
    const started = this.#o.now();
    const busy = this.#inFlight * 2 >= this.#limit;
    let excluded = 0;
    const turn: LimitTurn = {
      exclude: (ms) => {
        if (ms > 0) excluded += ms;
      },
    };
    try {
      const result = await task(turn);
      this.#sample(started, { busy, overload: false, excluded });
      return result;
    } catch (error) {
      this.#sample(started, { busy, overload: this.#o.isOverload(error), excluded });
      throw error;
    } finally {
      this.#inFlight--;
      this.#release();
    }
  }

  #sample(
    started: number,
    sample: { busy: boolean; overload: boolean; excluded: number },
  ): void {
    if (this.#o.fixed) return;
    const { busy, overload } = sample;
    const latency = Math.max(0, this.#o.now() - started - sample.excluded);
    if (!overload) this.#learn(latency);
    const held = latency <= this.baselineMs * this.#o.tolerance + this.#o.slackMs;
    if (overload || !held) {
      // One decrease per round trip: what started before the last decrease saw the old limit.
      if (started < this.#decreasedAt) return;
      this.#decreasedAt = this.#o.now();
      this.#set(Math.floor(this.#limit * this.#o.backoff));
    } else if (busy) {
      if (this.#decreasedAt === -Infinity) {
        this.#set(this.#limit + 1); // slow start: until the first decrease, +1 per answer
        return;
      }
      // then about +1 per round trip, as TCP's congestion avoidance: +1 per `limit` answers
      this.#credit += 1 / this.#limit;
      if (this.#credit >= 1) {
        this.#credit -= 1;
        this.#set(this.#limit + 1);
      }
    }
  }

  #learn(latency: number): void {
    this.#windowMin = Math.min(this.#windowMin, latency);
    if (++this.#samples >= this.#o.window) {
      this.#previousMin = this.#windowMin;
      this.#windowMin = Infinity;
      this.#samples = 0;
    }
  }

  #set(limit: number): void {
    const bounded = Math.min(this.#o.max, Math.max(this.#o.min, limit));
    if (bounded === this.#limit) return;
    this.#limit = bounded;
    this.#o.onChange?.(bounded);
    this.#release();
  }

  /** Lets waiting tasks start, in order, while there is room under the limit. */
  #release(): void {
    while (this.#waiting.length > 0 && this.#inFlight < this.#limit) {
      this.#inFlight++;
      this.#waiting.shift()!();
    }
  }
}
