/**
 * The install steps in the unit's comment work as written: run (with the system folders
 * moved into a temporary root) from a checkout with a binary in `dist/` and a `site.toml`,
 * they install every file, the configuration readable by the service's dynamic user and
 * the secrets file readable by root only; docs/operations.md gives the same steps. The
 * unit restarts what is left to restart without giving up.
 */

import assert from "node:assert/strict";
import { dirname, join } from "node:path";

const UNIT = new URL("../../deploy/piddiplatsch.service", import.meta.url);
const OPERATIONS = new URL("../../docs/operations.md", import.meta.url);
const DEPLOY = new URL("../../deploy/", import.meta.url);

/** The `install …` lines of the unit's comment. */
async function installSteps(): Promise<string[]> {
  const text = await Deno.readTextFile(UNIT);
  return text.split("\n").filter((l) => /^#\s+install /.test(l)).map((l) =>
    l.replace(/^#\s+/, "").trim()
  );
}

Deno.test("the unit's install steps run as written and leave the configuration readable by the service", async () => {
  const steps = await installSteps();
  assert.ok(steps.length >= 4, `install steps in the unit's comment: ${steps.join(" / ")}`);
  const checkout = await Deno.makeTempDir();
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(checkout, "dist"));
    await Deno.writeTextFile(join(checkout, "dist", "piddiplatsch"), "#!/bin/sh\n");
    await Deno.writeTextFile(join(checkout, "site.toml"), '[consumer]\ntopic = "CMIP6"\n');
    await Deno.mkdir(join(checkout, "deploy"));
    for await (const entry of Deno.readDir(DEPLOY)) {
      await Deno.copyFile(new URL(entry.name, DEPLOY), join(checkout, "deploy", entry.name));
    }
    for (const step of steps) {
      const moved = step.replace(/ \/(usr|etc)\//g, ` ${root}/$1/`);
      // The system's folders exist on a real host; here they are made first.
      const target = moved.split(" ").at(-1)!;
      if (!moved.includes(" -d ")) {
        await Deno.mkdir(target.endsWith("/") ? target : dirname(target), { recursive: true });
      }
      const run = await new Deno.Command("sh", { args: ["-c", moved], cwd: checkout }).output();
      assert.ok(run.success, `${step}: ${new TextDecoder().decode(run.stderr)}`);
    }
    const mode = async (path: string): Promise<number> =>
      (await Deno.stat(join(root, path))).mode! & 0o777;
    assert.equal(await mode("usr/local/bin/piddiplatsch"), 0o755);
    assert.equal(await mode("etc/systemd/system/piddiplatsch.service") & 0o444, 0o444);
    // The dynamic user is neither owner nor group: "other" must read the configuration.
    assert.equal(await mode("etc/piddiplatsch") & 0o005, 0o005, "the folder is open to it");
    assert.equal(await mode("etc/piddiplatsch/piddiplatsch.toml") & 0o004, 0o004);
    assert.equal(await mode("etc/piddiplatsch/piddiplatsch.env"), 0o600, "secrets: root only");
  } finally {
    await Deno.remove(checkout, { recursive: true });
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("docs/operations.md gives the unit's install steps", async () => {
  const page = await Deno.readTextFile(OPERATIONS);
  const documented = page.split("\n").map((l) => l.replace(/#.*$/, "").trim().replace(/\s+/g, " "));
  for (const step of await installSteps()) {
    assert.ok(documented.includes(step.replace(/\s+/g, " ")), `docs/operations.md lacks: ${step}`);
  }
});

Deno.test("the unit restarts exits 1 and 3 without giving up, never exit 2", async () => {
  const text = await Deno.readTextFile(UNIT);
  const value = (key: string): string | undefined =>
    new RegExp(`^${key}=(.*)$`, "m").exec(text)?.[1];
  assert.equal(value("Restart"), "on-failure");
  assert.equal(value("RestartPreventExitStatus"), "2");
  assert.equal(value("StartLimitIntervalSec"), "0", "no start limit: an outage is waited out");
  assert.equal(value("StartLimitBurst"), undefined);
});
