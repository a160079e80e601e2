/**
 * Checks of files, folders and ports.
 *
 * @module
 */

import { join } from "node:path";

/** Reads every JSON line of the files in a folder (recursively); `[]` when it does not exist. */
export async function readJsonLines(dir: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)].sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    return out;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) out.push(...await readJsonLines(path));
    else if (entry.name.endsWith(".jsonl")) {
      const text = await Deno.readTextFile(path);
      for (const line of text.split("\n")) if (line.trim()) out.push(JSON.parse(line));
    }
  }
  return out;
}

/** The sorted names of the entries of a folder; `[]` when it does not exist. */
export async function listFiles(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  return names.sort();
}

/** Whether a path exists (other errors than "not found" are thrown). */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Whether a connection to `127.0.0.1:<port>` is refused (other errors are thrown). */
export async function portIsClosed(port: number): Promise<boolean> {
  try {
    const connection = await Deno.connect({ hostname: "127.0.0.1", port });
    connection.close();
    return false;
  } catch (error) {
    if (error instanceof Deno.errors.ConnectionRefused) return true;
    throw error;
  }
}
