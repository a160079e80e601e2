/** Configuration: layers, checks, and `config validate` / `config show` through the real CLI. */

import assert from "node:assert/strict";
import { join } from "node:path";
import {
  isHostPortList,
  loadConfig,
  loadLayers,
  redact,
  showConfig,
  validateConfig,
} from "../../src/config/mod.ts";
import { runCli } from "../helpers.ts";

const noSystem = { systemFile: "/nonexistent/piddiplatsch.toml", env: {} };

async function withConfig(toml: string, work: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "custom.toml");
    await Deno.writeTextFile(path, toml);
    await work(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the packaged defaults are valid and carry the Python tool's sections", async () => {
  const { config, warnings } = await loadConfig(noSystem);
  assert.deepEqual(config.consumer.projects, ["cmip6"]);
  assert.equal(config.consumer.transient.retries, 3);
  assert.equal(config.kafka["bootstrap.servers"], "127.0.0.1:9092");
  assert.equal(config.handle.backend, "rest");
  assert.equal(config.lookup.enabled, false);
  assert.ok(!warnings.some((w) => w.audit), "a run does not repeat remarks on the setup");
  const layers = await loadLayers(noSystem);
  const { problems } = validateConfig(layers.tree, { defaults: layers.defaults });
  const audit = problems.filter((p) => p.audit).map((p) => p.key);
  assert.ok(audit.includes("handle.password"), "config validate flags demo credentials");
  assert.ok(audit.includes("plugins.cmip6.handle"), "config validate flags a test prefix");
});

Deno.test("layers: --config over the system file over the defaults; secrets from the environment", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const system = join(dir, "system.toml");
    const custom = join(dir, "custom.toml");
    await Deno.writeTextFile(
      system,
      '[handle]\nprefix = "21.SYS"\nserver_url = "http://127.0.0.1:1"\n',
    );
    await Deno.writeTextFile(custom, '[handle]\nprefix = "21.CUSTOM"\n');
    const { config, sources } = await loadConfig({
      systemFile: system,
      configFile: custom,
      env: { PIDDI_HANDLE_PASSWORD: "from-env", PIDDI_KAFKA_SASL_PASSWORD: "sasl-env" },
    });
    assert.equal(config.handle.prefix, "21.CUSTOM");
    assert.equal(config.handle.server_url, "http://127.0.0.1:1");
    assert.equal(config.handle.password, "from-env");
    assert.equal(config.kafka["sasl.password"], "sasl-env");
    assert.deepEqual(sources.slice(0, 3), ["packaged defaults", system, custom]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the Python tool's flat transient keys and backend pyhandle are understood", async () => {
  await withConfig(
    '[consumer]\nstop_on_transient_skip = false\ntransient_retries = 7\n[handle]\nbackend = "pyhandle"\n',
    async (path) => {
      const { config } = await loadConfig({ ...noSystem, configFile: path });
      assert.equal(config.consumer.transient.stop_on_skip, false);
      assert.equal(config.consumer.transient.retries, 7);
      assert.equal(config.handle.backend, "rest");
    },
  );
});

Deno.test("host:port lists", () => {
  assert.ok(isHostPortList("127.0.0.1:9092"));
  assert.ok(isHostPortList("a.example.org:9092, b.example.org:9093"));
  assert.ok(!isHostPortList("localhost"));
  assert.ok(!isHostPortList("host:99999"));
  assert.ok(!isHostPortList(""));
});

Deno.test("cross checks: jsonl needs no credentials; SASL needs them; lookup es needs an index", async () => {
  const { tree, defaults } = await loadLayers(noSystem);
  const jsonl = structuredClone(tree) as Record<string, Record<string, unknown>>;
  jsonl.handle.backend = "jsonl";
  jsonl.handle.password = "";
  assert.ok(validateConfig(jsonl, { defaults }).config, "jsonl backend without password is fine");
  const rest = structuredClone(jsonl);
  rest.handle.backend = "rest";
  const restErrors = validateConfig(rest, { defaults }).problems.filter((p) => p.level === "error");
  assert.deepEqual(restErrors.map((p) => p.key), ["handle.password"]);
  const sasl = structuredClone(tree) as Record<string, Record<string, unknown>>;
  sasl.kafka["security.protocol"] = "SASL_SSL";
  sasl.kafka["sasl.mechanisms"] = "GSSAPI";
  const saslKeys = validateConfig(sasl, { defaults }).problems.filter((p) => p.level === "error")
    .map((p) => p.key);
  assert.deepEqual(saslKeys.sort(), [
    "kafka.sasl.mechanisms",
    "kafka.sasl.password",
    "kafka.sasl.username",
  ]);
  const lookup = structuredClone(tree) as Record<string, Record<string, unknown>>;
  lookup.lookup.enabled = true;
  lookup.lookup.backend = "es";
  lookup.elasticsearch.index = "";
  const lookupKeys = validateConfig(lookup, { defaults }).problems.filter((p) =>
    p.level === "error"
  ).map((p) => p.key);
  assert.deepEqual(lookupKeys, ["elasticsearch.index"]);
});

Deno.test("config validate: a bad bootstrap.servers is one line and exit 2", async () => {
  await withConfig('[kafka]\n"bootstrap.servers" = "localhost"\n', async (path) => {
    const run = await runCli(["-c", path, "config", "validate"]);
    assert.equal(run.code, 2);
    const line = run.stdout.split("\n").find((l) => l.includes("kafka.bootstrap.servers"));
    assert.match(
      line ?? "",
      /^error: kafka\.bootstrap\.servers: expected a comma-separated host:port list/,
    );
  });
});

Deno.test("config validate: a typo'd key gets a did-you-mean; a wrong type names the key", async () => {
  await withConfig(
    '[consumer]\ntopik = "CMIP6"\nmax_errors = "ten"\n[handel]\nprefix = "x"\n',
    async (path) => {
      const run = await runCli(["-c", path, "config", "validate"]);
      assert.equal(run.code, 2);
      assert.match(
        run.stdout,
        /^error: consumer\.topik: unknown key \(did you mean consumer\.topic\?\)$/m,
      );
      assert.match(run.stdout, /^error: handel: unknown key \(did you mean handle\?\)$/m);
      assert.match(run.stdout, /^error: consumer\.max_errors: /m);
    },
  );
});

Deno.test("config validate: a missing --config file is an error, not a silent default", async () => {
  const run = await runCli(["-c", "/nonexistent/custom.toml", "config", "validate"]);
  assert.equal(run.code, 2);
  assert.match(run.stdout, /--config \/nonexistent\/custom\.toml: no such file/);
  const consume = await runCli(["-c", "/nonexistent/custom.toml", "consume"]);
  assert.equal(consume.code, 2);
  assert.match(consume.stderr, /no such file/);
});

Deno.test("config validate: the defaults pass with a warning about demo credentials", async () => {
  const run = await runCli(["config", "validate"]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /^warning: handle\.password: demo credentials/m);
  assert.match(run.stdout, /configuration OK/);
});

Deno.test("config show redacts both passwords, from files and from the environment", async () => {
  await withConfig(
    '[kafka]\n"sasl.password" = "kafka-file-secret"\n[handle]\npassword = "handle-file-secret"\n',
    async (path) => {
      for (const format of ["toml", "json"]) {
        const run = await runCli(["-c", path, "config", "show", "--format", format]);
        assert.equal(run.code, 0, run.stderr);
        assert.ok(!run.stdout.includes("kafka-file-secret"));
        assert.ok(!run.stdout.includes("handle-file-secret"));
        assert.match(run.stdout, /\*\*\*/);
      }
      const env = await runCli(["-c", path, "config", "show", "--format", "json"], {
        env: {
          PIDDI_HANDLE_PASSWORD: "env-handle-secret",
          PIDDI_KAFKA_SASL_PASSWORD: "env-kafka-secret",
        },
      });
      assert.ok(!env.stdout.includes("env-handle-secret"));
      assert.ok(!env.stdout.includes("env-kafka-secret"));
      const shown = JSON.parse(env.stdout);
      assert.equal(shown.handle.password, "***");
      assert.equal(shown.kafka["sasl.password"], "***");
      assert.equal(shown.handle.prefix, "21.TEST");
    },
  );
});

Deno.test("config show --section and --key", async () => {
  const section = await runCli(["config", "show", "--section", "consumer.transient"]);
  assert.equal(section.code, 0);
  assert.match(section.stdout, /retries = 3/);
  assert.ok(!section.stdout.includes("bootstrap"));
  const key = await runCli(["config", "show", "--key", "kafka.bootstrap.servers"]);
  assert.equal(key.stdout.trim(), "127.0.0.1:9092");
  const inSection = await runCli(["config", "show", "--section", "handle", "--key", "prefix"]);
  assert.equal(inSection.stdout.trim(), "21.TEST");
  const secret = await runCli(["config", "show", "--key", "handle.password"]);
  assert.equal(secret.stdout.trim(), "***");
  const missing = await runCli(["config", "show", "--key", "handle.nope"]);
  assert.equal(missing.code, 2, "a usage error");
  assert.match(missing.stdout, /no key/);
});

Deno.test("redact and showConfig (in process)", async () => {
  const { tree } = await loadLayers(noSystem);
  const red = redact(tree) as Record<string, Record<string, unknown>>;
  assert.equal(red.handle.password, "***");
  assert.equal(red.kafka["sasl.password"], "", "an empty secret is shown as empty");
  assert.match(showConfig(tree, { section: "stats" }), /^\[stats\]/);
});
