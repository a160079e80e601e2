/**
 * The KRaft storage of the local Kafka broker: its `server.properties`, a fresh cluster id
 * for formatting, and whether a data folder is formatted already.
 *
 * @module
 */

import { join } from "node:path";
import { HOST } from "./ports.ts";

/** The KRaft configuration of a combined broker and controller with node id 1. */
export function serverProperties(
  options: { port: number; controllerPort: number; dataDir: string },
): string {
  const { port, controllerPort, dataDir } = options;
  const settings: Record<string, string | number | boolean> = {
    "process.roles": "broker,controller",
    "node.id": 1,
    "controller.quorum.voters": `1@${HOST}:${controllerPort}`,
    "listeners": `PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}`,
    "advertised.listeners": `PLAINTEXT://${HOST}:${port}`,
    "controller.listener.names": "CONTROLLER",
    "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "inter.broker.listener.name": "PLAINTEXT",
    "log.dirs": dataDir,
    "num.partitions": 3,
    "offsets.topic.replication.factor": 1,
    "offsets.topic.num.partitions": 3,
    "transaction.state.log.replication.factor": 1,
    "transaction.state.log.min.isr": 1,
    "share.coordinator.state.topic.replication.factor": 1,
    "share.coordinator.state.topic.min.isr": 1,
    "group.initial.rebalance.delay.ms": 0,
    "auto.create.topics.enable": true,
  };
  // Backslashes (Windows paths) must be escaped in a Java properties file.
  return Object.entries(settings)
    .map(([key, value]) => `${key}=${String(value).replaceAll("\\", "\\\\")}`)
    .join("\n") + "\n";
}

/** A random Kafka cluster id: 16 bytes, unpadded URL-safe base64, not starting with "-". */
export function clusterId(): string {
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    const id = btoa(String.fromCharCode(...bytes))
      .replaceAll("+", "-")
      .replaceAll("/", "_")
      .replace(/=+$/, "");
    if (!id.startsWith("-")) return id;
  }
}

/** Whether a KRaft log folder has been formatted (holds `meta.properties`). */
export async function isFormatted(dataDir: string): Promise<boolean> {
  try {
    return (await Deno.stat(join(dataDir, "meta.properties"))).isFile;
  } catch {
    return false;
  }
}
