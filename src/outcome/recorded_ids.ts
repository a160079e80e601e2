/**
 * Which events a failure or skipped file already records (by `__infos__.id`), so that
 * an event read again after a stop (at-least-once delivery) is not recorded twice.
 * A file is read once, when a recorder first writes to it in this process; files
 * larger than a limit are not read (then `retry` still replays the event once).
 *
 * @module
 */

import { recordedIdOf } from "./record_format.ts";

/** Files above this size are not read for ids. */
export const MAX_SCAN_BYTES = 64 * 1024 * 1024;

/** The ids recorded in each file this process writes to. */
export class RecordedIds {
  readonly #files = new Map<string, Promise<Set<string> | undefined>>();
  readonly #maxBytes: number;

  /** Tracks ids; files above `maxBytes` are not read. */
  constructor(options: { maxBytes?: number } = {}) {
    this.#maxBytes = options.maxBytes ?? MAX_SCAN_BYTES;
  }

  /**
   * Claims `id` for `path`: true when it is not recorded there yet (the caller writes
   * the line, and calls {@linkcode release} if the write fails), false when it is.
   */
  async claim(path: string, id: string): Promise<boolean> {
    let ids = this.#files.get(path);
    if (!ids) {
      ids = readIds(path, this.#maxBytes);
      this.#files.set(path, ids);
      // A file that cannot be read now (permission, a folder missing) is read again next time.
      ids.catch(() => this.#files.delete(path));
    }
    const set = await ids;
    if (!set) return true;
    if (set.has(id)) return false;
    set.add(id);
    return true;
  }

  /** Forgets a claim whose line could not be written. */
  async release(path: string, id: string): Promise<void> {
    (await this.#files.get(path))?.delete(id);
  }
}

/**
 * The ids of the whole lines of a file (a line torn by a crash does not count: its
 * event was not acknowledged and must be recorded again). Undefined when the file is
 * too large to read.
 */
async function readIds(path: string, maxBytes: number): Promise<Set<string> | undefined> {
  let text: string;
  try {
    const { size } = await Deno.stat(path);
    if (size > maxBytes) return undefined;
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return new Set();
    throw error;
  }
  const ids = new Set<string>();
  for (const line of text.split("\n")) {
    const id = recordedIdOf(line); // a torn line is not a record
    if (id !== undefined) ids.add(id);
  }
  return ids;
}
