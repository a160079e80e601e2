/**
 * `deno task compile`: builds the single binary `dist/piddiplatsch` with
 * `deno compile`. `deno compile` needs `denort`, the Deno runtime the binary is
 * built on, matching this Deno's version; it downloads it unless `DENORT_BIN` names
 * a local copy. Offline, without one, this prints one line saying what is missing
 * and how to point `DENORT_BIN` at it, instead of Deno's download error.
 *
 * @module
 */

/** The arguments of `deno` that build the binary (permissions, embedded defaults, output). */
export const COMPILE_ARGS: readonly string[] = [
  "compile",
  // A smaller young generation: about 40 MB less resident memory, no measurable cost.
  "--v8-flags=--max-semi-space-size=4",
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--include",
  "config/default.toml",
  // The preparing threads' module (`consumer.workers`): a worker is loaded by URL at run time.
  "--include",
  "src/offload/worker.ts",
  "--output",
  "dist/piddiplatsch",
  "main.ts",
];

/** The name of the denort archive for this Deno (as in a Deno release). */
export function denortArchive(): string {
  return `denort-${Deno.build.target}.zip`;
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** The one line that says denort is missing and how to point `DENORT_BIN` at one. */
export function denortLine(): string {
  const version = Deno.version.deno;
  return `compile: deno compile needs denort ${version} (the Deno runtime the binary is built on) ` +
    `and could not download it: unzip ${denortArchive()} of the Deno ${version} release and run ` +
    `DENORT_BIN=/path/to/denort deno task compile`;
}

/** Why compiling cannot start, in one line: `DENORT_BIN` names no file. */
export function badDenortBin(bin = Deno.env.get("DENORT_BIN")): string | undefined {
  if (!bin || isFile(bin)) return undefined;
  return `compile: DENORT_BIN=${bin}: no such file; point it at the denort ` +
    `${Deno.version.deno} binary (unzipped from ${denortArchive()})`;
}

/** One line for a failed `deno compile`, from its standard error. */
export function compileFailureLine(stderr: string): string {
  // deno-lint-ignore no-control-regex
  const text = stderr.replace(/\x1b\[[0-9;]*m/g, "");
  if (/Setting up base binary|denort|dl\.deno\.land/i.test(text)) return denortLine();
  const first = text.split("\n").map((l) => l.trim()).find((l) => /^error/i.test(l)) ??
    text.trim().split("\n")[0];
  return `compile: deno compile failed: ${first}`;
}

if (import.meta.main) {
  const bad = badDenortBin();
  if (bad) {
    console.error(bad);
    Deno.exit(1);
  }
  const child = new Deno.Command(Deno.execPath(), {
    args: [...COMPILE_ARGS],
    cwd: new URL("../", import.meta.url),
    stdin: "null",
    stdout: "inherit",
    stderr: "piped",
  }).spawn();
  const { code, stderr } = await child.output();
  if (code !== 0) {
    console.error(compileFailureLine(new TextDecoder().decode(stderr)));
    Deno.exit(code);
  }
  console.error("compile: built dist/piddiplatsch");
}
