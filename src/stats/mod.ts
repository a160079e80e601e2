/**
 * Statistics of a run.
 *
 * @module
 */

export { COUNTER_NAMES, type CounterName, Stats, type StatsSnapshot } from "./counters.ts";
export { formatRate, formatSummary, type Rates, rates } from "./summary.ts";
export { HISTORY_TABLE, type HistoryKind, type RecordOptions, StatsHistory } from "./history.ts";
export { RateWindow, type RecentRates } from "./window.ts";
export { type Reporter, type ReporterOptions, startReporter } from "./reporter.ts";
