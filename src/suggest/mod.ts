/**
 * "Did you mean": the known name closest to a mistyped one.
 *
 * @module
 */

/**
 * The known name closest to `key`, if it is close enough to be a typo. `_` and `.` count
 * as the same (`group_id` is `group.id`); of equally close names, one that starts with
 * the other wins (`stat` → `stats`, not `stac`).
 */
export function suggest(key: string, candidates: readonly string[]): string | undefined {
  const norm = (text: string): string => text.toLowerCase().replaceAll("_", ".");
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const [a, b] = [norm(key), norm(candidate)];
    const d = editDistance(a, b) - (a.startsWith(b) || b.startsWith(a) ? 0.5 : 0);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** The Levenshtein distance of two texts. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}
