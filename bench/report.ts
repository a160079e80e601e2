/**
 * The table of `bench/throughput.ts`: each figure next to its target, and the machine it
 * ran on.
 *
 * @module
 */

/** One row of the table. */
interface Row {
  figure: string;
  value: string;
  target: string;
  ok?: boolean;
}

/** The figures of one benchmark run, printed as they come and as a table at the end. */
export class Report {
  readonly #rows: Row[] = [];

  /** Adds a figure (with its target and whether it is met, when it has one) and prints it. */
  row(figure: string, value: string, options: { target?: string; ok?: boolean } = {}): void {
    const target = options.target ?? "—";
    this.#rows.push({ figure, value, target, ok: options.ok });
    console.log(`  ${figure}: ${value}${target === "—" ? "" : ` (target ${target})`}`);
  }

  /** The figures as a Markdown table. */
  table(): string {
    const header = ["figure", "measured", "target", ""];
    const body = this.#rows.map((
      r,
    ) => [r.figure, r.value, r.target, r.ok === undefined ? "" : r.ok ? "ok" : "MISSED"]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const line = (cells: string[]): string =>
      `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
    return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)]
      .join("\n");
  }
}

/** A number with thousands separators and `digits` decimals. */
export function fmt(n: number, digits = 0): string {
  return n.toLocaleString("en-US", {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}

/** The median of some values. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The machine a run is on: CPU, cores, memory, Deno and the date. */
export async function machine(): Promise<string> {
  const cpu = (await Deno.readTextFile("/proc/cpuinfo")).match(/model name\s*:\s*(.*)/)?.[1];
  const memGb = Deno.systemMemoryInfo().total / 2 ** 30;
  return `${cpu ?? "?"}, ${navigator.hardwareConcurrency} cores, ${memGb.toFixed(0)} GiB, ` +
    `Deno ${Deno.version.deno}, ${new Date().toISOString().slice(0, 10)}`;
}
