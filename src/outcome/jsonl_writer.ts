/**
 * Append-only JSONL files with daily rotation (`<dir>/<stem>_<UTC date>.jsonl`).
 * Each record is written with one write of one whole line; a torn last line left
 * by a crash is closed off before anything new is appended.
 *
 * @module
 */

import { dirname, join } from "node:path";

/** The UTC date of a moment as `YYYY-MM-DD`. */
export function utcDate(moment: Date = new Date()): string {
  return moment.toISOString().slice(0, 10);
}

/** Options of {@linkcode DailyJsonlWriter}. */
export interface DailyJsonlWriterOptions {
  /** The clock (tests). */
  now?: () => Date;
  /**
   * Flush each write to the disk before it resolves (`fdatasync`). For records whose
   * event is committed right after (failures, skipped): they then survive a power loss too.
   */
  durable?: boolean;
}

/** Appends JSON lines to a file per UTC day. Writes are serialised; none is lost on close. */
export class DailyJsonlWriter {
  readonly #dir: string;
  readonly #stem: string;
  readonly #now: () => Date;
  readonly #durable: boolean;
  #file?: Deno.FsFile;
  #path?: string;
  #tail: Promise<void> = Promise.resolve();
  #encoder = new TextEncoder();

  /** A writer of `<dir>/<stem>_<date>.jsonl`. */
  constructor(dir: string, stem: string, options: DailyJsonlWriterOptions = {}) {
    this.#dir = dir;
    this.#stem = stem;
    this.#now = options.now ?? (() => new Date());
    this.#durable = options.durable === true;
  }

  /** The path today's records go to. */
  pathFor(moment: Date = this.#now()): string {
    return join(this.#dir, `${this.#stem}_${utcDate(moment)}.jsonl`);
  }

  /** Appends records as one line each; resolves once they are in the file. */
  append(...records: unknown[]): Promise<void> {
    const text = records.map((r) => JSON.stringify(r) + "\n").join("");
    return this.appendText(text);
  }

  /** Appends text that is already one or more whole lines ending in `\n`. */
  appendText(text: string): Promise<void> {
    const next = this.#tail.then(() => this.#write(text));
    this.#tail = next.catch(() => {});
    return next;
  }

  async #write(text: string): Promise<void> {
    const path = this.pathFor();
    if (path !== this.#path) await this.#open(path);
    const bytes = this.#encoder.encode(text);
    let written = 0;
    while (written < bytes.length) written += await this.#file!.write(bytes.subarray(written));
    if (this.#durable) await this.#file!.syncData();
  }

  async #open(path: string): Promise<void> {
    this.#file?.close();
    await Deno.mkdir(dirname(path), { recursive: true });
    const file = await Deno.open(path, { create: true, append: true, read: true });
    const { size } = await file.stat();
    if (size > 0) {
      const last = new Uint8Array(1);
      const reader = await Deno.open(path, { read: true });
      try {
        await reader.seek(size - 1, Deno.SeekMode.Start);
        await reader.read(last);
      } finally {
        reader.close();
      }
      if (last[0] !== 0x0a) await file.write(new Uint8Array([0x0a])); // close a torn line
    }
    this.#file = file;
    this.#path = path;
  }

  /** Waits for pending writes, flushes to disk and closes the file. */
  async close(): Promise<void> {
    await this.#tail;
    if (this.#file) {
      await this.#file.syncData().catch(() => {});
      this.#file.close();
    }
    this.#file = undefined;
    this.#path = undefined;
  }
}
