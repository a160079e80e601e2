/**
 * `verify`: resolves on the Handle server the records that event files, failure and
 * skipped files, dry-run handle files or the Kafka topic must have produced, and reports
 * per handle what is missing or different (field by field, `HAS_PARTS` entry by entry).
 *
 * @module
 */

import { readEventFile } from "../inputs/mod.ts";
import type { HandleRestClient } from "../register/mod.ts";
import { compareRecord, type HandleReport } from "./compare.ts";
import { expect, type ExpectOptions, type InputText, newExpectation } from "./expected.ts";

export { compareRecord, type FieldDifference, type HandleReport } from "./compare.ts";
export { type Expectation, type ExpectOptions, type InputText } from "./expected.ts";
export { readTopic, type ReadTopicOptions } from "./topic.ts";

/** What a verify run found. */
export interface VerifyResult {
  /** Events (or record lines) read. */
  events: number;
  /** One report per expected handle, in handle order. */
  handles: HandleReport[];
  /** Inputs that cannot have produced records, with the reason. */
  unverifiable: string[];
}

/** Options of {@linkcode verifyInputs}. */
export interface VerifyOptions extends ExpectOptions {
  /** The client that resolves handles. */
  client: HandleRestClient;
  /** Called as handles are checked (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** The lines of event, failure, skipped or dry-run files. */
export async function readInputFiles(files: string[]): Promise<InputText[]> {
  const inputs: InputText[] = [];
  for (const file of files) {
    for await (const event of readEventFile(file)) {
      inputs.push({ text: event.value, where: `${event.file}:${event.line}` });
    }
  }
  return inputs;
}

/** Computes the expected records of the inputs and checks each on the server. */
export async function verifyInputs(
  inputs: InputText[],
  options: VerifyOptions,
): Promise<VerifyResult> {
  const expectation = newExpectation();
  for (const input of inputs) await expect(expectation, input, options);
  const records = [...expectation.records.values()].sort((a, b) =>
    a.handle < b.handle ? -1 : a.handle > b.handle ? 1 : 0
  );
  let done = 0;
  const handles = await Promise.all(records.map(async (record) => {
    const values = await options.client.get(record.handle);
    options.onProgress?.(++done, records.length);
    return compareRecord(record, values, { prefix: options.prefix });
  }));
  return { events: expectation.events, handles, unverifiable: expectation.unverifiable };
}
