/**
 * Fills the jar cache of the real Handle.Net servers (`HSJ_LIB`, by default
 * `<repo>/.cache/handle-net/lib`) once, before tests start servers in parallel: `start.sh`
 * would fetch the jars itself, but several first starts at once would race on the folder.
 *
 * @module
 */

import { join } from "node:path";
import { handleNetHome } from "./mod.ts";

const REPO = new URL("../../", import.meta.url).pathname;

/** Whether `dir` holds at least one jar. */
async function hasJars(dir: string): Promise<boolean> {
  try {
    for await (const entry of Deno.readDir(dir)) if (entry.name.endsWith(".jar")) return true;
  } catch {
    // absent
  }
  return false;
}

/**
 * Fetches the jars with Maven when the cache is empty; resolves to one line saying what was
 * done. Where `../shared/handle-net` is absent it says that the real-server tests are ignored.
 *
 * @throws {Error} when Maven fails (the tests would fail anyway: said early and once).
 */
export async function prepareHandleNet(): Promise<string> {
  const home = handleNetHome();
  if (home === undefined) {
    return "../shared/handle-net not found: the real Handle.Net server tests are ignored";
  }
  const lib = Deno.env.get("HSJ_LIB") ?? join(REPO, ".cache", "handle-net", "lib");
  if (await hasJars(lib)) return `${home}, jars in ${lib}`;
  await Deno.mkdir(lib, { recursive: true });
  const out = await new Deno.Command("mvn", {
    args: [
      "-q",
      "-f",
      join(home, "deps-pom.xml"),
      "dependency:copy-dependencies",
      `-DoutputDirectory=${lib}`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0 || !(await hasJars(lib))) {
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    throw new Error(
      `fetching the Handle.Net jars failed: ${text.trim().split("\n").slice(-5).join(" | ")}`,
    );
  }
  return `${home}, jars fetched into ${lib}`;
}
