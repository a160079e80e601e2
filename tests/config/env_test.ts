/**
 * Every configuration key from the environment (`PIDDI_<SECTION>__<KEY>`): nested
 * sections, keys with dots, typed values, precedence over files and under the secret
 * variables, and `config show --origin` naming the variable.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { envName, loadConfig, loadLayers } from "../../src/config/mod.ts";
import { runCli } from "../helpers.ts";

const noSystem = { systemFile: "/nonexistent/piddiplatsch.toml" };

Deno.test("PIDDI_<SECTION>__<KEY> sets any key: nested, dotted, typed; files below, secrets above", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "c.toml");
    await Deno.writeTextFile(file, '[consumer]\ntopic = "from-file"\nmax_errors = 7\n');
    const { config } = await loadConfig({
      ...noSystem,
      configFile: file,
      env: {
        PIDDI_CONSUMER__TOPIC: "from-env",
        PIDDI_CONSUMER__MAX_ERRORS: "3",
        PIDDI_CONSUMER__TRANSIENT__RETRIES: "9",
        PIDDI_CONSUMER__TRANSIENT__STOP_ON_SKIP: "false",
        PIDDI_KAFKA__BOOTSTRAP_SERVERS: "127.0.0.1:1,127.0.0.1:2",
        PIDDI_HANDLE__PREFIX: "21.ENV",
        PIDDI_HANDLE__PASSWORD: "general",
        PIDDI_HANDLE_PASSWORD: "secret-wins",
        PIDDI_UNRELATED: "ignored",
      },
    });
    assert.equal(config.consumer.topic, "from-env");
    assert.equal(config.consumer.max_errors, 3);
    assert.equal(config.consumer.transient.retries, 9);
    assert.equal(config.consumer.transient.stop_on_skip, false);
    assert.equal(config.kafka["bootstrap.servers"], "127.0.0.1:1,127.0.0.1:2");
    assert.equal(config.handle.prefix, "21.ENV");
    assert.equal(config.handle.password, "secret-wins");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a text key keeps its text; a key not there yet is lower-cased (kafka: dots)", async () => {
  const { tree, origins } = await loadLayers({
    ...noSystem,
    env: {
      PIDDI_HANDLE__PASSWORD: "12345",
      PIDDI_KAFKA__SSL_KEY_LOCATION: "/k.pem",
      PIDDI_HANDLES__PROFILES__MAIN__SERVER_URL: "https://127.0.0.1:1",
      PIDDI_CONSUMER__PROJECTS: '["cmip6"]',
    },
  });
  const kafka = tree.kafka as Record<string, unknown>;
  assert.equal((tree.handle as Record<string, unknown>).password, "12345");
  assert.equal(kafka["ssl.key.location"], "/k.pem");
  const profiles = (tree.handles as { profiles: Record<string, Record<string, unknown>> }).profiles;
  assert.equal(profiles.main.server_url, "https://127.0.0.1:1");
  assert.deepEqual((tree.consumer as Record<string, unknown>).projects, ["cmip6"]);
  assert.equal(origins.get('kafka."ssl.key.location"'), "$PIDDI_KAFKA__SSL_KEY_LOCATION");
  assert.equal(envName(["kafka", "bootstrap.servers"]), "PIDDI_KAFKA__BOOTSTRAP_SERVERS");
});

Deno.test("config show --origin names the variable; the secret stays redacted", async () => {
  const run = await runCli(["config", "show", "--origin", "--section", "consumer"], {
    env: { PIDDI_CONSUMER__TOPIC: "env-topic" },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /topic = "env-topic".*\$PIDDI_CONSUMER__TOPIC/);
  const secret = await runCli(["config", "show", "--key", "handle.password"], {
    env: { PIDDI_HANDLE__PASSWORD: "very-secret" },
  });
  assert.equal(secret.stdout.trim(), "***");
});
