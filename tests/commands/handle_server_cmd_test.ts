/**
 * `handle-server` takes its password from `--password-file` or `PIDDI_HANDLE_PASSWORD`
 * (never needing it on the command line) and warns when given `--password`.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort } from "../../tools/kafka/broker.ts";
import { cliCommand, makeWorkspace, runCli, TEST_PREFIX } from "../helpers.ts";

const USER = `300:${TEST_PREFIX}/testuser`;

/** Starts the server, checks which password it accepts, stops it; returns its stderr. */
async function serveAndProbe(
  dir: string,
  config: string,
  args: string[],
  options: { env?: Record<string, string>; accepts: string; refuses: string },
): Promise<string> {
  const port = freePort();
  const child = cliCommand(["-c", config, "handle-server", "--port", String(port), ...args], {
    cwd: dir,
    env: options.env,
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("listening on")) {
    const next = await reader.read();
    if (next.done) break;
    seen += next.value;
  }
  try {
    assert.match(seen, /listening on/, "handle-server did not start");
    const put = (password: string): Promise<Response> =>
      fetch(`http://127.0.0.1:${port}/api/handles/${TEST_PREFIX}/x?overwrite=true`, {
        method: "PUT",
        headers: {
          Authorization: `Basic ${btoa(`${encodeURIComponent(USER)}:${password}`)}`,
          "Content-Type": "application/json",
        },
        body: JSON.stringify({
          values: [{ index: 1, type: "URL", data: { format: "string", value: "https://x.org" } }],
        }),
      });
    const good = await put(options.accepts);
    await good.body?.cancel();
    assert.ok(good.ok, `the password is not accepted: HTTP ${good.status}`);
    const bad = await put(options.refuses);
    await bad.body?.cancel();
    assert.equal(bad.status, 401);
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await reader.cancel().catch(() => {});
  }
  return await stderr;
}

Deno.test("handle-server: --password-file, PIDDI_HANDLE_PASSWORD, and a warning for --password", async () => {
  const ws = await makeWorkspace();
  try {
    const file = join(ws.dir, "password");
    await Deno.writeTextFile(file, "from-the-file\n");
    const viaFile = await serveAndProbe(ws.dir, ws.config, ["--password-file", file], {
      env: { PIDDI_HANDLE_PASSWORD: "from-the-env" },
      accepts: "from-the-file",
      refuses: "from-the-env",
    });
    assert.doesNotMatch(viaFile, /warning: --password/);
    assert.ok(!viaFile.includes("from-the-file"));

    const viaEnv = await serveAndProbe(ws.dir, ws.config, [], {
      env: { PIDDI_HANDLE_PASSWORD: "from-the-env" },
      accepts: "from-the-env",
      refuses: "testpass",
    });
    assert.doesNotMatch(viaEnv, /warning: --password/);

    const viaArgument = await serveAndProbe(ws.dir, ws.config, ["--password", "on-the-line"], {
      accepts: "on-the-line",
      refuses: "from-the-env",
    });
    assert.match(viaArgument, /warning: --password is visible to every user/);
    assert.ok(!viaArgument.includes("on-the-line"), "the warning repeats the password");

    const both = await runCli(
      ["-c", ws.config, "handle-server", "--password-file", file, "--password", "x"],
      { cwd: ws.dir },
    );
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--password-file or --password, not both/);
    await Deno.writeTextFile(file, "");
    const empty = await runCli(["-c", ws.config, "handle-server", "--password-file", file], {
      cwd: ws.dir,
    });
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /is empty/);
  } finally {
    await ws.remove();
  }
});
