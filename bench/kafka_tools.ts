/**
 * The jars of Apache Kafka's `kafka-tools` (Java `ConsumerPerformance`), copied by Maven
 * from `tools/kafka/tools_pom.xml` into `.cache/kafka-tools-libs` once, like the broker's.
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureMavenJars } from "../tools/maven.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const POM = join(ROOT, "tools", "kafka", "tools_pom.xml");

/** The folder of the `kafka-tools` jars, fetched with Maven when missing. */
export function ensureKafkaToolJars(): Promise<string> {
  return ensureMavenJars({
    pom: POM,
    cacheDir: join(ROOT, ".cache", "kafka-tools-libs"),
    expectJar: "kafka-tools-",
    what: "Java ConsumerPerformance (kafka-tools)",
  });
}
