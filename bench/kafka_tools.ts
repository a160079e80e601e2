/**
 * The jars of Apache Kafka's `kafka-tools` (Java `ConsumerPerformance`), copied by Maven
 * from `tools/kafka/tools_pom.xml` into `.cache/kafka-tools-libs` once, like the broker's.
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const POM = join(ROOT, "tools", "kafka", "tools_pom.xml");
const MARKER = ".complete";

/** The folder of the `kafka-tools` jars, fetched with Maven when missing. */
export async function ensureKafkaToolJars(): Promise<string> {
  const dir = join(ROOT, ".cache", "kafka-tools-libs");
  try {
    await Deno.stat(join(dir, MARKER));
    return dir;
  } catch {
    // not there yet
  }
  const out = await new Deno.Command("mvn", {
    args: [
      "-q",
      "-B",
      "-f",
      POM,
      "dependency:copy-dependencies",
      `-DoutputDirectory=${dir}`,
      "-DincludeScope=runtime",
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`Maven could not copy kafka-tools: ${new TextDecoder().decode(out.stdout)}`);
  }
  await Deno.writeTextFile(join(dir, MARKER), "");
  return dir;
}
