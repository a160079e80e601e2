/**
 * Jars from Maven Central, copied once into a cache folder: `mvn
 * dependency:copy-dependencies` into a staging folder, checked, then renamed into
 * place with a marker listing the jars, so an interrupted or concurrent copy never
 * leaves a half-filled folder that counts as complete.
 *
 * @module
 */

import { join } from "node:path";
import { ConfigurationError } from "../src/errors/mod.ts";

/** The file that lists a complete folder's jars. */
const MARKER_FILE = ".complete";

/** Options of {@linkcode ensureMavenJars}. */
export interface MavenJarsOptions {
  /** The POM whose runtime dependencies are copied. */
  pom: string;
  /** The cache folder. */
  cacheDir: string;
  /** A jar name prefix that must be among the copied jars (e.g. `kafka_`). */
  expectJar: string;
  /** What the jars are for, in messages (e.g. `the Kafka broker`). */
  what: string;
}

/**
 * The cache folder, filled by Maven when it is missing or incomplete.
 *
 * @throws {ConfigurationError} when Maven is missing or the copy fails.
 */
export async function ensureMavenJars(options: MavenJarsOptions): Promise<string> {
  const { cacheDir } = options;
  if (await isCompleteJarDir(cacheDir)) return cacheDir;
  const parent = join(cacheDir, "..");
  await Deno.mkdir(parent, { recursive: true });
  const staging = await Deno.makeTempDir({ dir: parent, prefix: ".maven-libs-" });
  if (Deno.build.os !== "windows") await Deno.chmod(staging, 0o755);
  try {
    let result: Deno.CommandOutput;
    try {
      result = await new Deno.Command("mvn", {
        args: [
          "-q",
          "-B",
          "-f",
          options.pom,
          "dependency:copy-dependencies",
          `-DoutputDirectory=${staging}`,
          "-DincludeScope=runtime",
        ],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new ConfigurationError(
          `Maven (mvn) was not found on PATH; install Maven to fetch ${options.what}`,
        );
      }
      throw error;
    }
    if (!result.success) {
      const decoder = new TextDecoder();
      const output = decoder.decode(result.stdout) + decoder.decode(result.stderr);
      const last = output.split(/\r?\n/).filter((line) => line.trim() !== "").slice(-5);
      throw new ConfigurationError(
        `Maven could not copy the jars of ${options.what} (exit ${result.code}): ${
          last.join(" | ") || "(no output)"
        }`,
      );
    }
    const jars = await listJars(staging);
    if (!jars.some((name) => name.startsWith(options.expectJar))) {
      throw new ConfigurationError(`Maven copied no ${options.expectJar}* jar into ${staging}`);
    }
    await Deno.writeTextFile(join(staging, MARKER_FILE), jars.join("\n") + "\n");
    // Another process may have filled the cache meanwhile: then its copy is kept.
    if (await isCompleteJarDir(cacheDir)) return cacheDir;
    await Deno.remove(cacheDir, { recursive: true }).catch(() => {});
    try {
      await Deno.rename(staging, cacheDir);
    } catch (error) {
      if (await isCompleteJarDir(cacheDir)) return cacheDir;
      throw error;
    }
    return cacheDir;
  } finally {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
  }
}

/** Whether a folder holds every jar its marker lists. */
async function isCompleteJarDir(dir: string): Promise<boolean> {
  let listed: string[];
  try {
    listed = (await Deno.readTextFile(join(dir, MARKER_FILE))).split("\n").filter(Boolean);
  } catch {
    return false;
  }
  if (listed.length === 0) return false;
  const present = new Set(await listJars(dir));
  return listed.every((name) => present.has(name));
}

/** The names of the jar files in a folder, sorted. */
async function listJars(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith(".jar")) names.push(entry.name);
  }
  return names.sort();
}
