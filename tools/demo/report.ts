/**
 * What the demo prints after the run: the CLI's summary lines, the table of the expected
 * handles with the servers that hold them (resolved over HTTP), one resolved record, and
 * the files under `outputs/` with the reasons of the failures.
 *
 * @module
 */

import { join, relative } from "node:path";
import { type Provenance, provenanceText } from "../../src/events/mod.ts";
import { type HandleRecord, registrationOrder } from "../../src/records/mod.ts";
import type { ExpectedEvent } from "./expected.ts";
import type { CliResult, HandleServer } from "./processes.ts";
import { PROJECT_ROOT } from "./setup.ts";

/** One row of the handle table. */
export interface HandleRow {
  /** The handle. */
  handle: string;
  /** The profiles whose server holds the handle. */
  servers: string[];
  /** Its `AGGREGATION_LEVEL` (DATASET or FILE). */
  level: string;
  /** Its `DATASET_ID` or `FILE_NAME`. */
  name: string;
  /** The parts of a dataset, or the size of a file. */
  detail: string;
  /** Whether its own server holds it, and no other. */
  registered: boolean;
}

/** The CLI's `summary:` line and the per-project `summary <project>:` lines after it. */
export function summaryLine(result: CliResult): string {
  const lines = `${result.stderr}\n${result.stdout}`.split(/\r?\n/);
  const at = lines.findLastIndex((line) => line.startsWith("summary:"));
  if (at < 0) return "(no summary line)";
  const projects = lines.slice(at + 1).filter((line) => /^summary \S+: /.test(line));
  return [lines[at], ...projects].join("\n");
}

/**
 * GET /api/handles/<handle>: the response body, or undefined for 404 (and, with `ifServed`,
 * for 400: a server that does not serve the handle's prefix).
 */
async function getHandle(
  serverUrl: string,
  handle: string,
  options: { ifServed?: boolean } = {},
): Promise<Record<string, unknown> | undefined> {
  const response = await fetch(`${serverUrl}/api/handles/${handle}`);
  const body = await response.json() as Record<string, unknown>;
  if (response.status === 404 || (options.ifServed && response.status === 400)) return undefined;
  if (!response.ok) throw new Error(`GET ${handle}: HTTP ${response.status}`);
  return body;
}

/** The values of a handle response as `type → value text`. */
function valueMap(body: Record<string, unknown>): Map<string, string> {
  const fields = new Map<string, string>();
  for (const value of body.values as Array<{ type: string; data: { value: unknown } }>) {
    const data = value.data.value;
    fields.set(value.type, typeof data === "string" ? data : JSON.stringify(data));
  }
  return fields;
}

/**
 * Resolves every expected handle on every server: one row per record, the dataset before
 * its files. A handle counts as registered when its own server holds it and no other does.
 */
export async function handleRows(
  servers: Pick<HandleServer, "profile" | "url">[],
  events: ExpectedEvent[],
): Promise<HandleRow[]> {
  const rows: HandleRow[] = [];
  for (const event of events) {
    const records = registrationOrder(event.mapped);
    for (const record of [records[records.length - 1], ...records.slice(0, -1)]) {
      const holders: string[] = [];
      let body: Record<string, unknown> | undefined;
      for (const server of servers) {
        const found = await getHandle(server.url, record.handle, { ifServed: true });
        if (found === undefined) continue;
        holders.push(server.profile.name);
        if (server.profile === event.profile) body = found;
      }
      const fields = body ? valueMap(body) : localFields(record);
      const level = fields.get("AGGREGATION_LEVEL") ?? "?";
      const retracted = fields.has("RETRACTED_ON") ? ", retracted" : "";
      rows.push({
        handle: record.handle,
        level,
        name: (level === "DATASET" ? fields.get("DATASET_ID") : fields.get("FILE_NAME")) ?? "?",
        detail: level === "DATASET"
          ? `${parts(fields.get("HAS_PARTS"))}${retracted}`
          : formatBytes(Number(fields.get("FILE_SIZE"))),
        servers: holders,
        registered: body !== undefined && holders.length === 1,
      });
    }
  }
  return rows;
}

/** The fields of a record that is not on the server, as the plugin mapped them. */
function localFields(record: HandleRecord): Map<string, string> {
  return new Map(
    Object.entries(record.data).map((
      [key, value],
    ) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
  );
}

/** "3 parts" from a `HAS_PARTS` JSON list. */
function parts(hasParts: string | undefined): string {
  let count = 0;
  try {
    const list = JSON.parse(hasParts ?? "[]");
    count = Array.isArray(list) ? list.length : 0;
  } catch {
    count = 0;
  }
  return `${count} part${count === 1 ? "" : "s"}`;
}

/** Bytes as text with a decimal unit, e.g. "209.9 MB". */
function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "?";
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Prints the handle table: a mark for each handle found on its own server, and who holds it. */
export function printTable(rows: HandleRow[], events: number): void {
  const registered = rows.filter((row) => row.registered).length;
  console.log(
    `handles of the ${events} valid example events: ${registered} of ${rows.length} registered`,
  );
  const header = ["", "handle", "server", "type", "DATASET_ID / FILE_NAME", "parts/size"];
  const cells = rows.map((row) => [
    row.registered ? "✓" : "✗",
    row.handle,
    row.servers.join("+") || "-",
    row.level,
    row.level === "FILE" ? `  ${row.name}` : row.name,
    row.detail,
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...cells.map((line) => line[i].length))
  );
  for (const line of [header, ...cells]) {
    console.log(line.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd());
  }
}

/** Resolves a handle and prints the response, one value per line. */
export async function printResolved(serverUrl: string, handle: string): Promise<void> {
  console.log(`GET ${serverUrl}/api/handles/${handle}`);
  const body = await getHandle(serverUrl, handle);
  if (body === undefined) throw new Error(`${handle} does not resolve (404)`);
  const { values, ...rest } = body;
  const head = JSON.stringify(rest);
  console.log(`${head.slice(0, -1)},"values":[`);
  const list = values as unknown[];
  list.forEach((value, i) =>
    console.log(`  ${JSON.stringify(value)}${i < list.length - 1 ? "," : ""}`)
  );
  console.log("]}");
}

/** Lists the files under `outputs/` with their line counts and the reasons of failures. */
export async function printOutputs(workDir: string): Promise<void> {
  const files = await listFiles(join(workDir, "outputs"));
  console.log(`outputs/: ${files.length} file(s)`);
  for (const file of files) {
    const lines = (await Deno.readTextFile(file)).split("\n").filter((line) => line.trim());
    console.log(`  ${relative(workDir, file)}: ${lines.length} line(s)`);
    for (const line of lines) {
      const infos = parseInfos(line);
      if (!infos) continue;
      const source = infos.source ? shownSource(infos.source) : "?";
      console.log(`    ${source} ${infos.key ?? "(no key)"}: ${infos.reason ?? "?"}`);
    }
  }
}

/** The files under a folder, recursively, sorted; [] when it does not exist. */
async function listFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) files.push(...await listFiles(path));
      else if (entry.isFile) files.push(path);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return files.sort();
}

/** The `__infos__` of a failure or skipped line, if it has them. */
function parseInfos(
  line: string,
): { reason?: string; key?: string | null; source?: Provenance } | undefined {
  try {
    const infos = JSON.parse(line)?.__infos__;
    return typeof infos === "object" && infos !== null ? infos : undefined;
  } catch {
    return undefined;
  }
}

/** Provenance with example paths shown relative to the project. */
function shownSource(source: Provenance): string {
  return provenanceText(
    "file" in source ? { ...source, file: relative(PROJECT_ROOT, source.file) } : source,
  );
}
