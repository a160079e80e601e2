/**
 * The dry-run registrar (`--dry-run` or `[handle].backend = "jsonl"`): one line per
 * record in `outputs/handles/handles_<UTC date>.jsonl`, with provenance, in the layout of
 * `dry_run_line.ts`. The
 * records of one event are written together (with those of other events ready at the
 * same time, see `DailyJsonlWriter`).
 *
 * @module
 */

import { join } from "node:path";
import { DailyJsonlWriter } from "../outcome/mod.ts";
import { type HandleRecord, recordText } from "../records/mod.ts";
import { eventFields } from "./dry_run_line.ts";
import type { RegisterContext, Registrar } from "./types.ts";

export { jsonlLine } from "./dry_run_line.ts";

/** Options of {@linkcode JsonlRegistrar}. */
export interface JsonlRegistrarOptions {
  /** The clock (tests). */
  now?: () => Date;
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
   * Appends one line per record, as `jsonlLine` (`dry_run_line.ts`) gives them; the fields
   * shared by every record of the event are turned into JSON once.
   */
  register(records: HandleRecord[], context: RegisterContext): Promise<void> {
    return this.registerTexts(records.map(recordText), context);
  }

  /** {@linkcode JsonlRegistrar.register} for records already as their `recordText`s. */
  async registerTexts(texts: readonly string[], context: RegisterContext): Promise<void> {
    const timestamp = this.#now().toISOString();
    // The event's fields after handle, URL and data, as jsonlLine orders them, as JSON once.
    const tail = `,${JSON.stringify(eventFields(context, timestamp)).slice(1)}\n`;
    let text = "";
    for (const record of texts) text += record.slice(0, -1) + tail;
    await this.#writer.appendText(text);
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.#writer.close();
  }
}
