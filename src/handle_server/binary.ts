/**
 * The binary forms of handle value data, as the Handle.Net library encodes them: admin
 * records and value reference lists, lenient base64, strict hex, and the test that
 * decides whether stored bytes are answered as a string or as base64.
 *
 * @module
 */

/** An admin record (the data of an HS_ADMIN value). */
export interface AdminRecord {
  /** The admin's handle, e.g. "0.NA/21.TEST". */
  handle: string;
  /** The index of the admin's key or group in that handle. */
  index: number;
  /** The twelve permission bits, bit 0 (add handle) first. */
  permissions: boolean[];
}

/** A reference to one value of a handle (an HS_VLIST member). */
export interface ValueReference {
  /** The handle. */
  handle: string;
  /** The value's index. */
  index: number;
}

const encoder = new TextEncoder();

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** A string from UTF-8 bytes (malformed sequences become U+FFFD). */
export function fromUtf8(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** Whether bytes are answered as base64 rather than as a string (`Util.looksLikeBinary`). */
export function looksLikeBinary(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return true;
  }
  return bytes.some((b) => (b < 9 || (b > 19 && b < 32)) || b === 127);
}

/** Base64 text of bytes. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * Decodes base64 as commons-codec does: both alphabets, characters outside them skipped,
 * decoding ends at the first padding character, a trailing partial group is kept.
 */
export function fromBase64Lenient(text: string): Uint8Array {
  const sextets: number[] = [];
  for (const char of text) {
    if (char === "=") break;
    const normal = char === "-" ? "+" : char === "_" ? "/" : char;
    const value = BASE64.indexOf(normal);
    if (value >= 0) sextets.push(value);
  }
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const sextet of sextets) {
    buffer = (buffer << 6) | sextet;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return Uint8Array.from(bytes);
}

/** Decodes hex (either case); undefined for an odd length or a non-hex character. */
export function fromHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** The bytes of an admin record: permission bits, handle, index. */
export function encodeAdminRecord(record: AdminRecord): Uint8Array {
  const handle = utf8(record.handle);
  const writer = new Writer(2 + 4 + handle.length + 4);
  let bits = 0;
  record.permissions.forEach((allowed, bit) => {
    if (allowed) bits |= 1 << bit;
  });
  writer.int2(bits);
  writer.bytes(handle);
  writer.int4(record.index);
  return writer.buffer;
}

/** Reads an admin record; undefined when the bytes are not one. */
export function decodeAdminRecord(bytes: Uint8Array): AdminRecord | undefined {
  const reader = new Reader(bytes);
  const bits = reader.int2();
  const handle = reader.bytes();
  const index = reader.int4();
  if (bits === undefined || handle === undefined || index === undefined) return undefined;
  const permissions = Array.from({ length: 12 }, (_, bit) => (bits & (1 << bit)) !== 0);
  return { handle: fromUtf8(handle), index, permissions };
}

/** The bytes of a value reference list: count, then handle and index of each. */
export function encodeValueReferences(references: ValueReference[]): Uint8Array {
  const handles = references.map((reference) => utf8(reference.handle));
  const size = 4 + handles.reduce((sum, handle) => sum + 4 + handle.length + 4, 0);
  const writer = new Writer(size);
  writer.int4(references.length);
  references.forEach((reference, i) => {
    writer.bytes(handles[i]);
    writer.int4(reference.index);
  });
  return writer.buffer;
}

/** Reads a value reference list; undefined when the bytes are not one. */
export function decodeValueReferences(bytes: Uint8Array): ValueReference[] | undefined {
  const reader = new Reader(bytes);
  const count = reader.int4();
  if (count === undefined || count < 0) return undefined;
  const references: ValueReference[] = [];
  for (let i = 0; i < count; i++) {
    const handle = reader.bytes();
    const index = reader.int4();
    if (handle === undefined || index === undefined) return undefined;
    references.push({ handle: fromUtf8(handle), index });
  }
  return references;
}

class Writer {
  readonly buffer: Uint8Array;
  readonly #view: DataView;
  #offset = 0;

  constructor(size: number) {
    this.buffer = new Uint8Array(size);
    this.#view = new DataView(this.buffer.buffer);
  }

  int2(value: number): void {
    this.#view.setUint16(this.#offset, value & 0xffff);
    this.#offset += 2;
  }

  int4(value: number): void {
    this.#view.setInt32(this.#offset, value);
    this.#offset += 4;
  }

  bytes(value: Uint8Array): void {
    this.int4(value.length);
    this.buffer.set(value, this.#offset);
    this.#offset += value.length;
  }
}

class Reader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #offset = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  int2(): number | undefined {
    if (this.#offset + 2 > this.#bytes.length) return undefined;
    const value = this.#view.getUint16(this.#offset);
    this.#offset += 2;
    return value;
  }

  int4(): number | undefined {
    if (this.#offset + 4 > this.#bytes.length) return undefined;
    const value = this.#view.getInt32(this.#offset);
    this.#offset += 4;
    return value;
  }

  bytes(): Uint8Array | undefined {
    const length = this.int4();
    if (length === undefined || length < 0 || this.#offset + length > this.#bytes.length) {
      return undefined;
    }
    const value = this.#bytes.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return value;
  }
}
