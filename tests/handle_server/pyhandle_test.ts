/**
 * pyhandle (EUDAT's Handle client, used by the Python tool) against handle-server over
 * HTTP, and against a real Handle.Net 9.2.0 server and handle-server `--tls` over HTTPS:
 * every call the Python tool relies on works, errors surface as pyhandle's own exceptions,
 * and pyhandle sees the same from both servers. pyhandle is mandatory: when it cannot be
 * installed, these tests fail.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startHandleServer } from "../../src/handle_server/mod.ts";
import { ensurePyhandle } from "../../tools/pyhandle/venv.ts";
import { startTestHandleServer, TEST_PASSWORD, TEST_PREFIX, TEST_USER } from "../helpers.ts";
import { realHandleTest, startRealHandleServer } from "../support/real_handle.ts";

const SCRIPT = fileURLToPath(new URL("./pyhandle_session.py", import.meta.url));

type Outcome = { ok: true; value: unknown } | { ok: false; error: string; message: string };
type Report = Record<string, Outcome> & { requests: string[] };

async function runPyhandle(
  python: string,
  server: { url: string; user: string; password: string; prefix: string },
): Promise<Report> {
  const home = await Deno.makeTempDir({ prefix: "pyhandle-home-" });
  try {
    const output = await new Deno.Command(python, {
      args: [SCRIPT, server.url, server.user, server.password, server.prefix],
      clearEnv: true,
      env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", HOME: home, NO_PROXY: "*" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, stderr);
    return JSON.parse(new TextDecoder().decode(output.stdout)) as Report;
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

/** What the Python tool relies on, asserted on one report. */
function assertUsable(report: Report, prefix: string): void {
  const value = (name: string): unknown => {
    const outcome = report[name];
    assert.ok(outcome.ok, `${name}: ${JSON.stringify(outcome)}`);
    return outcome.value;
  };
  const failure = (name: string, error: string): string => {
    const outcome = report[name];
    assert.ok(!outcome.ok, `${name} should fail: ${JSON.stringify(outcome)}`);
    assert.equal(outcome.error, error, `${name}: ${outcome.message}`);
    return outcome.message;
  };
  const H = `${prefix}/pyhandle-1`;
  assert.equal(value("register"), H);
  failure("register_again", "HandleAlreadyExistsException");
  assert.equal(value("register_overwrite"), H);
  const record = value("record") as Record<string, string>;
  assert.equal(record.URL, "https://example.org/two");
  assert.equal(record.FILE_SIZE, "2048", "a bare number is stored as its text");
  assert.equal(record.CHECKSUM, undefined, "overwrite replaced the whole record");
  assert.match(record.HS_ADMIN, /'index': 200/);
  const json = value("record_json") as { values: Record<string, unknown>[] };
  const size = json.values.find((v) => v.type === "FILE_SIZE");
  assert.deepEqual(size?.data, { format: "string", value: "2048" });
  assert.equal(size?.ttl, 86400);
  assert.equal(value("get_value"), "https://example.org/two");
  assert.equal(value("modify"), H);
  assert.equal(value("after_modify"), "https://example.org/three");
  assert.equal(value("add"), H);
  assert.equal((value("after_add") as Record<string, string>).EXTRA, "added");
  assert.equal(value("delete_value"), H);
  const afterDeleteValue = value("after_delete_value") as Record<string, string>;
  assert.equal(afterDeleteValue.EXTRA, undefined);
  assert.equal(afterDeleteValue.URL, "https://example.org/three", "the handle stays");
  assert.equal(value("delete"), H);
  assert.equal(value("after_delete"), null);
  failure("not_found_value", "HandleNotFoundException");
  failure("not_found_delete", "HandleNotFoundException");
  assert.match(failure("foreign_prefix", "GenericHandleError"), /"responseCode":301/);
  assert.match(failure("foreign_prefix_overwrite", "GenericHandleError"), /"responseCode":301/);
  assert.deepEqual(Object.keys(value("user_handle") as object), ["HS_ADMIN"]);
  failure("wrong_password", "HandleAuthenticationError");
  assert.ok(report.requests.length > 20);
}

/** A report with the server's base URL and timestamps taken out, to compare two servers. */
function comparable(report: Report, base: string): string {
  return JSON.stringify(report)
    .replaceAll(base, "<server>")
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, "<timestamp>");
}

Deno.test("pyhandle's RESTHandleClient works against handle-server over HTTP", async () => {
  const python = await ensurePyhandle();
  const server = await startTestHandleServer();
  try {
    const report = await runPyhandle(python, {
      url: server.url,
      user: TEST_USER,
      password: TEST_PASSWORD,
      prefix: TEST_PREFIX,
    });
    assertUsable(report, TEST_PREFIX);
    assert.equal(server.size(), 0);
    for (const request of report.requests) {
      assert.ok(request.split(" ")[1].startsWith(`${server.url}/api/handles/`), request);
    }
  } finally {
    await server.close();
  }
});

realHandleTest(
  "pyhandle sees the same from handle-server --tls as from a real Handle.Net server",
  async () => {
    const python = await ensurePyhandle();
    const prefix = "21.T18P";
    await using real = await startRealHandleServer({ prefix });
    const standIn = await startHandleServer({
      prefix,
      username: real.username,
      password: real.password,
      tls: true,
    });
    try {
      const account = { user: real.username, password: real.password, prefix };
      const fromReal = await runPyhandle(python, { ...account, url: real.url });
      const fromStandIn = await runPyhandle(python, { ...account, url: standIn.url });
      assertUsable(fromReal, prefix);
      assertUsable(fromStandIn, prefix);
      assert.equal(comparable(fromStandIn, standIn.url), comparable(fromReal, real.url));
    } finally {
      await standIn.close();
    }
  },
);
