/**
 * Timestamps in records: ISO 8601 text, where a date-time without a zone means UTC.
 *
 * @module
 */

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
const ZONE = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * Normalises a timestamp value from an event: a date-time without a zone gets `Z`
 * appended (it means UTC); everything else that is a non-empty string is kept as
 * given (trimmed). Returns `undefined` for non-strings and empty strings.
 */
export function normaliseTimestamp(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  // a trailing Z is a zone (the common case, without the zone pattern's scan)
  const last = text.charCodeAt(text.length - 1);
  if (last === 0x5a || last === 0x7a) return text;
  if (DATE_TIME.test(text) && !ZONE.test(text)) return `${text}Z`;
  return text;
}
