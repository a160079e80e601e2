/**
 * pyhandle (EUDAT's Handle client, the one the Python tool uses) in a cached virtual
 * environment, `.cache/pyhandle-venv`, for the test that drives it against handle-server.
 * Created with `python3 -m venv` and filled by pip from the package index; a marker file
 * written last tells a complete environment from an interrupted one.
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The pinned pyhandle release. */
export const PYHANDLE_VERSION = "1.5.0";

const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MARKER = `.pyhandle-${PYHANDLE_VERSION}`;

/** Options of {@linkcode ensurePyhandle}. */
export interface PyhandleOptions {
  /** The environment's folder; default `<project>/.cache/pyhandle-venv`. */
  venvDir?: string;
}

/**
 * Makes sure the environment exists with pyhandle installed; returns its Python.
 *
 * @throws {Error} when python3, its venv module or the install fails: pyhandle is
 *   mandatory for the suite.
 */
export async function ensurePyhandle(options: PyhandleOptions = {}): Promise<string> {
  const venv = options.venvDir ?? join(PROJECT_ROOT, ".cache", "pyhandle-venv");
  const python = join(venv, "bin", "python");
  if (await exists(join(venv, MARKER))) return python;
  await Deno.remove(venv, { recursive: true }).catch(() => {});
  await Deno.mkdir(join(venv, ".."), { recursive: true });
  await run("python3", ["-m", "venv", venv], "install python3-venv (apt-get install python3-venv)");
  await run(python, [
    "-m",
    "pip",
    "install",
    "--quiet",
    "--disable-pip-version-check",
    `pyhandle==${PYHANDLE_VERSION}`,
  ], "pip could not install pyhandle from the package index");
  await Deno.writeTextFile(join(venv, MARKER), `${PYHANDLE_VERSION}\n`);
  return python;
}

async function run(command: string, args: string[], hint: string): Promise<void> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(command, { args, stdin: "null" }).output();
  } catch (error) {
    throw new Error(`${command} could not be run (${hint}): ${error}`);
  }
  if (!output.success) {
    const text = new TextDecoder().decode(output.stderr).trim().split("\n").slice(-5).join(" | ");
    throw new Error(`${command} ${args.join(" ")} failed (exit ${output.code}; ${hint}): ${text}`);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
