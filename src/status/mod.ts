/**
 * What a run shows of its statistics: the live status line of `--verbose`, and the
 * reporter (periodic summaries to the log, the final summary, the history rows).
 *
 * @module
 */

export {
  formatClock,
  formatStatusLine,
  type FormatStatusLineOptions,
  REDRAW,
  type StatusExtras,
  StatusLine,
  type StatusLineOptions,
} from "./status_line.ts";
export { type Reporter, type ReporterOptions, startReporter } from "./reporter.ts";
