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
        rest += chunk;
        let index: number;
        while ((index = rest.indexOf("\n")) >= 0) {
          const line = rest.slice(0, index);
          controller.enqueue(line.endsWith("\r") ? line.slice(0, -1) : line);
          rest = rest.slice(index + 1);
        }
      },
      flush(controller): void {
        if (rest !== "") controller.enqueue(rest);
      },
    });
  }
}
