/**
 * The live status line of `--verbose`.
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
