/**
 * How a run is stopped: SIGINT or SIGTERM abort it (the events in flight are finished);
 * a second signal ends the process at once.
 *
 * @module
 */

/** Aborts on SIGINT or SIGTERM; a second signal ends the process at once. */
export function signalController(onStop?: (signal: string) => void): {
  signal: AbortSignal;
  dispose(): void;
} {
  const controller = new AbortController();
  const handlers: Array<[Deno.Signal, () => void]> = [];
  for (const name of ["SIGINT", "SIGTERM"] as Deno.Signal[]) {
    const handler = (): void => {
      if (controller.signal.aborted) Deno.exit(130);
      onStop?.(name);
      controller.abort(name);
    };
    Deno.addSignalListener(name, handler);
    handlers.push([name, handler]);
  }
  return {
    signal: controller.signal,
    dispose(): void {
      for (const [name, handler] of handlers) Deno.removeSignalListener(name, handler);
    },
  };
}
