/**
 * Shared test helpers, one module per concern under `tests/support/`: the working folder and its
 * configuration (`workspace.ts`), the CLI as a subprocess (`cli.ts`), the broker (`kafka.ts`),
 * the stand-in Handle server (`handles.ts`), files and ports (`files.ts`). Real Handle.Net
 * servers: `support/real_handle.ts`.
 *
 * @module
 */

export * from "./support/workspace.ts";
export * from "./support/cli.ts";
export * from "./support/kafka.ts";
export * from "./support/handles.ts";
export * from "./support/files.ts";
