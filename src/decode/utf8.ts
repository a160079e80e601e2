/**
 * Strict UTF-8 decoding of bytes received from an input: text that is not valid
 * UTF-8 is a fault of the event, never silently replaced by U+FFFD.
 *
 * @module
 */

/** Decoded bytes: the text, and where they stop being valid UTF-8, if they do. */
export interface Utf8Text {
  /**
   * The text. Where the bytes are not valid UTF-8, each bad byte is written as
   * `\xNN`: such a text is never valid JSON, so that it cannot pass for the event.
   */
  text: string;
  /** The offset of the first byte that is not valid UTF-8. */
  invalidAt?: number;
}

const fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder("utf-8", { ignoreBOM: true });

/** The offset of the first byte of `bytes` that is not valid UTF-8, or -1 (RFC 3629). */
export function invalidUtf8Offset(bytes: Uint8Array, start = 0): number {
  let i = start;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min = 0x80;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) min = 0xa0; // no overlong forms
      if (b === 0xed) max = 0x9f; // no surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) min = 0x90; // no overlong forms
      if (b === 0xf4) max = 0x8f; // nothing above U+10FFFF
    } else return i;
    if (i + need >= bytes.length) return i; // cut short
    const second = bytes[i + 1];
    if (second < min || second > max) return i;
    for (let k = 2; k <= need; k++) {
      const next = bytes[i + k];
      if (next < 0x80 || next > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** Decodes UTF-8 bytes (a byte order mark is kept as U+FEFF); see {@linkcode Utf8Text}. */
export function decodeUtf8(bytes: Uint8Array): Utf8Text {
  // The common case at native speed: the replacing decoder is several times faster than
  // the fatal one, and a text without U+FFFD had no bad byte to replace.
  const text = lenient.decode(bytes);
  if (!text.includes("\uFFFD")) return { text };
  try {
    return { text: fatal.decode(bytes) }; // U+FFFD itself, written in valid UTF-8
  } catch {
    // not UTF-8: find where, below
  }
  return withBadBytes(bytes);
}

/** The text of bytes that are not UTF-8, each bad byte written as `\xNN`. */
function withBadBytes(bytes: Uint8Array): Utf8Text {
  const first = invalidUtf8Offset(bytes);
  if (first < 0) return { text: fatal.decode(bytes) };
  let text = "";
  let start = 0;
  let bad = first;
  while (bad >= 0) {
    text += fatal.decode(bytes.subarray(start, bad));
    text += `\\x${bytes[bad].toString(16).padStart(2, "0")}`;
    start = bad + 1;
    bad = invalidUtf8Offset(bytes, start);
  }
  text += fatal.decode(bytes.subarray(start));
  return { text, invalidAt: first };
}
