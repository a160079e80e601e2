/**
 * Inputs: where events come from. Each owns its lifetime and, for Kafka, its
 * offsets; all hand the pipeline the same keyed events.
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
export type { KafkaInputOptions, KafkaPartitionState } from "./kafka.ts";
export {
  KAFKA_CLIENTS,
  type KafkaClientName,
  type KafkaEventInput,
  openKafkaInput,
} from "./kafka_open.ts";
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
