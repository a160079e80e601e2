/**
 * `publish` and `verify` with several Handle profiles: the dry-run output of every
 * project's sample events is published, each event to the profile of its lines (three
 * handle-servers, one per prefix), and verified there; a line whose prefix no profile
 * serves is refused.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { basicAuth } from "../../src/register/mod.ts";
import {
  PASSWORD,
  profileEnv,
  profileSections,
  projectEvents,
  startServers,
} from "../fixtures/project_servers.ts";
import { listFiles, makeWorkspace, runCli } from "../helpers.ts";

Deno.test("publish and verify route every event to its Handle profile", async () => {
  const servers = await startServers();
  const ws = await makeWorkspace({ sections: profileSections(servers, "all") });
  const env = profileEnv();
  const cli = (...args: string[]) => runCli(["-c", ws.config, ...args], { cwd: ws.dir, env });
  try {
    const events = await projectEvents();
    await Deno.writeTextFile(
      join(ws.dir, "events.jsonl"),
      events.map(({ event }) => JSON.stringify(event)).join("\n") + "\n",
    );
    const dry = await cli("map", "--dry-run", "events.jsonl");
    assert.equal(dry.code, 0, dry.stderr);
    const dir = join(ws.dir, "outputs", "handles");
    const handleFile = join(dir, (await listFiles(dir))[0]);
    const lines = (await Deno.readTextFile(handleFile)).trim().split("\n").map((l) =>
      JSON.parse(l) as { handle: string }
    );
    const stray = JSON.stringify({ handle: "21.99999/x", URL: "u", data: {}, file: "s", line: 1 });
    await Deno.writeTextFile(join(ws.dir, "stray.jsonl"), stray + "\n");

    const published = await cli("publish", handleFile, "stray.jsonl");
    assert.equal(published.code, 1, published.stderr);
    assert.match(
      published.stderr,
      /stray\.jsonl:1: prefix 21\.99999 of 21\.99999\/x is served by no/,
    );
    assert.match(published.stdout, new RegExp(`${lines.length} created`));
    for (const [prefix, server] of servers.byPrefix) {
      const expected = lines.filter((l) => l.handle.startsWith(`${prefix}/`)).length;
      assert.ok(expected > 0, `some handles on ${prefix}`);
      assert.equal(server.size(), expected, `the handles of ${prefix} are on its server`);
    }

    for (const input of [handleFile, "events.jsonl"]) {
      const clean = await cli("verify", input);
      assert.equal(clean.code, 0, `${input}: ${clean.stdout}${clean.stderr}`);
      assert.match(clean.stdout, new RegExp(`: ${lines.length} ok, 0 missing, 0 different`));
    }
    const victim = lines.find((l) => l.handle.startsWith("21.14107/"))!.handle;
    const server = servers.byPrefix.get("21.14107")!;
    const deleted = await fetch(`${server.url}/api/handles/${victim}`, {
      method: "DELETE",
      headers: { Authorization: basicAuth("300:21.14107/user", `${PASSWORD}-21.14107`) },
    });
    await deleted.body?.cancel();
    assert.equal(deleted.status, 200);
    const found = await cli("verify", "events.jsonl");
    assert.equal(found.code, 1);
    assert.match(found.stdout, new RegExp(`^missing ${victim.replace(".", "\\.")}$`, "m"));
  } finally {
    await ws.remove();
    await servers.close();
  }
});
