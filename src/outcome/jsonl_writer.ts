/**
 * Append-only JSONL files with daily rotation (`<dir>/<stem>_<UTC date>.jsonl`).
 * Records appended while a write is under way go out together in the next write (one
 * write call, and for durable files one `fdatasync`, per batch). A write that fails (disk
 * full, permission, read-only folder) is cut back off the file, so that no torn line is
 * left, and rejects with a {@linkcode OutputWriteError} naming the path; a torn last line
 * left by a crash (or by an older version) is closed off before anything new is appended.
 *
 * @module
 */

import { dirname, join } from "node:path";

/** The UTC date of a moment as `YYYY-MM-DD`. */
export function utcDate(moment: Date = new Date()): string {
  return moment.toISOString().slice(0, 10);
}

/** How every failure and skipped line of this tool begins. */
const RECORD_START = '{"__infos__":';

/**
 * Whether a line of a failure or skipped file is a record cut short: begun as one, not
 * whole JSON. Earlier versions left one as the last line of a file when the disk filled
 * up or the process died mid-write (its event was never acknowledged: it was read again).
 */
export function isTornRecordLine(line: string): boolean {
  if (!line.startsWith(RECORD_START)) return false;
  try {
    JSON.parse(line);
    return false;
  } catch {
    return true;
  }
}

/** What `retry` and `verify` say of a torn line they leave out. */
export const TORN_LINE_NOTE =
  "a record cut short (disk full or a crash, by an earlier version; its event was not " +
  "acknowledged and was read again): left out";

/** A file that could not be written: the message names the path and the reason. */
export class OutputWriteError extends Error {
  /** The file (or folder) that could not be written. */
  readonly path: string;
  /** Wraps the error of writing `path`. */
  constructor(path: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`cannot write ${path}: ${reason.split("\n")[0]}`, { cause });
    this.name = "OutputWriteError";
    this.path = path;
  }
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

/** Appends JSON lines to a file per UTC day. Writes are serialised and batched; none is lost on close. */
export class DailyJsonlWriter {
  readonly #dir: string;
  readonly #stem: string;
  readonly #now: () => Date;
  readonly #durable: boolean;
  #file?: Deno.FsFile;
  #path?: string;
  #batch: Array<{ text: string; resolve: () => void; reject: (error: unknown) => void }> = [];
  #writing?: Promise<void>;
  #writes = 0;
  #encoder = new TextEncoder();

  /** A writer of `<dir>/<stem>_<date>.jsonl`. */
  constructor(dir: string, stem: string, options: DailyJsonlWriterOptions = {}) {
    this.#dir = dir;
    this.#stem = stem;
    this.#now = options.now ?? (() => new Date());
    this.#durable = options.durable === true;
  }

  /** How many batches were written so far (one write call, and one sync if durable, each). */
  get writes(): number {
    return this.#writes;
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

  /**
   * Appends text that is already one or more whole lines ending in `\n`. Texts appended
   * while a write is under way are written together by the next write: one write call
   * (and, when durable, one `fdatasync`) for the whole batch; each promise resolves once
   * its text is in the file (on the disk, when durable).
   */
  appendText(text: string): Promise<void> {
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    this.#batch.push({ text, resolve, reject });
    if (!this.#writing) this.#writing = this.#drain();
    return promise;
  }

  async #drain(): Promise<void> {
    // Lets every append of the current turn join the first batch.
    await Promise.resolve();
    while (this.#batch.length > 0) {
      const batch = this.#batch;
      this.#batch = [];
      try {
        await this.#write(batch.length === 1 ? batch[0].text : batch.map((b) => b.text).join(""));
        this.#writes++;
        for (const entry of batch) entry.resolve();
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    this.#writing = undefined;
  }

  async #write(text: string): Promise<void> {
    const path = this.pathFor();
    try {
      if (path !== this.#path) await this.#open(path);
    } catch (error) {
      throw new OutputWriteError(path, error);
    }
    const bytes = this.#encoder.encode(text);
    const file = this.#file!;
    let written = 0;
    try {
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      if (this.#durable) await file.syncData();
    } catch (error) {
      if (written > 0) await this.#cutBack(file, written);
      throw new OutputWriteError(path, error);
    }
  }

  /**
   * After a failed write: the `written` bytes of it cut off the end of the file, back to
   * the last whole line (only what this write added: other processes may append to the
   * same file). When even that fails, the file is closed; the next write closes the torn
   * line off first (see `#open`).
   */
  async #cutBack(file: Deno.FsFile, written: number): Promise<void> {
    try {
      const { size } = await file.stat();
      await file.truncate(Math.max(0, size - written));
    } catch {
      file.close();
      this.#file = undefined;
      this.#path = undefined;
    }
  }

  async #open(path: string): Promise<void> {
    this.#file?.close();
    this.#file = undefined;
    this.#path = undefined;
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
      if (last[0] !== 0x0a) {
        try {
          await file.write(new Uint8Array([0x0a])); // close a torn line
        } catch (error) {
          file.close();
          throw error;
        }
      }
    }
    this.#file = file;
    this.#path = path;
  }

  /** Waits for pending writes, flushes to disk and closes the file. */
  async close(): Promise<void> {
    while (this.#writing) await this.#writing;
    if (this.#file) {
      await this.#file.syncData().catch(() => {});
      this.#file.close();
    }
    this.#file = undefined;
    this.#path = undefined;
  }
}
