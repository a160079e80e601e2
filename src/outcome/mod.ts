/**
 * Outcome recording: failure, skipped and dump files in the `outputs/` layout.
 *
 * @module
 */

export { DailyJsonlWriter, type DailyJsonlWriterOptions, utcDate } from "./jsonl_writer.ts";
export {
  dumpLine,
  DumpRecorder,
  FailureRecorder,
  type RecorderOptions,
  type RecordInfos,
  type RecordLine,
  recordLine,
  SkipRecorder,
} from "./recorders.ts";
export {
  eventBody,
  readRecordLine,
  RECORD_FORMAT,
  type RecordedEvent,
  recordId,
} from "./record_format.ts";
export { RecordedIds } from "./recorded_ids.ts";
