/** Safe record values: URLs, host names, control characters; strict and non-strict mapping. */

import assert from "node:assert/strict";
import { PermanentError } from "../../src/errors/mod.ts";
import { hostProblem, textProblem, urlProblem } from "../../src/mapping/safety.ts";
import { createPlugin } from "../../src/projects/mod.ts";
import type { StacItem } from "../../src/events/item.ts";
import { makeCmip6Item } from "../fixtures/events.ts";

const context = { prefix: "21.TEST", now: new Date("2026-01-01T00:00:00Z") };

Deno.test("urlProblem: absolute http(s), no credentials, spaces or control characters", () => {
  for (const ok of ["https://a.example/x.nc", "http://10.0.0.1:8080/a?b=c", "https://[::1]/f"]) {
    assert.equal(urlProblem(ok), undefined, ok);
  }
  const bad: Array<[string, RegExp]> = [
    ["javascript:alert(1)", /not an http\(s\) URL/],
    ["file:///etc/passwd", /not an http\(s\) URL/],
    ["/relative/x.nc", /not an http\(s\) URL/],
    ["https://user:pw@a.example/x.nc", /holds credentials/],
    ["https://user@a.example/x.nc", /holds credentials/],
    ["https://a.example/x.nc\r\nX: y", /control character U\+000D/],
    ["https://a.example/a b.nc", /holds a space/],
    ["https://a\u0085.example/x", /control character U\+0085/],
    ["https://a_b.example/x", /host that is not a DNS name/],
    ["https://a.example/\ud800", /lone surrogate/],
    ["https://a.example\\@evil.example/x", /holds a backslash/],
    ["https://a.example/x\\y.nc", /holds a backslash/],
  ];
  for (const [url, pattern] of bad) assert.match(urlProblem(url) ?? "", pattern, url);
});

Deno.test("hostProblem and textProblem", () => {
  assert.equal(hostProblem("esgf-node.example.org"), undefined);
  assert.equal(hostProblem("192.168.1.2"), undefined);
  for (const host of ["javascript:alert(1)", "a b", "-a.example", "a..b", "x".repeat(64), "ä.de"]) {
    assert.ok(hostProblem(host), host);
  }
  assert.equal(textProblem("plain"), undefined);
  assert.equal(textProblem("a\tb"), "holds control character U+0009 at 1");
});

function withAlternates(alternate: Record<string, unknown>): StacItem {
  const item = makeCmip6Item({ files: 2 }) as Record<string, Record<string, unknown>>;
  const asset = item.assets.data0000 as Record<string, unknown>;
  asset.alternate = alternate;
  return item as StacItem;
}

Deno.test("unsafe alternates fail the event in strict mode and are left out otherwise", () => {
  const strict = createPlugin("cmip6", { strictMode: true });
  const lax = createPlugin("cmip6", { strictMode: false });
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ "r.example": { href: "javascript:alert(1)" } }, /href "javascript:alert\(1\)" is not an/],
    [{ "r.example": { href: "file:///etc/passwd" } }, /href "file:\/\/\/etc\/passwd" is not/],
    [{ "javascript:x": { href: "https://r.example/f.nc" } }, /name is not a DNS host name/],
    [{ "r.example": { href: "https://u:p@r.example/f.nc" } }, /holds credentials/],
  ];
  for (const [alternate, pattern] of cases) {
    const item = withAlternates({
      "good.example": { href: "https://good.example/f.nc" },
      ...alternate,
    });
    assert.throws(
      () => strict.map(item, context),
      (e: Error) =>
        e instanceof PermanentError && /^asset data0000: alternate /.test(e.message) &&
        pattern.test(e.message),
      String(pattern),
    );
    const mapped = lax.map(item, context);
    const file = mapped.files[0];
    assert.deepEqual(file.data.REPLICA_DOWNLOAD_URLS, ["https://good.example/f.nc"]);
    const nodes = mapped.dataset.data.REPLICA_NODES as Array<{ host: string }>;
    assert.deepEqual(nodes.map((n) => n.host), ["good.example"]);
    assert.ok(
      mapped.warnings.some((w) => pattern.test(w) && w.endsWith("left out")),
      String(pattern),
    );
  }
});

Deno.test("control characters never reach a record: item id, file name, hosting node", () => {
  const plugin = createPlugin("cmip6", { strictMode: false });
  const item = makeCmip6Item({ files: 2 }) as Record<string, unknown>;
  assert.throws(
    () => plugin.map({ ...item, id: "CMIP6.a\r\nb.v1" } as StacItem, context),
    /item id "CMIP6.a\\r\\nb.v1" holds control character U\+000D at 7/,
  );
  const assets = structuredClone(item.assets) as Record<string, Record<string, unknown>>;
  assets.data0000.href = "https://n.example/dir/a%0Ab.nc";
  assets.reference_file["alternate:name"] = "evil\u0000.example";
  const mapped = plugin.map({ ...item, assets } as StacItem, context);
  assert.equal(mapped.files.length, 1, "the file with a control character in its name is left out");
  assert.ok(
    mapped.warnings.some((w) => /asset data0000 skipped: .*file name holds control/.test(w)),
  );
  assert.equal(
    (mapped.dataset.data.HOSTING_NODE as { host: string }).host,
    "esgf-node.example.org",
  );
  assert.throws(
    () => createPlugin("cmip6", { strictMode: true }).map({ ...item, assets } as StacItem, context),
    /file name holds control character U\+000A/,
  );
});
