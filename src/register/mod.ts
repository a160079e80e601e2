/**
 * Step 4 of the pipeline: registration, to a Handle server over REST or, in
 * dry-run, to JSONL files.
 *
 * @module
 */

export type { RegisterContext, Registrar } from "./types.ts";
export {
  basicAuth,
  handlePath,
  HandleRestClient,
  type HandleRestOptions,
  RestRegistrar,
} from "./rest.ts";
export { JsonlRegistrar, type JsonlRegistrarOptions } from "./jsonl.ts";
export {
  type DryRunEntry,
  eventFields,
  jsonlLine,
  parseDryRunLine,
  RECORD_MARKS,
} from "./dry_run_line.ts";
export { AdaptiveLimit, type AdaptiveLimitOptions, type LimitTurn } from "./adaptive_limit.ts";
export {
  AmendingRegistrar,
  type AmendingRegistrarOptions,
  type AmendOutcome,
  amendRetraction,
  type RecordStore,
} from "./amend.ts";
