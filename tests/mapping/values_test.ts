import assert from "node:assert/strict";
import {
  compactFields,
  httpUrlPath,
  isHttpUrl,
  isObject,
  landingPage,
  nonEmptyString,
  urlPath,
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

Deno.test("httpUrlPath and urlPath agree with the URL parser, plain URLs or not", () => {
  const cases = [
    "http://a.b/c/d.nc",
    "https://EXAMPLE.org:8080/x%20y/f.nc?q=1#f",
    "HTTP://H.ORG/A.NC",
    "http://999.1.1.1/",
    "http://h.1/a",
    "http://a..b/",
    "http://.a/x",
    "http://x/./a/../b.nc",
    "http://h/x/..",
    "http://h/x/.a",
    "http://h/%2e%2e/x",
    "http://h/a/%2E/b",
    "http://h/a b",
    "http://h/\\x",
    'http://h/{x}/"y"',
    "http://h/%zz/f",
    "http://h/é",
    "http://h/a#é",
    "http://host:99999/",
    "http://h:/x",
    "https://h:1/x",
    "http://xn--zz/",
    "http://a--b.c/x",
    "http://a_b.c/d",
    "http://-a-/b",
    "http://h",
    "http://h?x",
    "http://h#x",
    "ftp://h/x",
  ];
  for (const text of cases) {
    let path: string | undefined;
    let http = false;
    try {
      const url = new URL(text);
      path = url.pathname;
      http = (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
    } catch {
      // not a URL
    }
    assert.equal(urlPath(text), path, text);
    assert.equal(httpUrlPath(text), http ? path : undefined, text);
    assert.equal(isHttpUrl(text), http, text);
  }
});
