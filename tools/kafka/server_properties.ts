/**
 * The KRaft storage of the local Kafka broker: its `server.properties`, a fresh cluster id
 * for formatting, and whether a data folder is formatted already.
 *
 * @module
 */

import { join } from "node:path";
import { HOST } from "./ports.ts";

/** Options of {@linkcode serverProperties}. */
export interface ServerPropertiesOptions {
  /** The PLAINTEXT listener's port. */
  port: number;
  /** The controller listener's port. */
  controllerPort: number;
  /** The KRaft log folder. */
  dataDir: string;
  /** The secure listeners: their ports and properties (`security.ts`). */
  secure?: { saslSslPort: number; sslPort: number; properties: Record<string, string> };
}

/**
 * The KRaft configuration of a combined broker and controller with node id 1: a PLAINTEXT
 * listener (also between broker and controller), and with `secure` a `SASL_SSL` and an
 * `SSL` listener.
 */
export function serverProperties(options: ServerPropertiesOptions): string {
  const { port, controllerPort, dataDir, secure } = options;
  const listeners = [`PLAINTEXT://${HOST}:${port}`];
  if (secure) {
    listeners.push(`SASL_SSL://${HOST}:${secure.saslSslPort}`, `SSL://${HOST}:${secure.sslPort}`);
  }
  const protocols = secure
    ? "PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL,CONTROLLER:PLAINTEXT"
    : "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT";
  const settings: Record<string, string | number | boolean> = {
    "process.roles": "broker,controller",
    "node.id": 1,
    "controller.quorum.voters": `1@${HOST}:${controllerPort}`,
    "listeners": [...listeners, `CONTROLLER://${HOST}:${controllerPort}`].join(","),
    "advertised.listeners": listeners.join(","),
    "controller.listener.names": "CONTROLLER",
    "listener.security.protocol.map": protocols,
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
    ...secure?.properties,
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
