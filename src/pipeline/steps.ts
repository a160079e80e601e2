/**
 * Pieces of the pipeline's steps: the registration of a mapped event, and the names of
 * the services ("dependencies") a step needs, under which outages are waited out.
 *
 * @module
 */

import {
  type MappedEvent,
  recordFromText,
  registrationOrder,
  type RenderedEvent,
} from "../records/mod.ts";
import type { RegisterContext, Registrar } from "../register/mod.ts";
import type { WaitingOptions } from "./waiting.ts";

/** How `consume` rides out outages (`on_outage = "wait"`): see `waiting.ts`. */
export type OutageOptions = Omit<WaitingOptions, "concurrency" | "onFree" | "logEveryMs">;

/** The dependency name of a Handle profile, e.g. `Handle service cmip7`. */
export function handleDependency(profile: string | undefined): string {
  return `Handle service ${profile ?? "default"}`;
}

/** The dependency of the STAC API (PATCH events, the stac lookup). */
export const STAC_DEPENDENCY = "STAC API";

/**
 * The dependency a failed step needed: the Handle profile's for the registration; for the
 * map step the STAC API, or the search index when the lookup's error names no STAC API.
 */
export function dependencyOf(error: unknown, step: string | undefined): string | undefined {
  if (step !== STAC_DEPENDENCY) return step;
  return error instanceof Error && !error.message.includes("STAC API") ? "search index" : step;
}

/**
 * Registers the records of a mapped event, those mapped on another thread as the texts they
 * came as when the registrar takes texts; resolves to the number of records.
 */
export async function register(
  registrar: Registrar,
  mapped: MappedEvent | RenderedEvent,
  context: RegisterContext,
): Promise<number> {
  if (!("records" in mapped)) {
    const records = registrationOrder(mapped);
    await registrar.register(records, context);
    return records.length;
  }
  if (registrar.registerTexts !== undefined) await registrar.registerTexts(mapped.records, context);
  else await registrar.register(mapped.records.map(recordFromText), context);
  return mapped.records.length;
}
