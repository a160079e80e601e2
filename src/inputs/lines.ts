/**
 * Splits a text stream into lines (`\n` or `\r\n`), keeping a last line without a
 * line break. Linear in the length of the text: each chunk is scanned once, and the
 * pieces of a line that spans many chunks are joined once, when its end arrives.
 *
 * @module
 */

/** A TransformStream from text chunks to lines. */
export class TextLineStream extends TransformStream<string, string> {
  /** Creates the stream. */
  constructor() {
    let parts: string[] = [];
    const take = (last: string): string => {
      let line = parts.length === 0 ? last : parts.join("") + last;
      parts = [];
      if (line.endsWith("\r")) line = line.slice(0, -1);
      return line;
    };
    super({
      transform(chunk, controller): void {
        let start = 0;
        let index: number;
        while ((index = chunk.indexOf("\n", start)) >= 0) {
          controller.enqueue(take(chunk.slice(start, index)));
          start = index + 1;
        }
        if (start < chunk.length) parts.push(start === 0 ? chunk : chunk.slice(start));
      },
      flush(controller): void {
        if (parts.length > 0) controller.enqueue(take(""));
      },
    });
  }
}
