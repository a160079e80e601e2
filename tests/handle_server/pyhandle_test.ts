/**
 * pyhandle (EUDAT's Handle client, used by the Python tool) against handle-server over
 * HTTP: every call the Python tool relies on works, and errors surface as pyhandle's own
 * exceptions. pyhandle is mandatory: when it cannot be installed, this test fails.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { ensurePyhandle } from "../../tools/pyhandle/venv.ts";
import { startTestHandleServer, TEST_PASSWORD, TEST_USER } from "../helpers.ts";

const SCRIPT = fileURLToPath(new URL("./pyhandle_session.py", import.meta.url));

type Outcome = { ok: true; value: unknown } | { ok: false; error: string; message: string };

Deno.test("pyhandle's RESTHandleClient works against handle-server", async () => {
  const python = await ensurePyhandle();
  const server = await startTestHandleServer();
  const home = await Deno.makeTempDir({ prefix: "pyhandle-home-" });
  try {
    const output = await new Deno.Command(python, {
      args: [SCRIPT, server.url, TEST_USER, TEST_PASSWORD],
      clearEnv: true,
      env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", HOME: home, NO_PROXY: "*" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, stderr);
    const report = JSON.parse(new TextDecoder().decode(output.stdout)) as
      & Record<string, Outcome>
      & { requests: string[] };
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
    const H = "21.TEST/pyhandle-1";

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
    assert.equal(server.size(), 0);

    assert.ok(report.requests.length > 20);
    for (const request of report.requests) {
      assert.ok(request.split(" ")[1].startsWith(`${server.url}/api/handles/`), request);
    }
  } finally {
    await server.close();
    await Deno.remove(home, { recursive: true });
  }
});
