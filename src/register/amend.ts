/**
 * A retraction amends, it never strips: a registrar decorator that, for an event whose
 * dataset record is marked `amend-if-exists` (a retracted dataset), reads the dataset's
 * handle first. Where it exists, the record there keeps every value it holds (indexes and
 * `HS_ADMIN` included) and gains `RETRACTED_ON` (an existing one stands), and the event's
 * file records are left alone; where it does not, the event's records are registered as
 * built. The read goes through any store that can GET and PUT raw values (the REST client,
 * against Handle.Net or `handle-server`); a read that fails is transient, like any write,
 * so that a retraction is never lost while the server is down.
 *
 * @module
 */

import { ConfigurationError, describeError, TransientError } from "../errors/mod.ts";
import {
  amendedValues,
  amendsIfExists,
  type HandleRecord,
  type HandleValue,
} from "../records/mod.ts";
import type { RegisterContext, Registrar } from "./types.ts";

/** Where records are read and written as raw values (e.g. `HandleRestClient`). */
export interface RecordStore {
  /** The values of a handle; `undefined` when it does not exist. */
  get(handle: string): Promise<HandleValue[] | undefined>;
  /** Creates or replaces a record from raw values. */
  putValues(handle: string, values: HandleValue[]): Promise<"created" | "replaced">;
}

/**
 * What {@linkcode amendRetraction} did: `amended` (RETRACTED_ON added), `kept` (the record
 * already held one) or `absent` (no such handle: the caller registers the built records).
 */
export type AmendOutcome = "amended" | "kept" | "absent";

/**
 * Amends the existing record of a retracted dataset's `record` (see the module). Throws
 * `TransientError` when the record cannot be read, `ConfigurationError` when refused.
 */
export async function amendRetraction(
  record: HandleRecord,
  store: RecordStore,
): Promise<AmendOutcome> {
  let values: HandleValue[] | undefined;
  try {
    values = await store.get(record.handle);
  } catch (error) {
    if (error instanceof ConfigurationError || error instanceof TransientError) throw error;
    throw new TransientError(
      `cannot read ${record.handle} to amend it with its retraction: ${describeError(error)}`,
    );
  }
  if (values === undefined) return "absent";
  const retractedOn = record.data.RETRACTED_ON;
  const amended = amendedValues(
    values,
    typeof retractedOn === "string" ? retractedOn : new Date().toISOString(),
  );
  if (amended === undefined) return "kept";
  await store.putValues(record.handle, amended);
  return "amended";
}

/** Options of {@linkcode AmendingRegistrar}. */
export interface AmendingRegistrarOptions {
  /** Called with the outcome of each amend (tests, counters). */
  onAmend?: (handle: string, outcome: AmendOutcome) => void;
}

/**
 * A registrar that amends the existing record of a retracted dataset instead of replacing
 * it (and then writes none of the event's file records); every other event goes to `inner`.
 */
export class AmendingRegistrar implements Registrar {
  readonly #inner: Registrar;
  readonly #store: RecordStore;
  readonly #options: AmendingRegistrarOptions;

  /** Decorates `inner`; existing records are read and amended through `store`. */
  constructor(inner: Registrar, store: RecordStore, options: AmendingRegistrarOptions = {}) {
    this.#inner = inner;
    this.#store = store;
    this.#options = options;
  }

  /** The inner registrar's bound on requests in flight. */
  get requestLimit(): number | undefined {
    return this.#inner.requestLimit;
  }

  /** Amends when the last record (the dataset) is marked and exists; else registers all. */
  async register(records: HandleRecord[], context: RegisterContext): Promise<void> {
    const dataset = records.at(-1);
    if (dataset !== undefined && amendsIfExists(dataset)) {
      const outcome = await amendRetraction(dataset, this.#store);
      this.#options.onAmend?.(dataset.handle, outcome);
      if (outcome !== "absent") return;
    }
    await this.#inner.register(records, context);
  }

  /** Closes the inner registrar. */
  close(): Promise<void> {
    return this.#inner.close();
  }
}
