import assert from "node:assert/strict";
import {
  compactFields,
  isHttpUrl,
  isObject,
  landingPage,
  nonEmptyString,
} from "../../src/mapping/values.ts";

Deno.test("compactFields keeps order and leaves out null, empty string, [] and {}", () => {
  const data = compactFields([
    ["A", 1],
    ["B", null],
    ["C", ""],
    ["D", []],
    ["E", {}],
    ["F", undefined],
    ["G", "x"],
    ["H", 0],
  ]);
  assert.deepEqual(Object.keys(data), ["A", "G", "H"]);
});

Deno.test("isHttpUrl accepts http(s) only", () => {
  assert.ok(isHttpUrl("http://a.example/x"));
  assert.ok(isHttpUrl("HTTPS://a.example/x"));
  assert.ok(!isHttpUrl("ftp://a.example/x"));
  assert.ok(!isHttpUrl("gsiftp://a.example/x"));
  assert.ok(!isHttpUrl("a.example/x"));
  assert.ok(!isHttpUrl("https://"));
});

Deno.test("landingPage drops trailing slashes of the base", () => {
  assert.equal(landingPage("https://lp.example/lp/", "21.T/x"), "https://lp.example/lp/21.T/x");
  assert.equal(landingPage("https://lp.example/lp", "21.T/x"), "https://lp.example/lp/21.T/x");
});

Deno.test("isObject and nonEmptyString", () => {
  assert.ok(isObject({}));
  assert.ok(!isObject([]));
  assert.ok(!isObject(null));
  assert.equal(nonEmptyString("  a "), "a");
  assert.equal(nonEmptyString("  "), undefined);
  assert.equal(nonEmptyString(3), undefined);
});
