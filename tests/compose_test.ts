/** `compose.yaml` offers Kafka (apache/kafka, KRaft) and handle-server on the ports of the defaults. */

import assert from "node:assert/strict";
import { parse } from "yaml";
import { loadLayers } from "../src/config/mod.ts";

Deno.test("compose.yaml: Kafka and handle-server on the ports of config/default.toml", async () => {
  const compose = parse(await Deno.readTextFile(new URL("../compose.yaml", import.meta.url)));
  const { defaults } = await loadLayers({ systemFile: "/nonexistent", env: {} });
  const kafkaPort =
    String((defaults.kafka as Record<string, string>)["bootstrap.servers"]).split(":")[1];
  const handlePort = new URL((defaults.handle as Record<string, string>).server_url).port;

  const kafka = compose.services.kafka;
  assert.match(kafka.image, /^apache\/kafka:4\./);
  assert.equal(kafka.environment.KAFKA_PROCESS_ROLES, "broker,controller");
  assert.ok(kafka.ports.some((p: string) => p.endsWith(`:${kafkaPort}:${kafkaPort}`)), kafka.ports);
  assert.match(kafka.environment.KAFKA_ADVERTISED_LISTENERS, new RegExp(`:${kafkaPort}$`));

  const handle = compose.services["handle-server"];
  assert.match(handle.image, /^denoland\/deno/);
  assert.ok(handle.command.includes("main.ts"));
  assert.ok(handle.command.includes("handle-server"));
  const port = handle.command[handle.command.indexOf("--port") + 1];
  assert.equal(port, handlePort);
  assert.ok(
    handle.ports.some((p: string) => p.endsWith(`:${handlePort}:${handlePort}`)),
    handle.ports,
  );
});
