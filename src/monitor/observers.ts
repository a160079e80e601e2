/**
 * What a run lets the monitor observe (metrics and health): the Handle requests, the
 * registrars and the services a `consume` waits for. The runner wires these in; the
 * pipeline never sees them.
 *
 * @module
 */

import type { WaitingObserver } from "../pipeline/mod.ts";
import type { Registrar } from "../register/mod.ts";

/** Observers of a run (the monitor's metrics and health); the pipeline never sees them. */
export interface RunObservers {
  /** Every Handle REST request of a profile: method, status (undefined: no answer), duration. */
  request?: (
    profile: string,
    response: { method: string; status?: number; seconds: number },
  ) => void;
  /** Wraps the registrar of a profile (e.g. to count handles by result). */
  registrar?: (profile: string, registrar: Registrar) => Registrar;
  /** The services a `consume` waits for (down, up, last success) and the events held. */
  dependency?: WaitingObserver;
}
