/**
 * Import cycles of the source tree, from `deno info --json main.ts`: cycles between
 * folders of `src/` (a folder importing one that imports it back, directly or not) and
 * cycles between files. Prints each strongly connected group; exits 1 when there is any.
 *
 * ```sh
 * deno run --allow-run --allow-read tools/import_cycles.ts [entry …]   # default main.ts
 * ```
 *
 * @module
 */

import { relative } from "node:path";

interface InfoModule {
  specifier: string;
  dependencies?: Array<{ code?: { specifier?: string }; type?: { specifier?: string } }>;
}

/** The import graph of the local files reachable from the entries (file → files). */
export async function importGraph(
  entries: string[],
  root: string,
): Promise<Map<string, Set<string>>> {
  const graph = new Map<string, Set<string>>();
  for (const entry of entries) {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!output.success) throw new Error(new TextDecoder().decode(output.stderr));
    const info = JSON.parse(new TextDecoder().decode(output.stdout)) as { modules: InfoModule[] };
    const local = (specifier: string | undefined): string | undefined =>
      specifier?.startsWith("file://") ? relative(root, new URL(specifier).pathname) : undefined;
    for (const module of info.modules) {
      const from = local(module.specifier);
      if (from === undefined) continue;
      const to = graph.get(from) ?? new Set<string>();
      for (const dep of module.dependencies ?? []) {
        for (const target of [local(dep.code?.specifier), local(dep.type?.specifier)]) {
          if (target !== undefined && target !== from) to.add(target);
        }
      }
      graph.set(from, to);
    }
  }
  return graph;
}

/** The folder graph of `src/` (`src/a/x.ts` → `src/a`); imports within a folder are left out. */
export function folderGraph(files: Map<string, Set<string>>): Map<string, Set<string>> {
  const folder = (file: string): string | undefined => {
    const parts = file.split("/");
    return parts[0] === "src" && parts.length > 2 ? `${parts[0]}/${parts[1]}` : undefined;
  };
  const graph = new Map<string, Set<string>>();
  for (const [from, targets] of files) {
    const a = folder(from);
    if (a === undefined) continue;
    const to = graph.get(a) ?? new Set<string>();
    for (const target of targets) {
      const b = folder(target);
      if (b !== undefined && b !== a) to.add(b);
    }
    graph.set(a, to);
  }
  return graph;
}

/** The strongly connected groups of more than one node (Tarjan), each sorted. */
export function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indices.get(next)!));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!indices.has(node)) visit(node);
  return groups.sort((a, b) => a[0].localeCompare(b[0]));
}

if (import.meta.main) {
  const root = Deno.cwd();
  const entries = Deno.args.length > 0 ? Deno.args : ["main.ts"];
  const files = await importGraph(entries, root);
  const byFolder = cycles(folderGraph(files));
  const byFile = cycles(files);
  console.log(
    `files: ${files.size}; folder cycles: ${byFolder.length}; file cycles: ${byFile.length}`,
  );
  for (const group of byFolder) console.log(`folders: ${group.join(" ↔ ")}`);
  for (const group of byFile) console.log(`files: ${group.join(" ↔ ")}`);
  Deno.exit(byFolder.length + byFile.length > 0 ? 1 : 0);
}
