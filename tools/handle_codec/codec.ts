/**
 * The Handle.Net JSON codec (`net.handle.hdllib.GsonUtility` from `net.handle:handle-client`,
 * the codec the real Handle server reads and writes values with) as a test oracle. Its jars
 * come from `tools/handle_codec/pom.xml` through Maven (like the Kafka broker's) and are
 * cached in `.cache/handle-codec/`, as is `HandleCodec.java` compiled with `javac`.
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureMavenJars } from "../maven.ts";

const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const POM_FILE = fileURLToPath(new URL("./pom.xml", import.meta.url));
const SOURCE_FILE = fileURLToPath(new URL("./HandleCodec.java", import.meta.url));

/** What the codec makes of one document. */
export type CodecResult =
  | { ok: true; values: Record<string, unknown>[] }
  | { ok: false; error: string };

/** Options of {@linkcode ensureHandleCodec}. */
export interface HandleCodecOptions {
  /** The cache folder; default `<project>/.cache/handle-codec`. */
  cacheDir?: string;
}

/**
 * Fetches the codec's jars (once) and compiles the oracle program (once per source
 * version); returns the Java class path.
 *
 * @throws {Error} when Maven, javac or the download fails: the oracle is mandatory.
 */
export async function ensureHandleCodec(options: HandleCodecOptions = {}): Promise<string> {
  const cacheDir = options.cacheDir ?? join(PROJECT_ROOT, ".cache", "handle-codec");
  const libs = join(cacheDir, "libs");
  await ensureMavenJars({
    pom: POM_FILE,
    cacheDir: libs,
    expectJar: "handle-client-",
    what: "the Handle.Net codec",
  });
  const source = await Deno.readFile(SOURCE_FILE);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", source));
  const tag = Array.from(digest.slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
  const classes = join(cacheDir, `classes-${tag}`);
  const classpath = `${join(libs, "*")}:${classes}`;
  if (!(await exists(join(classes, "HandleCodec.class")))) {
    const staging = await Deno.makeTempDir({ dir: cacheDir, prefix: ".classes-" });
    try {
      await run("javac", ["-cp", join(libs, "*"), "-d", staging, SOURCE_FILE]);
      await Deno.remove(classes, { recursive: true }).catch(() => {});
      await Deno.rename(staging, classes).catch(async (error) => {
        if (!(await exists(join(classes, "HandleCodec.class")))) throw error;
      });
    } finally {
      await Deno.remove(staging, { recursive: true }).catch(() => {});
    }
  }
  return classpath;
}

/** Runs documents (one JSON text each, without line breaks) through the real codec. */
export async function runHandleCodec(
  documents: string[],
  options: HandleCodecOptions = {},
): Promise<CodecResult[]> {
  const classpath = await ensureHandleCodec(options);
  for (const document of documents) {
    if (/[\r\n]/.test(document)) throw new Error("a codec document must be one line");
  }
  const child = new Deno.Command("java", {
    args: ["-cp", classpath, "HandleCodec"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const collected = child.output();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(documents.map((d) => d + "\n").join("")));
  await writer.close();
  const output = await collected;
  const text = new TextDecoder().decode(output.stdout);
  if (!output.success) {
    throw new Error(`the codec oracle failed: ${new TextDecoder().decode(output.stderr)}`);
  }
  const results = text.split("\n").filter((line) => line.trim() !== "").map((line) =>
    JSON.parse(line) as CodecResult
  );
  if (results.length !== documents.length) {
    throw new Error(`the codec answered ${results.length} of ${documents.length} documents`);
  }
  return results;
}

async function run(command: string, args: string[]): Promise<void> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(command, { args, stdin: "null" }).output();
  } catch (error) {
    throw new Error(`${command} could not be run (is it installed?): ${error}`);
  }
  if (!output.success) {
    const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
    throw new Error(
      `${command} failed (exit ${output.code}): ${text.trim().split("\n").slice(-5)}`,
    );
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
