/**
 * The record store of the handle server: an in-memory map, optionally made durable by an
 * append-only log file.
 *
 * Log format: one JSON object a line, `{"h": handle, "v": values}` for a record written
 * and `{"h": handle, "d": 1}` for a record deleted; the last line for a handle wins.
 * Writes are coalesced: every change made while a flush is running is appended and
 * synced (fsync) together by the next flush, so hundreds of writes a second cost a few
 * syncs. Every batch starts with a newline, so a batch torn by a failed write spoils only
 * its own line, which is skipped at load (and the batch itself is retried). The log is
 * compacted (write temporary file, sync, rename) when the store opens and when it closes.
 *
 * @module
 */

import { dirname } from "node:path";
import type { HandleValue } from "./values.ts";

/** Options of {@link HandleStore.open}. */
export interface HandleStoreOptions {
  /** The log file; without one the store lives in memory only. */
  dataFile?: string;
}

interface LogEntry {
  h: string;
  v?: HandleValue[];
  d?: number;
}

/** Handle records by handle, with durable writes when a data file is given. */
export class HandleStore {
  readonly #records = new Map<string, HandleValue[]>();
  readonly #dataFile: string | undefined;
  #pending: string[] = [];
  #waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  #running = false;
  #idle: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(dataFile: string | undefined) {
    this.#dataFile = dataFile;
  }

  /**
   * Opens a store; with a data file, loads and compacts it when present (creating its
   * directory when missing).
   *
   * @throws {Error} when the data file cannot be read or its directory not created.
   */
  static async open(options: HandleStoreOptions = {}): Promise<HandleStore> {
    const store = new HandleStore(options.dataFile);
    if (options.dataFile !== undefined) {
      await Deno.mkdir(dirname(options.dataFile), { recursive: true });
      let text: string | undefined;
      try {
        text = await Deno.readTextFile(options.dataFile);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
      if (text !== undefined) {
        store.#replay(text);
        await store.#compact();
      }
    }
    return store;
  }

  /** The number of records. */
  get size(): number {
    return this.#records.size;
  }

  /** The values of a handle, sorted by index, or undefined when it does not exist. */
  get(handle: string): readonly HandleValue[] | undefined {
    return this.#records.get(handle);
  }

  /** The handles held, in insertion order. */
  handles(): IterableIterator<string> {
    return this.#records.keys();
  }

  /** Whether a handle exists. */
  has(handle: string): boolean {
    return this.#records.has(handle);
  }

  /**
   * Sets the whole record of a handle and resolves once the change is durable.
   * The change is visible at once, even when persisting it fails.
   */
  set(handle: string, values: HandleValue[]): Promise<void> {
    this.#assertOpen();
    this.#records.set(handle, values);
    return this.#log({ h: handle, v: values });
  }

  /**
   * Deletes a handle; resolves to whether it existed, once the change is durable.
   */
  async delete(handle: string): Promise<boolean> {
    this.#assertOpen();
    if (!this.#records.delete(handle)) return false;
    await this.#log({ h: handle, d: 1 });
    return true;
  }

  /** Resolves once every change made so far is durable. */
  flush(): Promise<void> {
    if (this.#dataFile === undefined) return Promise.resolve();
    if (this.#pending.length === 0) return this.#idle;
    return this.#enqueue();
  }

  /** Flushes, compacts the data file and refuses further writes. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#dataFile === undefined) return;
    await this.flush();
    await this.#idle;
    await this.#compact();
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error("the handle store is closed");
  }

  #log(entry: LogEntry): Promise<void> {
    if (this.#dataFile === undefined) return Promise.resolve();
    this.#pending.push(JSON.stringify(entry));
    return this.#enqueue();
  }

  #enqueue(): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    if (!this.#running) this.#idle = this.#run();
    return done;
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      while (this.#waiters.length > 0) {
        const waiters = this.#waiters;
        const lines = this.#pending;
        this.#waiters = [];
        this.#pending = [];
        try {
          if (lines.length > 0) await this.#append("\n" + lines.join("\n") + "\n");
          for (const waiter of waiters) waiter.resolve();
        } catch (error) {
          this.#pending = lines.concat(this.#pending);
          for (const waiter of waiters) waiter.reject(error);
        }
      }
    } finally {
      this.#running = false;
    }
  }

  async #append(text: string): Promise<void> {
    const file = await Deno.open(this.#dataFile!, { append: true, create: true });
    try {
      await writeAll(file, new TextEncoder().encode(text));
      await file.syncData();
    } finally {
      file.close();
    }
  }

  #replay(text: string): void {
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      let entry: LogEntry;
      try {
        entry = JSON.parse(line);
      } catch {
        continue; // a batch torn by a failed write; it was retried later
      }
      if (typeof entry?.h !== "string") continue;
      if (entry.d) this.#records.delete(entry.h);
      else if (Array.isArray(entry.v)) this.#records.set(entry.h, entry.v);
    }
  }

  async #compact(): Promise<void> {
    const file = this.#dataFile!;
    const temporary = `${file}.${crypto.randomUUID()}.tmp`;
    const lines: string[] = [];
    for (const [h, v] of this.#records) lines.push(JSON.stringify({ h, v }) + "\n");
    const handle = await Deno.open(temporary, { write: true, createNew: true });
    try {
      await writeAll(handle, new TextEncoder().encode(lines.join("")));
      await handle.syncData();
    } finally {
      handle.close();
    }
    try {
      await Deno.rename(temporary, file);
    } catch (error) {
      await Deno.remove(temporary).catch(() => {});
      throw error;
    }
  }
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await file.write(bytes.subarray(offset));
}
