/**
 * Outcome recording: failure, skipped and dump files in the `outputs/` layout.
 *
 * @module
 */

export {
  DailyJsonlWriter,
  type DailyJsonlWriterOptions,
  isTornRecordLine,
  OutputWriteError,
  TORN_LINE_NOTE,
  utcDate,
} from "./jsonl_writer.ts";
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
  buildRecordLine,
  eventBody,
  parseRecordLine,
  type RawAbout,
  readRecordLine,
  RECORD_FORMAT,
  type RecordBody,
  type RecordedEvent,
  recordedIdOf,
  recordId,
} from "./record_format.ts";
export { RecordedIds } from "./recorded_ids.ts";
