/**
 * The registrar contract: step 4 of the pipeline writes an event's records.
 *
 * @module
 */

import type { HandleRecord } from "../records/mod.ts";
import type { Provenance } from "../events/mod.ts";

/** Context of one registration. */
export interface RegisterContext {
  /** Project (plugin) name, for provenance. */
  project: string;
  /** Handle profile the records go to (dry-run lines name it). */
  profile?: string;
  /** Where the event came from. */
  source: Provenance;
}

/** Writes the records of one event: files first, then the dataset. */
export interface Registrar {
  /**
   * Registers the records in the order given (all but the last may go in parallel;
   * the last, the dataset, goes once they are all done). Throws `TransientError`
   * (after the client's own retries), `PermanentError` or `ConfigurationError`.
   */
  register(records: HandleRecord[], context: RegisterContext): Promise<void>;
  /**
   * {@linkcode Registrar.register} for records given as their `recordText`s, for a
   * registrar that writes JSON and so takes them as they are (without it, the texts are
   * parsed and given to `register`).
   */
  registerTexts?(texts: readonly string[], context: RegisterContext): Promise<void>;
  /** The current bound on requests in flight, for a registrar that has one (REST). */
  readonly requestLimit?: number;
  /** Releases connections and files. */
  close(): Promise<void>;
}
