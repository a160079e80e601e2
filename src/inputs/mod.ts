/**
 * Inputs: where events come from besides Kafka (files, standard input, retry files; the
 * Kafka input is in `src/kafka/`). Each owns its lifetime; all hand the pipeline the same
 * keyed events.
 *
 * @module
 */

export {
  type FileEvent,
  fileEvents,
  type FileEventsOptions,
  keyOf,
  keyOfText,
  readEventFile,
} from "./files.ts";
export { TextLineStream } from "./lines.ts";
export {
  type ExpandOptions,
  expandPaths,
  glob,
  globToRegExp,
  PathError,
  readInputText,
  STDIN,
} from "./paths.ts";
export {
  parseRetryLine,
  readRetryFile,
  retryEvents,
  type RetryEventsOptions,
  type RetryLine,
} from "./retry.ts";
