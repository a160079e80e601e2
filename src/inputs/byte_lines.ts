/**
 * Splits a byte stream into lines (`\n` or `\r\n`) before any decoding, so that each
 * line can be decoded as strict UTF-8 on its own: one bad line does not spoil the
 * others, and no bad byte is silently replaced. A line longer than a limit is not
 * held in memory: only its start is kept, with its size and SHA-256.
 *
 * @module
 */

import { createHash, type Hash } from "node:crypto";

/** How much of a line over the limit is kept. */
export const HEAD_BYTES = 64 * 1024;

/** A line over the limit: its start, its size and its SHA-256. */
export interface CutLine {
  /** The first {@linkcode HEAD_BYTES} bytes. */
  head: Uint8Array;
  /** The size of the whole line in bytes. */
  bytes: number;
  /** SHA-256 of the whole line, hex. */
  sha256: string;
}

/** Options of {@linkcode byteLines}. */
export interface ByteLinesOptions {
  /** Lines longer than this many bytes are cut (default: never). */
  maxLineBytes?: number;
}

/** How many bytes {@linkcode fileChunks} reads at a time, by default. */
export const CHUNK_BYTES = 1024 * 1024;

/**
 * The bytes of an open file, `size` bytes (default {@linkcode CHUNK_BYTES}) at a time,
 * each read into a fresh buffer: fewer reads and none of a stream's machinery per chunk.
 */
export async function* fileChunks(
  file: Deno.FsFile,
  options: { size?: number } = {},
): AsyncGenerator<Uint8Array> {
  const size = options.size ?? CHUNK_BYTES;
  for (;;) {
    const buffer = new Uint8Array(size);
    const read = await file.read(buffer);
    if (read === null) return;
    yield buffer.subarray(0, read);
  }
}

/**
 * The lines of a byte stream (or any chunks of bytes), without their line breaks (a last
 * line without one is kept); a line over `maxLineBytes` comes as a {@linkcode CutLine}.
 */
export async function* byteLines(
  stream: AsyncIterable<Uint8Array>,
  options: ByteLinesOptions = {},
): AsyncGenerator<Uint8Array | CutLine> {
  const max = options.maxLineBytes ?? Infinity;
  let parts: Uint8Array[] = [];
  let size = 0;
  let over: { head: Uint8Array; hash: Hash } | undefined;
  const add = (piece: Uint8Array): void => {
    size += piece.length;
    if (over) {
      over.hash.update(piece);
      return;
    }
    parts.push(piece);
    if (size > max) {
      const whole = concat(parts);
      over = { head: whole.slice(0, HEAD_BYTES), hash: createHash("sha256").update(whole) };
      parts = [];
    }
  };
  const take = (): Uint8Array | CutLine => {
    let line: Uint8Array | CutLine;
    if (over) {
      line = { head: over.head, bytes: size, sha256: over.hash.digest("hex") };
    } else {
      const whole = concat(parts);
      line = whole.length > 0 && whole[whole.length - 1] === 0x0d ? whole.subarray(0, -1) : whole;
    }
    parts = [];
    size = 0;
    over = undefined;
    return line;
  };
  for await (const chunk of stream) {
    let start = 0;
    let index: number;
    while ((index = chunk.indexOf(0x0a, start)) >= 0) {
      add(chunk.subarray(start, index));
      yield take();
      start = index + 1;
    }
    if (start < chunk.length) add(chunk.slice(start));
  }
  if (size > 0 || parts.length > 0) yield take();
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const size = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Reads a whole file, or, when it is larger than `maxBytes`, its start, size and SHA-256. */
export async function readBounded(file: string, maxBytes: number): Promise<Uint8Array | CutLine> {
  const { size } = await Deno.stat(file);
  if (size <= maxBytes) return await Deno.readFile(file);
  using handle = await Deno.open(file, { read: true });
  const hash = createHash("sha256");
  let head: Uint8Array = new Uint8Array();
  let bytes = 0;
  for await (const chunk of handle.readable) {
    if (head.length < HEAD_BYTES) {
      head = concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
    }
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { head, bytes, sha256: hash.digest("hex") };
}
