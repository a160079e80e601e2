/**
 * The systemd unit passes `systemd-analyze verify` without a single warning, and
 * `systemd-analyze security` rates its exposure low. Where systemd-analyze is not
 * installed the test is skipped, unless `PIDDI_REQUIRE_SYSTEMD` is set (CI sets it
 * after installing systemd, so there it always runs).
 */

import assert from "node:assert/strict";
import { join } from "node:path";

const UNIT = new URL("../../deploy/piddiplatsch.service", import.meta.url);
const ENV_EXAMPLE = new URL("../../deploy/piddiplatsch.env.example", import.meta.url);
const BINARY = "/usr/local/bin/piddiplatsch";

function hasSystemdAnalyze(): boolean {
  try {
    return new Deno.Command("systemd-analyze", { args: ["--version"], stdout: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

const available = hasSystemdAnalyze();
if (!available && Deno.env.get("PIDDI_REQUIRE_SYSTEMD")) {
  throw new Error("PIDDI_REQUIRE_SYSTEMD is set but systemd-analyze is not installed");
}

async function analyze(args: string[]): Promise<{ code: number; out: string }> {
  const output = await new Deno.Command("systemd-analyze", { args, stdin: "null" }).output();
  const decode = (b: Uint8Array): string => new TextDecoder().decode(b);
  return { code: output.code, out: decode(output.stdout) + decode(output.stderr) };
}

/**
 * A copy of the unit in a temporary folder whose `ExecStart` binary is a stub there:
 * `verify` insists that the binary exists, and the test installs nothing system-wide.
 */
async function unitCopy(dir: string): Promise<string> {
  const stub = join(dir, "piddiplatsch");
  await Deno.writeTextFile(stub, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  const text = await Deno.readTextFile(UNIT);
  assert.ok(text.includes(`ExecStart=${BINARY} `), "ExecStart runs the installed binary");
  const path = join(dir, "piddiplatsch.service");
  await Deno.writeTextFile(path, text.replaceAll(BINARY, stub));
  return path;
}

Deno.test({
  name: "the systemd unit passes systemd-analyze verify with no warning, and is hardened",
  ignore: !available,
  async fn(): Promise<void> {
    const dir = await Deno.makeTempDir();
    try {
      const path = await unitCopy(dir);
      const verify = await analyze(["verify", "--man=no", path]);
      assert.equal(verify.code, 0, verify.out);
      assert.equal(verify.out.trim(), "", `systemd-analyze verify warned:\n${verify.out}`);

      // The verifier itself finds a broken key (so the clean run above means something).
      const broken = join(dir, "broken.service");
      await Deno.writeTextFile(
        broken,
        (await Deno.readTextFile(path)).replace("RestartPreventExitStatus=2", "RestartPrevent=2"),
      );
      const bad = await analyze(["verify", "--man=no", broken]);
      assert.match(bad.out, /Unknown key 'RestartPrevent'/);

      const security = await analyze(["security", "--offline=yes", "--threshold=40", path]);
      assert.equal(security.code, 0, security.out);
      assert.match(security.out, /Overall exposure level for piddiplatsch\.service: [0-3]\.\d/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("the unit: no restart on exit 2, secrets from an environment file, hardening", async () => {
  const text = await Deno.readTextFile(UNIT);
  const keys = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (match) keys.set(match[1], [...(keys.get(match[1]) ?? []), match[2]]);
  }
  assert.deepEqual(keys.get("Restart"), ["on-failure"]);
  assert.deepEqual(keys.get("RestartPreventExitStatus"), ["2"]);
  assert.deepEqual(keys.get("EnvironmentFile"), ["-/etc/piddiplatsch/piddiplatsch.env"]);
  assert.deepEqual(keys.get("ProtectSystem"), ["strict"]);
  assert.deepEqual(keys.get("NoNewPrivileges"), ["yes"]);
  assert.deepEqual(keys.get("ReadWritePaths"), ["/var/lib/piddiplatsch /var/log/piddiplatsch"]);
  assert.match(keys.get("ExecStart")![0], /consume --listen 127\.0\.0\.1:\d+$/);
  assert.ok(!/PASSWORD/i.test(text.replace(/PIDDI_\w+/g, "")), "no secret in the unit");
  // Every variable of the example environment file is one piddiplatsch reads.
  const { SECRET_ENV } = await import("../../src/config/load.ts");
  const example = await Deno.readTextFile(ENV_EXAMPLE);
  const names = [...example.matchAll(/^#?(PIDDI_\w+)=/gm)].map((m) => m[1]);
  assert.deepEqual(names.sort(), Object.keys(SECRET_ENV).sort());
});
