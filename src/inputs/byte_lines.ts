/**
 * Splits a byte stream into lines (`\n` or `\r\n`) before any decoding, so that each
 * line can be decoded as strict UTF-8 on its own: one bad line does not spoil the
 * others, and no bad byte is silently replaced.
 *
 * @module
 */

/** The lines of a byte stream, without their line breaks; a last line without one is kept. */
export async function* byteLines(
  stream: ReadableStream<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  let parts: Uint8Array[] = [];
  const take = (last: Uint8Array): Uint8Array => {
    let line = last;
    if (parts.length > 0) {
      parts.push(last);
      const size = parts.reduce((sum, part) => sum + part.length, 0);
      line = new Uint8Array(size);
      let at = 0;
      for (const part of parts) {
        line.set(part, at);
        at += part.length;
      }
      parts = [];
    }
    return line.length > 0 && line[line.length - 1] === 0x0d ? line.subarray(0, -1) : line;
  };
  for await (const chunk of stream) {
    let start = 0;
    let index: number;
    while ((index = chunk.indexOf(0x0a, start)) >= 0) {
      yield take(chunk.subarray(start, index));
      start = index + 1;
    }
    if (start < chunk.length) parts.push(chunk.slice(start));
  }
  if (parts.length > 0) yield take(new Uint8Array());
}
