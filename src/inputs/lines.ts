/**
 * Splits a text stream into lines (`\n` or `\r\n`), keeping a last line without a
 * line break.
 *
 * @module
 */

/** A TransformStream from text chunks to lines. */
export class TextLineStream extends TransformStream<string, string> {
  /** Creates the stream. */
  constructor() {
    let rest = "";
    super({
      transform(chunk, controller): void {
        const text = rest + chunk;
        let start = 0;
        let index: number;
        while ((index = text.indexOf("\n", start)) >= 0) {
          const end = index > start && text[index - 1] === "\r" ? index - 1 : index;
          controller.enqueue(text.slice(start, end));
          start = index + 1;
        }
        rest = text.slice(start);
      },
      flush(controller): void {
        if (rest !== "") controller.enqueue(rest);
      },
    });
  }
}
