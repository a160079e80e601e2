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
  StatusLine,
  type StatusLineOptions,
} from "./status_line.ts";
