/**
 * `verify`: resolves on the Handle server the records that event files, failure and
 * skipped files, dry-run handle files or the Kafka topic must have produced, and reports
 * per handle what is missing or different (field by field, `HAS_PARTS` entry by entry).
 *
 * @module
 */

import { readEventFile } from "../inputs/mod.ts";
import { amendsIfExists } from "../records/mod.ts";
import type { HandleRestClient } from "../register/mod.ts";
import { compareRecord, type HandleReport } from "./compare.ts";
import { expect, type ExpectOptions, type InputText, newExpectation } from "./expected.ts";

export { compareRecord, type FieldDifference, type HandleReport } from "./compare.ts";
export {
  type Expectation,
  type ExpectedRecord,
  type ExpectOptions,
  type InputText,
} from "./expected.ts";
export { isClean, reportLines, summarize, summaryLine, type VerifySummary } from "./report.ts";

/** What a verify run found. */
export interface VerifyResult {
  /** Events (or record lines) read. */
  events: number;
  /** One report per expected handle, in handle order. */
  handles: HandleReport[];
  /** Inputs that cannot have produced records, with the reason. */
  unverifiable: string[];
}

/** A Handle profile's client, for reads. */
export interface ProfileClient {
  /** The client. */
  client: HandleRestClient;
  /** The profile's prefix (for the expected HS_ADMIN). */
  prefix: string;
}

/** Options of {@linkcode verifyInputs}. */
export interface VerifyOptions extends ExpectOptions {
  /** The clients by profile name. */
  clients: Map<string, ProfileClient>;
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
  const expected = [...expectation.records.values()].sort((a, b) =>
    a.record.handle < b.record.handle ? -1 : a.record.handle > b.record.handle ? 1 : 0
  );
  const unverifiable = [...expectation.unverifiable];
  const checkable = expected.filter(({ record, profile }) => {
    if (options.clients.has(profile)) return true;
    unverifiable.push(`${record.handle}: profile ${profile} has no Handle server (jsonl)`);
    return false;
  });
  let done = 0;
  const handles = await Promise.all(checkable.map(async ({ record, profile }) => {
    const { client, prefix } = options.clients.get(profile)!;
    const values = await client.get(record.handle);
    options.onProgress?.(++done, checkable.length);
    const report = compareRecord(record, values, { prefix });
    // a retraction of a dataset registered before these inputs amended that record: any
    // record holding a RETRACTED_ON is what it made (docs/records.md)
    const amended = amendsIfExists(record) && values?.some((v) => v.type === "RETRACTED_ON");
    return report.status === "different" && amended ? retractionKept(report) : report;
  }));
  return { events: expectation.events, handles, unverifiable };
}

/** The report of a record a retraction amended: as it is on the server, so nothing differs. */
function retractionKept(report: HandleReport): HandleReport {
  return { ...report, status: "ok", differences: [], extraParts: [], missingParts: [] };
}
