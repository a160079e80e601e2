/**
 * The CLI's `handle-server`: `--no-sessions` and `--session-ttl` reach the server, and
 * pyhandle-style clients find the user's own handle.
 */

import assert from "node:assert/strict";
import { basicAuth } from "../../src/register/mod.ts";
import { freePort } from "../../tools/kafka/broker.ts";
import { cliCommand, makeWorkspace, TEST_USER } from "../helpers.ts";

/** Starts the CLI's handle-server with `args`; runs `fn` with its URL; stops it. */
async function withCliServer(
  args: string[],
  fn: (url: string, banner: string) => Promise<void>,
): Promise<void> {
  const ws = await makeWorkspace({ sections: { handle: ['password = "cli-secret"'] } });
  const port = freePort();
  const child = cliCommand(["-c", ws.config, "handle-server", "--port", String(port), ...args], {
    cwd: ws.dir,
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let seen = "";
    const deadline = Date.now() + 30_000;
    while (!seen.includes("listening on") && Date.now() < deadline) {
      const next = await reader.read();
      if (next.done) break;
      seen += next.value;
    }
    assert.match(seen, /listening on/, "handle-server did not start");
    await fn(`http://127.0.0.1:${port}`, seen);
  } finally {
    child.kill("SIGTERM");
    assert.equal((await child.status).code, 0);
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      // drain
    }
    await child.stderr.cancel();
    await ws.remove();
  }
}

Deno.test("handle-server --no-sessions offers no sessions; Basic writes work", async () => {
  await withCliServer(["--no-sessions"], async (url, banner) => {
    assert.match(banner, /no sessions/);
    const opened = await fetch(`${url}/api/sessions`, { method: "POST" });
    await opened.body?.cancel();
    assert.equal(opened.status, 404);
    const put = await fetch(`${url}/api/handles/21.TEST/cli?overwrite=true`, {
      method: "PUT",
      headers: {
        Authorization: basicAuth(TEST_USER, "cli-secret"),
        "Content-Type": "application/json",
      },
      body: JSON.stringify({ values: [{ index: 1, type: "URL", data: "u" }] }),
    });
    await put.body?.cancel();
    assert.equal(put.status, 201);
  });
});

Deno.test("handle-server --session-ttl expires idle sessions; the user's handle is served", async () => {
  await withCliServer(["--session-ttl", "0.3"], async (url) => {
    const own = await fetch(`${url}/api/handles/21.TEST/testuser`);
    assert.equal(own.status, 200);
    assert.ok(!(await own.text()).includes("cli-secret"), "HS_SECKEY hidden from the public");
    const opened = await (await fetch(`${url}/api/sessions`, {
      method: "POST",
      headers: { Authorization: basicAuth(TEST_USER, "cli-secret") },
    })).json() as { sessionId: string; authenticated: boolean };
    assert.equal(opened.authenticated, true);
    const session = { Authorization: `Handle sessionId="${opened.sessionId}"` };
    const fresh = await fetch(`${url}/api/sessions/this`, { headers: session });
    assert.equal((await fresh.json()).authenticated, true);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const stale = await fetch(`${url}/api/sessions/this`, { headers: session });
    await stale.body?.cancel();
    assert.equal(stale.status, 403, "an expired session is unknown: 403, as on Handle.Net 9.2.0");
  });
});
