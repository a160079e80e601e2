/**
 * The shortcuts of the mapping's checks against the slow ways they stand for (oracle tests):
 * the plain-URL shortcut of `urlProblem` against the URL parser's way, the cut file name
 * against the parsed one, the memory of passed checks against checking afresh, the quick
 * clean-record test against the full walk over every field, and the table lookups for hex
 * digits against the patterns they replace.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { fileNameOf, parsedFileNameOf } from "../../src/mapping/file_name.ts";
import { hexToBytes } from "../../src/mapping/multihash.ts";
import { isUuid } from "../../src/mapping/pid.ts";
import {
  hostProblem,
  parsedUrlProblem,
  PassedChecks,
  recordProblems,
  recordProblemsInFull,
  urlProblem,
} from "../../src/mapping/safety.ts";
import type { HandleRecord } from "../../src/records/mod.ts";

const RUNS = { numRuns: 2000 };

const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** A DNS-like label: mostly plain, sometimes with hyphens, `xn--`, digits first, or too long. */
const label = fc.oneof(
  fc.string({ unit: fc.constantFrom(...letters), minLength: 1, maxLength: 12 }),
  fc.string({ unit: fc.constantFrom(...letters, "-"), minLength: 1, maxLength: 12 }),
  fc.string({ unit: fc.constantFrom(..."abcz0189-"), minLength: 1, maxLength: 8 })
    .map((rest) => `xn--${rest}`),
  fc.constantFrom("xn--", "XN--abc", "xn--nxasmq6b", "xn--zz-zzz", "ab--cd", "0x1f", "1"),
  fc.integer({ min: 60, max: 70 }).map((length) => "a".repeat(length)),
  fc.integer({ min: 0, max: 300 }).map(String),
);

/** A host: labels joined by dots, sometimes long, an IPv4 or IPv6 address, or odd characters. */
const host = fc.oneof(
  { weight: 6, arbitrary: fc.array(label, { minLength: 1, maxLength: 5 }).map((l) => l.join(".")) },
  fc.array(fc.constantFrom("a".repeat(63), "b".repeat(50), "c"), { minLength: 3, maxLength: 6 })
    .map((l) => l.join(".")),
  fc.ipV4(),
  fc.ipV6().map((ip) => `[${ip}]`),
  fc.domain(),
  fc.constantFrom("", "a..b", "a.", ".a", "a_b.org", "ä.de", "a b", "a@b", "u:p@h.org", "[::1"),
);

/** Characters of paths, queries and fragments, with the ones parsers treat specially. */
const pathChar = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...letters, "/", ".", "_", "-", "~") },
  fc.constantFrom(..."%!$&'()*+,;=:@?#^`{}|\"<>[]\\ "),
  fc.constantFrom("%2e", "%2E", "%20", "%zz", "%", "..", "/.", "/..", "\t", "\n", "\u0000"),
  fc.constantFrom("\u0085", "\u00e4", "\u{1f600}", "\ud800", "\u3000", "\u00a0"),
);

/** Every visible ASCII character, for last path segments that are almost plain. */
const visible = Array.from({ length: 0x7e - 0x20 }, (_, i) => String.fromCharCode(0x21 + i));

/** URLs made of those parts, mostly well-formed, plus the generator's own web URLs. */
const url = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.tuple(
      fc.constantFrom("https://a.example/d/", "http://b.example:80/", "https://c.example/d/e/"),
      fc.string({
        unit: fc.constantFrom(...visible, "\u00e4", "\u00f1", "\u{1f600}", "\u20ac", "\ufffd"),
        minLength: 1,
        maxLength: 4,
      }),
      fc.constantFrom("", "?q=1", "#f", "/"),
    ).map(([head, segment, tail]) => `${head}${segment}${tail}`),
  },
  {
    weight: 8,
    arbitrary: fc.tuple(
      fc.constantFrom("https://", "http://", "HTTPS://", "http:///", "ftp://", "https:", ""),
      host,
      fc.oneof(fc.constant(""), fc.integer({ min: 0, max: 99999 }).map((p) => `:${p}`)),
      fc.string({ unit: pathChar, maxLength: 30 }),
    ).map(([scheme, h, port, path]) => `${scheme}${h}${port}${path}`),
  },
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.string({ unit: "binary", maxLength: 40 }),
);

Deno.test("urlProblem: its plain-URL shortcut passes only what the URL parser's way passes", () => {
  fc.assert(
    fc.property(url, (text) => {
      assert.equal(urlProblem(text), parsedUrlProblem(text), text);
    }),
    RUNS,
  );
});

Deno.test("fileNameOf: the name cut from a checked URL is the one the URL parser finds", () => {
  fc.assert(
    fc.property(url, fc.boolean(), (text, warm) => {
      const checks = new PassedChecks();
      if (warm) checks.url(text);
      assert.equal(fileNameOf(text, checks), parsedFileNameOf(text), text);
    }),
    RUNS,
  );
  // the shortcut's own edge cases, each against the parser
  for (
    const text of [
      "https://a.example/d/f.nc",
      "https://a.example/d/f.nc?x=1#y",
      "https://a.example/d/f.nc#a/b",
      "https://a.example?x/y.nc",
      "https://a.example#x/y.nc",
      "https://a.example",
      "https://a.example/",
      "https://a.example/d/..",
      "https://a.example/d/.",
      "https://a.example/d/%2e%2E",
      "https://a.example/d/e/../f.nc",
      "https://a.example/d/my%20file.nc",
      "https://a.example/d/f{1}.nc",
      "https://a.example:8080/f.nc",
    ]
  ) {
    assert.equal(fileNameOf(text), parsedFileNameOf(text), text);
  }
});

Deno.test("PassedChecks: remembered checks give what checking afresh gives, in any order", () => {
  const hostText = fc.oneof(host, fc.string({ unit: "binary", maxLength: 12 }));
  const call = fc.oneof(
    url.map((text) => ["url", text] as const),
    hostText.map((text) => ["host", text] as const),
  );
  fc.assert(
    fc.property(fc.array(call, { maxLength: 20 }), (calls) => {
      const checks = new PassedChecks();
      // each call twice, in a shuffled order, so that some hit the memory
      for (const [kind, text] of [...calls, ...calls.toReversed()]) {
        if (kind === "url") assert.equal(checks.url(text), urlProblem(text), text);
        else assert.equal(checks.host(text), hostProblem(text), text);
      }
    }),
    { numRuns: 300 },
  );
});

Deno.test("PassedChecks: a URL with the head of one that passed gets what checking afresh gives", () => {
  // heads: a plain URL cut after some `/` (or not), with ports, queries, fragments, long hosts
  const head = fc.tuple(
    fc.constantFrom("https://", "http://"),
    host,
    fc.constantFrom("", ":80", ":8443", ":123456"),
    fc.string({ unit: pathChar, maxLength: 12 }),
  ).map(([scheme, h, port, path]) => `${scheme}${h}${port}${path}`);
  const rest = fc.oneof(
    fc.string({ unit: pathChar, maxLength: 12 }),
    fc.string({ unit: fc.constantFrom(...visible, "\u00e4", " ", "\\"), maxLength: 8 }),
    fc.integer({ min: 2000, max: 2100 }).map((length) => "a".repeat(length)),
  );
  fc.assert(
    fc.property(head, fc.array(rest, { minLength: 1, maxLength: 6 }), (start, rests) => {
      const checks = new PassedChecks();
      for (const text of [start, ...rests.map((r) => start + r), ...rests.map((r) => r + start)]) {
        assert.equal(checks.url(text), urlProblem(text), text);
      }
    }),
    { numRuns: 2000 },
  );
});

Deno.test("recordProblems: the quick clean-record test never hides what the full walk finds", () => {
  const text = fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: "grapheme-ascii", maxLength: 12 }) },
    fc.string({ unit: "binary", maxLength: 12 }),
    fc.constantFrom("a\u0000b", "\u0085", "\ud800x", "x\tz", "\udc00", "\u{1f600}", "\u007f"),
    url,
  );
  const scalar = fc.oneof(text, fc.integer(), fc.constant(null), fc.boolean());
  const value = fc.oneof(
    { weight: 3, arbitrary: scalar },
    fc.array(scalar, { maxLength: 3 }),
    fc.dictionary(text, scalar, { maxKeys: 3 }),
    fc.array(fc.record({ host: fc.oneof(host, scalar), published_on: scalar }), { maxLength: 2 }),
    fc.record({ host: fc.oneof(host, scalar), published_on: scalar }),
    fc.array(url, { maxLength: 3 }),
  );
  const field = fc.constantFrom(
    "URL",
    "DOWNLOAD_URL",
    "REPLICA_DOWNLOAD_URLS",
    "HOSTING_NODE",
    "REPLICA_NODES",
    "FILE_NAME",
    "HAS_PARTS",
    "CHECKSUM",
  );
  const record = fc.record({
    handle: fc.constant("21.TEST/x"),
    URL: fc.oneof(url, scalar),
    data: fc.dictionary(field, value, { maxKeys: 5 }),
  });
  fc.assert(
    fc.property(record, (generated) => {
      const r = generated as unknown as HandleRecord;
      assert.deepEqual(recordProblems(r), recordProblemsInFull(r));
    }),
    RUNS,
  );
});

Deno.test("isUuid and the hex check of multihashes: table lookups agree with the patterns", () => {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const EVEN_HEX = /^(?:[0-9a-fA-F]{2})*$/;
  const hexish = fc.string({
    unit: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(..."0123456789abcdefABCDEF-") },
      fc.constantFrom("g", "G", "/", ":", "@", "`", "\u0000", "\u0130", "\u0660", "\uff10", " "),
    ),
    maxLength: 40,
  });
  const text = fc.oneof(fc.uuid(), hexish, fc.string());
  fc.assert(
    fc.property(text, fc.boolean(), (value, upper) => {
      const candidate = upper ? value.toUpperCase() : value;
      assert.equal(isUuid(candidate), UUID.test(candidate), candidate);
      assert.equal(hexToBytes(candidate) !== undefined, EVEN_HEX.test(candidate), candidate);
    }),
    RUNS,
  );
});
