/**
 * `publish`: registers dry-run output (`outputs/handles/*.jsonl`), the staged workflow's
 * last step (map offline, review, publish). The records of one event (consecutive lines
 * with the same provenance and time, written together by the dry run) go together to one
 * Handle profile (the one the line names, else the one serving its prefix): files in
 * parallel, then their dataset. A line whose prefix no profile serves, or that is not a
 * dry-run line, refuses its event. Every handle written is appended at once to the run's
 * receipt (`outputs/published/published_<time>_<id>.jsonl`: handle, created or replaced,
 * server, time), so that `--resume` can skip what earlier receipts show done on the same
 * server. A retracted dataset's line (`"retraction": "amend-if-exists"`) amends the record
 * where its handle exists, its files left alone (see `../register/amend.ts`).
 *
 * @module
 */

import { join } from "node:path";
import { ConfigurationError, describeError, TransientError } from "../errors/mod.ts";
import { readInputText } from "../inputs/mod.ts";
import { AMEND_IF_EXISTS, amendsIfExists, type HandleRecord } from "../records/mod.ts";
import { amendRetraction, type HandleRestClient, parseDryRunLine } from "../register/mod.ts";
import { parseReceiptLine, receiptKey, receiptLine } from "./receipt.ts";

export {
  parseReceiptLine,
  type Receipt,
  receiptKey,
  receiptLine,
  type ReceiptResult,
} from "./receipt.ts";

/** One event's records read from a dry-run file. */
export interface PublishGroup {
  /** `file:line` of the group's first line. */
  where: string;
  /** The records, files first, the dataset last. */
  records: HandleRecord[];
  /** The Handle profile the group goes to. */
  profile?: string;
  /** Why the group cannot be published, if it cannot. */
  refused?: string;
}

/** What a publish run did. */
export interface PublishResult {
  /** Handles created. */
  created: number;
  /** Handles replaced. */
  replaced: number;
  /** Handles skipped because a receipt shows them done (`--resume`). */
  resumed: number;
  /** Events refused or failed, each with its reason. */
  failures: string[];
  /** Set when the run stopped early (configuration or transient). */
  stop?: { kind: "configuration" | "transient"; reason: string };
}

/** A Handle profile's client and server. */
export interface PublishTarget {
  /** The client. */
  client: HandleRestClient;
  /** The server's URL, for the receipt. */
  server: string;
}

/** Options of {@linkcode publishGroups}. */
export interface PublishOptions {
  /** The targets by profile name. */
  targets: Map<string, PublishTarget>;
  /** The run's receipt file. */
  receipt: string;
  /** `server handle` of what earlier receipts show published (`--resume`). */
  done?: Set<string>;
  /** Stops after the event in progress. */
  signal?: AbortSignal;
}

/**
 * Reads dry-run files into groups (one per event); `profileOf` names the profile of a
 * line (the one it names, else one serving its prefix), undefined when none serves it.
 */
export async function readPublishGroups(
  files: string[],
  profileOf: (prefix: string, named?: string) => string | undefined,
): Promise<PublishGroup[]> {
  const groups: PublishGroup[] = [];
  let lastKey: string | undefined;
  for (const file of files) {
    const text = await readInputText(file); // `-`: standard input
    lastKey = undefined;
    for (const [i, line] of text.split("\n").entries()) {
      if (line.trim() === "") continue;
      const where = `${file}:${i + 1}`;
      const parsed = parseDryRunLine(line);
      if (typeof parsed === "string") {
        groups.push({ where, records: [], refused: `${where}: ${parsed}` });
        lastKey = undefined;
        continue;
      }
      const { record, eventKey: key, profile: named } = parsed;
      let group = groups.at(-1);
      if (group === undefined || key !== lastKey) {
        group = { where, records: [] };
        groups.push(group);
        lastKey = key;
      }
      // a retracted dataset's line: amend its record where it exists (see `amend.ts`)
      const marked = parsed.marks.retraction === AMEND_IF_EXISTS;
      group.records.push(marked ? { ...record, retraction: AMEND_IF_EXISTS } : record);
      const linePrefix = record.handle.slice(0, record.handle.indexOf("/"));
      const profile = profileOf(linePrefix, named);
      if (group.refused !== undefined) continue;
      if (profile === undefined) {
        group.refused = `${where}: prefix ${linePrefix} of ${record.handle} is served by no ` +
          "Handle profile";
      } else if (group.profile !== undefined && group.profile !== profile) {
        group.refused = `${where}: the records of one event go to profiles ${group.profile} ` +
          `and ${profile}`;
      } else {
        group.profile = profile;
      }
    }
  }
  return groups;
}

/** `server handle` of every handle that receipts in `dir` show published. */
export async function publishedHandles(dir: string): Promise<Set<string>> {
  const done = new Set<string>();
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return done;
    throw error;
  }
  for (const entry of entries) {
    if (!entry.isFile || !entry.name.endsWith(".jsonl")) continue;
    for (const line of (await Deno.readTextFile(join(dir, entry.name))).split("\n")) {
      const receipt = parseReceiptLine(line); // a torn line: that handle is published again
      if (receipt !== undefined) done.add(receiptKey(receipt.server, receipt.handle));
    }
  }
  return done;
}

/** Publishes the groups in order; stops at a configuration error or an exhausted outage. */
export async function publishGroups(
  groups: PublishGroup[],
  options: PublishOptions,
): Promise<PublishResult> {
  const result: PublishResult = { created: 0, replaced: 0, resumed: 0, failures: [] };
  const receipt = await Deno.open(options.receipt, { append: true, create: true });
  const encoder = new TextEncoder();
  const write = async (
    handle: string,
    outcome: "created" | "replaced",
    server: string,
  ): Promise<void> => {
    const line = receiptLine({ handle, result: outcome, server, time: new Date().toISOString() });
    await receipt.write(encoder.encode(line));
  };
  const put = async (record: HandleRecord, target: PublishTarget): Promise<void> => {
    const outcome = await target.client.put(record);
    result[outcome]++;
    await write(record.handle, outcome, target.server);
  };
  try {
    for (const group of groups) {
      if (options.signal?.aborted) break;
      if (group.refused !== undefined) {
        result.failures.push(group.refused);
        continue;
      }
      const target = options.targets.get(group.profile!);
      if (target === undefined) {
        result.failures.push(`${group.where}: profile ${group.profile} has no Handle server`);
        continue;
      }
      const todo = group.records.filter((record) =>
        !options.done?.has(receiptKey(target.server, record.handle))
      );
      result.resumed += group.records.length - todo.length;
      if (todo.length === 0) continue;
      try {
        const last = group.records.at(-1)!;
        if (
          todo.at(-1) === last && amendsIfExists(last) &&
          await amendRetraction(last, target.client) !== "absent"
        ) {
          // a retraction of a registered dataset: its record amended, its files untouched
          result.replaced++;
          await write(last.handle, "replaced", target.server);
          continue;
        }
        const dataset = todo.at(-1) === group.records.at(-1) ? todo.pop() : undefined;
        const settled = await Promise.allSettled(todo.map((record) => put(record, target)));
        const failed = settled.filter((s): s is PromiseRejectedResult => s.status === "rejected");
        if (failed.length > 0) throw worst(failed.map((f) => f.reason));
        if (dataset !== undefined) await put(dataset, target);
      } catch (error) {
        if (error instanceof ConfigurationError) {
          result.stop = { kind: "configuration", reason: error.message };
          break;
        }
        if (error instanceof TransientError) {
          result.stop = { kind: "transient", reason: error.message };
          break;
        }
        result.failures.push(`${group.where}: ${describeError(error)}`);
      }
    }
  } finally {
    receipt.close();
  }
  return result;
}

function worst(errors: unknown[]): unknown {
  return errors.find((e) => e instanceof ConfigurationError) ??
    errors.find((e) => e instanceof TransientError) ?? errors[0];
}
