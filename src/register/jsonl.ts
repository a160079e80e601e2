/**
 * The dry-run registrar (`--dry-run` or `[handle].backend = "jsonl"`): one line per
 * record in `outputs/handles/handles_<UTC date>.jsonl`, with provenance. The
 * records of one event are written together (with those of other events ready at the
 * same time, see `DailyJsonlWriter`).
 *
 * @module
 */

import { join } from "node:path";
import { DailyJsonlWriter } from "../outcome/mod.ts";
import { provenanceFields } from "../events/mod.ts";
import { type HandleRecord, recordText } from "../records/mod.ts";
import type { RegisterContext, Registrar } from "./types.ts";

/** Options of {@linkcode JsonlRegistrar}. */
export interface JsonlRegistrarOptions {
  /** The clock (tests). */
  now?: () => Date;
}

/** One dry-run line. */
export function jsonlLine(
  record: HandleRecord,
  options: { context: RegisterContext; timestamp: string },
): Record<string, unknown> {
  return {
    handle: record.handle,
    URL: record.URL,
    data: record.data,
    timestamp: options.timestamp,
    project: options.context.project,
    ...(options.context.profile === undefined ? {} : { profile: options.context.profile }),
    ...provenanceFields(options.context.source),
  };
}

/** Writes records as JSON lines instead of registering them. */
export class JsonlRegistrar implements Registrar {
  readonly #writer: DailyJsonlWriter;
  readonly #now: () => Date;

  /** A registrar writing below `<outputDir>/handles`. */
  constructor(outputDir: string, options: JsonlRegistrarOptions = {}) {
    this.#now = options.now ?? (() => new Date());
    this.#writer = new DailyJsonlWriter(join(outputDir, "handles"), "handles", { now: this.#now });
  }

  /** The file records go to today. */
  get path(): string {
    return this.#writer.pathFor(this.#now());
  }

  /**
   * Appends one line per record, as {@linkcode jsonlLine} gives them; the fields shared by
   * every record of the event are turned into JSON once.
   */
  register(records: HandleRecord[], context: RegisterContext): Promise<void> {
    return this.registerTexts(records.map(recordText), context);
  }

  /** {@linkcode JsonlRegistrar.register} for records already as their `recordText`s. */
  async registerTexts(texts: readonly string[], context: RegisterContext): Promise<void> {
    const timestamp = this.#now().toISOString();
    // The fields after handle, URL and data, as jsonlLine orders them, as JSON once.
    const { handle: _h, URL: _u, data: _d, ...rest } = jsonlLine(
      { handle: "", URL: "", data: {} },
      { context, timestamp },
    );
    const tail = `,${JSON.stringify(rest).slice(1)}\n`;
    let text = "";
    for (const record of texts) text += record.slice(0, -1) + tail;
    await this.#writer.appendText(text);
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.#writer.close();
  }
}
