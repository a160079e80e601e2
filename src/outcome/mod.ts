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
  recordLine,
  SkipRecorder,
} from "./recorders.ts";
