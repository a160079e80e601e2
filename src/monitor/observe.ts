/**
 * Observers that sit between the parts of a run without changing them: an input
 * whose events report delivery and acknowledgement, and a registrar that reports
 * the result of each registration.
 *
 * @module
 */

import { ConfigurationError, PermanentError, TransientError } from "../errors/mod.ts";
import type { KeyedEvent, Outcome } from "../events/mod.ts";
import type { HandleRecord } from "../records/mod.ts";
import type { RegisterContext, Registrar } from "../register/mod.ts";

/** Callbacks of {@linkcode observeEvents}. */
export interface EventObserver {
  /** An event was handed to the pipeline. */
  delivered(): void;
  /** An event was acknowledged (once per event). */
  acknowledged(outcome: Outcome): void;
}

/** The same events, reporting delivery and first acknowledgement to `observer`. */
export function observeEvents(
  events: AsyncIterable<KeyedEvent>,
  observer: EventObserver,
): AsyncIterable<KeyedEvent> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<KeyedEvent> {
      const inner = events[Symbol.asyncIterator]();
      return {
        async next(): Promise<IteratorResult<KeyedEvent>> {
          const next = await inner.next();
          if (next.done) return next;
          const event = next.value;
          let acked = false;
          observer.delivered();
          return {
            done: false,
            value: {
              ...event,
              ack(outcome: Outcome): void {
                if (!acked) {
                  acked = true;
                  observer.acknowledged(outcome);
                }
                event.ack(outcome);
              },
            },
          };
        },
        async return(): Promise<IteratorResult<KeyedEvent>> {
          return await inner.return?.() ?? { done: true, value: undefined };
        },
      };
    },
  };
}

/** The result label of a registration error. */
export function resultOf(error: unknown): string {
  if (error instanceof ConfigurationError) return "configuration";
  if (error instanceof TransientError) return "transient";
  if (error instanceof PermanentError) return "permanent";
  return "error";
}

/** A registrar that reports `(result, handles, context)` of each registration to `done`. */
export function observeRegistrar(
  registrar: Registrar,
  done: (result: string, handles: number, context: RegisterContext) => void,
): Registrar {
  const observed = async (
    handles: number,
    context: RegisterContext,
    work: () => Promise<void>,
  ): Promise<void> => {
    try {
      await work();
    } catch (error) {
      done(resultOf(error), handles, context);
      throw error;
    }
    done("registered", handles, context);
  };
  const inner = registrar.registerTexts?.bind(registrar);
  return {
    register(records: HandleRecord[], context: RegisterContext): Promise<void> {
      return observed(records.length, context, () => registrar.register(records, context));
    },
    ...(inner === undefined ? {} : {
      registerTexts(texts: readonly string[], context: RegisterContext): Promise<void> {
        return observed(texts.length, context, () => inner(texts, context));
      },
    }),
    close(): Promise<void> {
      return registrar.close();
    },
  };
}
