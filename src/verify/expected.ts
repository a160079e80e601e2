/**
 * What `verify` expects on the Handle servers: the records each input must have produced,
 * and the profile each must be on. Event texts go through the steps `consume` takes before
 * registering (decode, route to the project, PATCH through the STAC API, previous-version
 * lookup, map); dry-run handle lines are records already. A later record of the same
 * handle replaces an earlier one. Failure and skipped lines (every layout `retry` reads,
 * `../outcome/record_format.ts`) and dry-run lines (`../register/dry_run_line.ts`) are
 * read by the modules that write them.
 *
 * @module
 */

import { decodeEvent } from "../decode/mod.ts";
import { describeError } from "../errors/mod.ts";
import { getLogger } from "@logtape/logtape";
import { isTornRecordLine, parseRecordLine, TORN_LINE_NOTE } from "../outcome/mod.ts";
import { type ItemSource, mapEvent, type Router } from "../pipeline/mod.ts";
import {
  AMEND_IF_EXISTS,
  amendedRecord,
  amendsIfExists,
  type HandleRecord,
  registrationOrder,
} from "../records/mod.ts";
import { parseDryRunLine } from "../register/mod.ts";

/** One input line: an event (raw or restored from a failure or skipped line) or a record. */
export interface InputText {
  /** The text. */
  text: string;
  /** Where it came from, `file:line` or `topic/partition@offset`. */
  where: string;
}

/** The steps that turn an event into records, and where they are registered. */
export interface ExpectOptions {
  /** Routes a project to its plugin, prefix, profile and lookup. */
  router: Router;
  /** Items for PATCH events. */
  items?: ItemSource;
  /**
   * The Handle profile of a dry-run line: the one it names, else the one serving its
   * prefix; undefined when none does.
   */
  profileOf(prefix: string, named?: string): string | undefined;
}

/** A record `verify` expects, and the Handle profile it must be on. */
export interface ExpectedRecord {
  /** The record. */
  record: HandleRecord;
  /** The profile's name. */
  profile: string;
}

/** The expected records by handle, and the inputs that cannot have produced any. */
export interface Expectation {
  /** Handle → the record it must hold. */
  records: Map<string, ExpectedRecord>;
  /** Inputs that map to no records, with the reason (`where: reason`). */
  unverifiable: string[];
  /** Events read. */
  events: number;
}

/** Creates an empty expectation. */
export function newExpectation(): Expectation {
  return { records: new Map(), unverifiable: [], events: 0 };
}

/** Adds what one input line must have produced. */
export async function expect(
  expectation: Expectation,
  input: InputText,
  options: ExpectOptions,
): Promise<void> {
  if (isTornRecordLine(input.text)) {
    getLogger(["piddiplatsch", "verify"]).warn("{where}: {note}", {
      where: input.where,
      note: TORN_LINE_NOTE,
    });
    return;
  }
  expectation.events++;
  const line = parseDryRunLine(input.text);
  if (typeof line !== "string") {
    const { record } = line;
    const prefix = record.handle.slice(0, record.handle.indexOf("/"));
    const profile = options.profileOf(prefix, line.profile);
    if (profile === undefined) {
      expectation.unverifiable.push(`${input.where}: no Handle profile serves prefix ${prefix}`);
    } else {
      const marked = line.marks.retraction === AMEND_IF_EXISTS;
      expectRecord(expectation, marked ? { ...record, retraction: AMEND_IF_EXISTS } : record, {
        profile,
      });
    }
    return;
  }
  try {
    const decoded = decodeEvent(parseRecordLine(input.text)?.value ?? input.text);
    const { name, route } = options.router.route(decoded.project);
    if (route === undefined) {
      expectation.unverifiable.push(`${input.where}: filtered (project ${name} not selected)`);
      return;
    }
    const mapped = await mapEvent(decoded, route, { items: options.items, now: new Date() });
    const profile = route.profile ?? "default";
    if (amendsEarlier(expectation, mapped.dataset)) {
      expectRecord(expectation, mapped.dataset, { profile }); // its files are left alone
      return;
    }
    for (const record of registrationOrder(mapped)) {
      expectation.records.set(record.handle, { record, profile });
    }
  } catch (error) {
    expectation.unverifiable.push(`${input.where}: ${describeError(error)}`);
  }
}

/** Whether `record` is a retraction that amends a record an earlier input expects. */
function amendsEarlier(expectation: Expectation, record: HandleRecord): boolean {
  return amendsIfExists(record) && expectation.records.has(record.handle);
}

/**
 * Expects a record; a retraction of a record an earlier input expects amends that one (it
 * keeps every field and gains `RETRACTED_ON`, see `docs/records.md`).
 */
function expectRecord(
  expectation: Expectation,
  record: HandleRecord,
  options: { profile: string },
): void {
  const earlier = expectation.records.get(record.handle);
  if (earlier !== undefined && amendsIfExists(record)) {
    const retractedOn = String(record.data.RETRACTED_ON ?? new Date().toISOString());
    expectation.records.set(record.handle, {
      ...earlier,
      record: amendedRecord(earlier.record, retractedOn),
    });
    return;
  }
  expectation.records.set(record.handle, { record, profile: options.profile });
}
