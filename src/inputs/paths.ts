/**
 * Expands the path arguments of `map`, `send` and `retry`: files, directories
 * (their matching files, recursively, sorted), glob patterns (`*`, `?`, `**`) and `-`,
 * standard input (read as JSON lines, once).
 *
 * @module
 */

import { join, relative, resolve, sep } from "node:path";
import { UsageError } from "../exit/mod.ts";

/** The path argument that names standard input. */
export const STDIN = "-";

/** The whole text of a file, or of standard input for {@linkcode STDIN}. */
export async function readInputText(path: string): Promise<string> {
  if (path === STDIN) return await new Response(Deno.stdin.readable).text();
  return await Deno.readTextFile(path);
}

/** Options of {@linkcode expandPaths}. */
export interface ExpandOptions {
  /** File name endings taken from directories and patterns (default `.json`, `.jsonl`). */
  extensions?: string[];
}

/** Thrown when an argument names nothing (a usage error: exit 2). */
export class PathError extends UsageError {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "PathError";
  }
}

/** The files named by the arguments, in argument order, each once. */
export async function expandPaths(args: string[], options: ExpandOptions = {}): Promise<string[]> {
  const extensions = options.extensions ?? [".json", ".jsonl"];
  const wanted = (name: string): boolean => extensions.some((e) => name.endsWith(e));
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (file: string): void => {
    const key = resolve(file);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(file);
    }
  };
  for (const arg of args) {
    if (arg === STDIN) {
      add(STDIN);
      continue;
    }
    if (/[*?[]/.test(arg)) {
      const matches = await glob(arg);
      const files = matches.filter(wanted);
      if (files.length === 0) throw new PathError(`${arg}: no file matches`);
      files.forEach(add);
      continue;
    }
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(arg);
    } catch {
      throw new PathError(`${arg}: no such file or directory`);
    }
    if (info.isDirectory) {
      const files = (await walk(arg)).filter(wanted);
      files.forEach(add);
    } else {
      add(arg);
    }
  }
  return out;
}

async function walk(dir: string): Promise<string[]> {
  const entries: string[] = [];
  const names: Deno.DirEntry[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry);
  names.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of names) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) entries.push(...await walk(path));
    else if (entry.isFile) entries.push(path);
  }
  return entries;
}

/** Files matching a glob pattern, sorted. */
export async function glob(pattern: string): Promise<string[]> {
  const parts = pattern.split(/[\\/]/);
  const fixed: string[] = [];
  while (parts.length > 1 && !/[*?[]/.test(parts[0])) fixed.push(parts.shift()!);
  const base = fixed.length === 0 ? "." : fixed.join("/") || "/";
  const regex = globToRegExp(parts.join("/"));
  let files: string[];
  try {
    files = await walk(base);
  } catch {
    return [];
  }
  return files.filter((f) => regex.test(relative(base, f).split(sep).join("/")));
}

/** Translates a glob (`**` any depth, `*` and `?` within a segment, `[...]` classes) to a RegExp. */
export function globToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*" && pattern[i + 1] === "*") {
      const slash = pattern[i + 2] === "/";
      source += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i);
      if (end < 0) source += "\\[";
      else {
        source += `[${pattern.slice(i + 1, end).replace(/^!/, "^")}]`;
        i = end;
      }
    } else source += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}
