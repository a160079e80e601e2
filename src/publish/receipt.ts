/**
 * The layout of a publish receipt line (`outputs/published/published_<time>_<id>.jsonl`):
 * the one module that writes it (`publish`) and reads it (`publish --resume`).
 *
 * ```text
 * {"handle": "<prefix>/<suffix>", "result": "created" | "replaced", "server": "<url>", "time": "…"}
 * ```
 *
 * @module
 */

/** What writing a handle did. */
export type ReceiptResult = "created" | "replaced";

/** One receipt line. */
export interface Receipt {
  /** The handle written. */
  handle: string;
  /** Whether it was created or replaced. */
  result: ReceiptResult;
  /** The Handle server's URL. */
  server: string;
  /** When (ISO 8601). */
  time: string;
}

/** A receipt as one line of text, newline included. */
export function receiptLine(receipt: Receipt): string {
  const { handle, result, server, time } = receipt;
  return JSON.stringify({ handle, result, server, time }) + "\n";
}

/**
 * Reads one receipt line; undefined for a line that is none (a line torn by a kill: that
 * handle is published again). Only `handle` and `server` are needed; a `result` other than
 * the two known comes back as `created`.
 */
export function parseReceiptLine(text: string): Receipt | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const { handle, result, server, time } = value as Record<string, unknown>;
  if (typeof handle !== "string" || typeof server !== "string") return undefined;
  return {
    handle,
    result: result === "replaced" ? "replaced" : "created",
    server,
    time: typeof time === "string" ? time : "",
  };
}

/** The key `--resume` compares: `server handle`. */
export function receiptKey(server: string, handle: string): string {
  return `${server} ${handle}`;
}
