/**
 * Decoding of hex multihashes (`file:checksum`): unsigned-varint hash code,
 * unsigned-varint digest length, digest.
 *
 * @module
 */

/** The allowed hash functions by multihash code. */
export const ALLOWED_HASH_CODES: ReadonlyMap<number, string> = new Map([
  [0xd5, "md5"],
  [0x11, "sha1"],
  [0x12, "sha2-256"],
  [0x13, "sha2-512"],
  [0x16, "sha3-256"],
  [0x14, "sha3-512"],
  [0xb220, "blake2b-256"],
]);

/** A decoded checksum. */
export interface Checksum {
  /** Name of the hash function, e.g. `sha2-256`. */
  method: string;
  /** The digest as lower-case hex. */
  value: string;
}

/** The outcome of decoding: the checksum, or why the text is not a valid multihash. */
export type MultihashResult =
  | { ok: true; checksum: Checksum }
  | { ok: false; reason: string };

/** A decoded unsigned varint and the number of bytes it took. */
export interface Varint {
  /** The value. */
  value: number;
  /** Bytes read. */
  length: number;
}

const MAX_VARINT_BYTES = 9;

/**
 * Reads an unsigned varint (LEB128, at most 9 bytes, minimal encoding) from
 * `bytes` at `offset`; returns `undefined` if it is truncated, too long or not minimal.
 */
export function readUnsignedVarint(bytes: Uint8Array, offset: number): Varint | undefined {
  return readVarint((position) => bytes[position], bytes.length, offset);
}

/** A varint read byte by byte from `byteAt`, over a source of `length` bytes. */
function readVarint(
  byteAt: (position: number) => number,
  length: number,
  offset: number,
): Varint | undefined {
  let value = 0;
  let factor = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const position = offset + i;
    if (position >= length) return undefined;
    const byte = byteAt(position);
    value += (byte & 0x7f) * factor;
    factor *= 128;
    if ((byte & 0x80) === 0) {
      if (byte === 0 && i > 0) return undefined;
      return { value, length: i + 1 };
    }
  }
  return undefined;
}

/** Parses hex text into bytes; `undefined` if it has odd length or non-hex characters. */
export function hexToBytes(hex: string): Uint8Array | undefined {
  if (!isEvenHex(hex)) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = hexByte(hex, i);
  return bytes;
}

/** Whether a text has an even number of characters, all hex digits. */
function isEvenHex(hex: string): boolean {
  return hex.length % 2 === 0 && isHex(hex);
}

/** Hex digit values by character code (-1: not a hex digit), for codes below 128. */
const HEX_DIGITS = Int8Array.from({ length: 128 }, (_, code) => {
  if (code >= 0x30 && code <= 0x39) return code - 0x30; // 0-9
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1; // a-f, A-F
});

/**
 * Whether every character of a text is a hex digit (a table lookup per character: faster
 * than a regular expression's character class over random hex).
 */
function isHex(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (hexDigitValue(text.charCodeAt(i)) < 0) return false;
  }
  return true;
}

/** The value of a hex digit's character code, or -1 for any other character. */
export function hexDigitValue(code: number): number {
  return code < 128 ? HEX_DIGITS[code] : -1;
}

/** The byte at `index` of hex text already checked by {@linkcode isEvenHex}. */
function hexByte(hex: string, index: number): number {
  return (hexDigitValue(hex.charCodeAt(2 * index)) << 4) |
    hexDigitValue(hex.charCodeAt(2 * index + 1));
}

/** {@linkcode readUnsignedVarint} over checked hex text, without making bytes of it. */
function readHexVarint(hex: string, offset: number): Varint | undefined {
  return readVarint((position) => hexByte(hex, position), hex.length / 2, offset);
}

/** Formats bytes as lower-case hex. */
export function bytesToHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/**
 * Decodes a hex multihash. Only the codes of {@linkcode ALLOWED_HASH_CODES} are
 * accepted, and the digest must have exactly the declared length.
 */
export function decodeMultihash(text: string): MultihashResult {
  const hex = text.trim();
  if (hex === "") return { ok: false, reason: "empty multihash" };
  if (!isEvenHex(hex)) return { ok: false, reason: "not an even-length hex string" };
  // The varints are read from the text; the digest is never converted to bytes and back.
  const code = readHexVarint(hex, 0);
  if (code === undefined) return { ok: false, reason: "truncated or invalid hash code varint" };
  const method = ALLOWED_HASH_CODES.get(code.value);
  if (method === undefined) {
    return { ok: false, reason: unknownCodeReason(hex, code.value) };
  }
  const length = readHexVarint(hex, code.length);
  if (length === undefined) {
    return { ok: false, reason: "truncated or invalid digest length varint" };
  }
  const digest = hex.slice(2 * (code.length + length.length)).toLowerCase();
  if (digest.length / 2 !== length.value) {
    return {
      ok: false,
      reason: `${method} digest has ${digest.length / 2} bytes but declares ${length.value}`,
    };
  }
  if (digest.length === 0) return { ok: false, reason: `${method} digest is empty` };
  return { ok: true, checksum: { method, value: digest } };
}

function unknownCodeReason(hex: string, code: number): string {
  const reason = `hash code 0x${code.toString(16)} is not an allowed hash function`;
  const lower = hex.toLowerCase();
  if (lower.startsWith("d5") && !lower.startsWith("d501")) {
    return `${reason} (mis-encoded md5: the code 0xd5 must be written as the varint d501)`;
  }
  return reason;
}
