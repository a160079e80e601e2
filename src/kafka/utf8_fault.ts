/**
 * The fault of a Kafka key or value that is not valid UTF-8, shared by both Kafka inputs
 * (kept apart so that the `@platformatic/kafka` input does not load kafkajs).
 *
 * @module
 */

import type { Utf8Text } from "../decode/utf8.ts";

/** "value not UTF-8 at byte N" when decoded bytes were not valid UTF-8. */
export function utf8Fault(decoded: Utf8Text | undefined, what: string): string | undefined {
  return decoded?.invalidAt === undefined
    ? undefined
    : `${what} not UTF-8 at byte ${decoded.invalidAt}`;
}
