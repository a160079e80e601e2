import assert from "node:assert/strict";
import { checkBasicAuth, userHandle, userPrefix } from "../../src/handle_server/auth.ts";

const CREDENTIALS = { username: "300:21.TEST/testuser", password: "pa:ss" };

function basic(text: string): string {
  return `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode(text)))}`;
}

Deno.test("checkBasicAuth accepts encoded and half-encoded user names", () => {
  for (const user of ["300%3A21.TEST%2Ftestuser", "300%3A21.TEST/testuser"]) {
    const result = checkBasicAuth(basic(`${user}:pa:ss`), CREDENTIALS);
    assert.deepEqual(result, { kind: "ok", user: "300:21.TEST/testuser" }, user);
  }
});

Deno.test("checkBasicAuth splits at the first colon: an unencoded user name fails", () => {
  const result = checkBasicAuth(basic("300:21.TEST/testuser:pa:ss"), CREDENTIALS);
  assert.deepEqual(result, { kind: "failed", reason: "unknown user" });
});

Deno.test("checkBasicAuth tells missing from failed credentials", () => {
  assert.equal(checkBasicAuth(null, CREDENTIALS).kind, "missing");
  assert.equal(checkBasicAuth("", CREDENTIALS).kind, "missing");
  const wrong = checkBasicAuth(basic("300%3A21.TEST%2Ftestuser:pa"), CREDENTIALS);
  assert.deepEqual(wrong, { kind: "failed", reason: "wrong password" });
  const unknown = checkBasicAuth(basic("300%3A21.TEST%2Fother:pa:ss"), CREDENTIALS);
  assert.deepEqual(unknown, { kind: "failed", reason: "unknown user" });
  assert.equal(checkBasicAuth("Basic %%%", CREDENTIALS).kind, "failed");
  assert.equal(checkBasicAuth("Digest x", CREDENTIALS).kind, "failed");
  assert.equal(checkBasicAuth(basic("no-colon-at-all"), CREDENTIALS).kind, "failed");
});

Deno.test("userPrefix and userHandle read indexed handles", () => {
  assert.equal(userPrefix("300:21.TEST/testuser"), "21.TEST");
  assert.equal(userHandle("300:0.NA/21.TEST"), "0.NA/21.TEST");
  assert.equal(userPrefix("0.NA/21.TEST"), "0.NA");
});
