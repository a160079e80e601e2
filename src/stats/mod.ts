/**
 * Statistics of a run.
 *
 * @module
 */

export {
  type AddOptions,
  COUNTER_NAMES,
  type CounterName,
  Stats,
  type StatsSnapshot,
} from "./counters.ts";
export { formatProjectSummaries, formatRate, formatSummary, type Rates, rates } from "./summary.ts";
export {
  HISTORY_TABLE,
  type HistoryKind,
  PROJECT_HISTORY_TABLE,
  type RecordOptions,
  StatsHistory,
} from "./history.ts";
export { RateWindow, type RecentRates } from "./window.ts";
