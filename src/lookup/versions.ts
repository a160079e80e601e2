/**
 * Version arithmetic on item ids: an item id is `<dataset id>.v<digits>`, e.g.
 * `CMIP6.HighResMIP.MRI.MRI-AGCM3-2-H.highresSST-present.r1i1p1f1.6hrPlevPt.psl.gn.v20190820`.
 * The previous version of an item is the newest strictly lower version of the same
 * dataset.
 *
 * @module
 */

/**
 * The dataset id of an item id: the item id without its last `.`-segment
 * (empty when the id has no `.`).
 *
 * @example
 * ```ts
 * datasetIdOf("CMIP6.a.b.v20190820"); // "CMIP6.a.b"
 * ```
 */
export function datasetIdOf(itemId: string): string {
  const dot = itemId.lastIndexOf(".");
  return dot < 0 ? "" : itemId.slice(0, dot);
}

/** The version segment of an item id: its last `.`-segment (the whole id when it has no `.`). */
export function versionOf(itemId: string): string {
  return itemId.slice(itemId.lastIndexOf(".") + 1);
}

/**
 * The number of a version segment `v<digits>` (e.g. `v20190820` → 20190820), or
 * `undefined` when the segment has another form or too many digits to compare exactly.
 */
export function versionNumber(version: string): number | undefined {
  const match = /^v(\d+)$/.exec(version);
  if (!match) return undefined;
  const value = Number(match[1]);
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Among `candidateIds`, the item id with the highest version strictly lower than the
 * version of `itemId` and the same dataset id; candidates of other datasets, with
 * unreadable versions, or equal to `itemId` are ignored. `undefined` when there is none
 * (or the version of `itemId` itself is unreadable).
 */
export function newestLowerVersion(itemId: string, candidateIds: string[]): string | undefined {
  const datasetId = datasetIdOf(itemId);
  const own = versionNumber(versionOf(itemId));
  if (own === undefined || datasetId === "") return undefined;
  let best: string | undefined;
  let bestNumber = -1;
  for (const candidate of candidateIds) {
    if (candidate === itemId || datasetIdOf(candidate) !== datasetId) continue;
    const number = versionNumber(versionOf(candidate));
    if (number === undefined || number >= own || number <= bestNumber) continue;
    best = candidate;
    bestNumber = number;
  }
  return best;
}
