/**
 * Decode, route and map on other threads: a pool of workers that prepare event texts
 * (see {@linkcode TextPreparer}) in batches, so that the main thread keeps to the
 * input, registration and outcomes. Answers come back in the order texts were given.
 *
 * A worker that fails is not trusted again: its open batches, and every text after
 * them, are prepared on the main thread instead (the same code), with one error logged.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import {
  type OffloadPlan,
  type OffloadProject,
  type PreparedText,
  TextPreparer,
} from "./prepare_text.ts";
import type { FromWorker, ToWorker } from "./worker.ts";

export { type OffloadPlan, type OffloadProject, type PreparedText, TextPreparer };

/**
 * Texts given to a worker in one message, at most: small enough that every worker gets a
 * share of the events taken ahead (the pipeline takes a few hundred ahead), big enough
 * that a message carries many small events.
 */
const BATCH_MAX = 32;

/** Characters of text given to a worker in one message, at most (one text over it still goes). */
const BATCH_MAX_CHARS = 1024 * 1024;

/**
 * Batches a worker holds before a part-filled batch waits for one of them to come back:
 * one worked on and one queued, so that a worker never waits for the main thread.
 */
const LANE_DEPTH = 2;

/**
 * Texts shorter than this are prepared on the main thread: handing an event over and its
 * records back costs more than decoding and mapping a small one. Measured on 2 cores with
 * the broker beside (`consume --dry-run`): 1-file (2 KB) and 10-file (7 KB) events were
 * slower through workers, 50-file (29 KB) events faster.
 */
export const OFFLOAD_MIN_CHARS = 16 * 1024;

/**
 * Texts longer than this are prepared on the main thread too: a worker would hold a second
 * copy of a huge event and of its records at once (the memory bound of one 50,000-file event
 * matters more than its speed).
 */
export const OFFLOAD_MAX_CHARS = 4 * 1024 * 1024;

interface Pending {
  texts: string[];
  chars: number;
  answers: Array<PromiseWithResolvers<PreparedText>>;
}

interface Lane {
  worker: Worker;
  /** Batches sent and not answered, oldest first. */
  open: Map<number, Pending>;
}

/** Options of {@linkcode PreparePool}. */
export interface PreparePoolOptions {
  /** Worker threads (at least 1). */
  workers: number;
}

/** Worker threads that prepare event texts; started at the first text. */
export class PreparePool {
  readonly #plan: OffloadPlan;
  readonly #size: number;
  readonly #log = getLogger(["piddiplatsch", "offload"]);
  #lanes?: Lane[];
  #next = 0;
  #batchId = 0;
  #pending: Pending = { texts: [], chars: 0, answers: [] };
  #flushScheduled = false;
  /** A macrotask without a timer's delay: a message to ourselves. */
  #flushChannel?: MessageChannel;
  /** Set once a worker failed (or the pool closed): everything is then prepared here. */
  #here = false;
  #local?: TextPreparer | Error;
  #closed = false;

  /** A pool for `plan` (nothing starts before the first text). */
  constructor(plan: OffloadPlan, options: PreparePoolOptions) {
    this.#plan = plan;
    this.#size = Math.max(1, Math.floor(options.workers));
  }

  /**
   * Whether a text is worth handing to a worker (see {@linkcode OFFLOAD_MIN_CHARS} and
   * {@linkcode OFFLOAD_MAX_CHARS}).
   */
  takes(text: string): boolean {
    return text.length >= OFFLOAD_MIN_CHARS && text.length <= OFFLOAD_MAX_CHARS;
  }

  /** Prepares one event's text; the answer comes after those of every earlier text. */
  prepare(text: string): Promise<PreparedText> {
    const answer = Promise.withResolvers<PreparedText>();
    if (this.#closed || this.#here) {
      this.#answerHere(text, answer);
      return answer.promise;
    }
    const pending = this.#pending;
    pending.texts.push(text);
    pending.chars += text.length;
    pending.answers.push(answer);
    if (full(pending)) this.#flush();
    else if (!this.#flushScheduled) {
      // Texts given in the same turn travel together: the batch leaves at the next task.
      this.#flushScheduled = true;
      this.#flushPort().postMessage(null);
    }
    return answer.promise;
  }

  /** Stops the workers; texts still open are prepared on the main thread. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#flush();
    for (const lane of this.#lanes ?? []) this.#abandon(lane);
    this.#lanes = undefined;
    this.#flushChannel?.port1.close();
    this.#flushChannel?.port2.close();
    this.#flushChannel = undefined;
  }

  #flushPort(): MessagePort {
    if (this.#flushChannel === undefined) {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => this.#flush();
      this.#flushChannel = channel;
    }
    return this.#flushChannel.port2;
  }

  /**
   * Sends the texts waiting, to the least busy worker. While every worker holds
   * {@linkcode LANE_DEPTH} batches and this one is not full, the texts wait for the next
   * answer: batches grow under load and leave at once when a worker has room.
   */
  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#pending;
    if (batch.texts.length === 0) return;
    if (this.#closed || this.#here) {
      this.#pending = { texts: [], chars: 0, answers: [] };
      return this.#settleHere(batch);
    }
    const lanes = this.#lanes ??= this.#start();
    let lane = lanes[this.#next++ % lanes.length];
    for (const other of lanes) if (other.open.size < lane.open.size) lane = other;
    if (lane.open.size >= LANE_DEPTH && !full(batch)) return;
    this.#pending = { texts: [], chars: 0, answers: [] };
    const id = ++this.#batchId;
    lane.open.set(id, batch);
    lane.worker.postMessage({ batch: id, texts: batch.texts } satisfies ToWorker);
  }

  #start(): Lane[] {
    this.#log.info("{count} preparing thread(s) started (consumer.workers)", { count: this.#size });
    return Array.from({ length: this.#size }, () => {
      const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
      const lane: Lane = { worker, open: new Map() };
      worker.onmessage = (message: MessageEvent<FromWorker>): void => {
        const data = message.data;
        if ("planError" in data) return this.#fail(lane, data.planError);
        const batch = lane.open.get(data.batch);
        if (batch === undefined) return;
        lane.open.delete(data.batch);
        data.results.forEach((result, i) => batch.answers[i].resolve(result));
        this.#flush();
      };
      worker.onerror = (event: ErrorEvent): void => {
        event.preventDefault();
        this.#fail(lane, event.message);
      };
      worker.onmessageerror = (): void => this.#fail(lane, "a message could not be read");
      worker.postMessage({ plan: this.#plan } satisfies ToWorker);
      return lane;
    });
  }

  /** A worker failed: from now on everything is prepared here. */
  #fail(lane: Lane, why: string): void {
    if (!this.#here) {
      this.#log.error(
        "a preparing thread failed ({why}); events are now prepared on the main thread",
        { why },
      );
    }
    this.#here = true;
    for (const other of this.#lanes ?? [lane]) this.#abandon(other);
    this.#lanes = undefined;
    this.#flush();
  }

  /** Terminates a worker; its open batches are prepared here, oldest first. */
  #abandon(lane: Lane): void {
    lane.worker.terminate();
    const open = [...lane.open.values()];
    lane.open.clear();
    for (const batch of open) this.#settleHere(batch);
  }

  #settleHere(batch: Pending): void {
    batch.texts.forEach((text, i) => this.#answerHere(text, batch.answers[i]));
  }

  /** Answers here; if even the main thread cannot take the plan, the answer is that error. */
  #answerHere(text: string, answer: PromiseWithResolvers<PreparedText>): void {
    if (this.#local === undefined) {
      try {
        this.#local = new TextPreparer(this.#plan);
      } catch (error) {
        this.#local = error instanceof Error ? error : new Error(String(error));
      }
    }
    if (this.#local instanceof Error) answer.reject(this.#local);
    else answer.resolve(this.#local.prepare(text, new Date()));
  }
}

/** Whether a batch is full (by texts or by characters). */
function full(batch: Pending): boolean {
  return batch.texts.length >= BATCH_MAX || batch.chars >= BATCH_MAX_CHARS;
}
