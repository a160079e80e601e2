import assert from "node:assert/strict";
import {
  ALLOWED_HASH_CODES,
  bytesToHex,
  decodeMultihash,
  hexToBytes,
  readUnsignedVarint,
} from "../../src/mapping/multihash.ts";

const DIGEST_16 = "0123456789abcdef0123456789abcdef";
const DIGEST_32 = "5e2ccce818126a752feee5b573514870359be4b6835287d5a8c511333731861e";

Deno.test("readUnsignedVarint reads one- and multi-byte varints", () => {
  assert.deepEqual(readUnsignedVarint(new Uint8Array([0x12]), 0), { value: 0x12, length: 1 });
  assert.deepEqual(readUnsignedVarint(new Uint8Array([0xd5, 0x01]), 0), {
    value: 0xd5,
    length: 2,
  });
  assert.deepEqual(readUnsignedVarint(new Uint8Array([0xa0, 0xe4, 0x02]), 0), {
    value: 0xb220,
    length: 3,
  });
  assert.deepEqual(readUnsignedVarint(new Uint8Array([0x00, 0x12]), 1), { value: 0x12, length: 1 });
});

Deno.test("readUnsignedVarint rejects truncated, non-minimal and over-long varints", () => {
  assert.equal(readUnsignedVarint(new Uint8Array([0xd5]), 0), undefined);
  assert.equal(readUnsignedVarint(new Uint8Array([0x80, 0x00]), 0), undefined);
  assert.equal(readUnsignedVarint(new Uint8Array(10).fill(0xff), 0), undefined);
});

Deno.test("hexToBytes and bytesToHex round-trip and reject bad hex", () => {
  assert.equal(bytesToHex(hexToBytes("00FFa1")!), "00ffa1");
  assert.equal(hexToBytes("abc"), undefined);
  assert.equal(hexToBytes("zz"), undefined);
});

Deno.test("decodeMultihash: 1220 + 64 hex digits is sha2-256", () => {
  assert.deepEqual(decodeMultihash(`1220${DIGEST_32}`), {
    ok: true,
    checksum: { method: "sha2-256", value: DIGEST_32 },
  });
});

Deno.test("decodeMultihash: d50110 + 32 hex digits is md5, digest lower-cased", () => {
  assert.deepEqual(decodeMultihash(`D50110${DIGEST_16.toUpperCase()}`), {
    ok: true,
    checksum: { method: "md5", value: DIGEST_16 },
  });
});

Deno.test("decodeMultihash accepts every allowed code with its varint encoding", () => {
  const cases: Array<[string, string, number]> = [
    ["d501", "md5", 16],
    ["11", "sha1", 20],
    ["12", "sha2-256", 32],
    ["13", "sha2-512", 64],
    ["16", "sha3-256", 32],
    ["14", "sha3-512", 64],
    ["a0e402", "blake2b-256", 32],
  ];
  assert.equal(cases.length, ALLOWED_HASH_CODES.size);
  for (const [code, method, length] of cases) {
    const digest = "ab".repeat(length);
    const text = `${code}${length.toString(16).padStart(2, "0")}${digest}`;
    assert.deepEqual(decodeMultihash(text), { ok: true, checksum: { method, value: digest } });
  }
});

Deno.test("decodeMultihash: mis-encoded md5 d510 of the IPSL sample is rejected and explained", () => {
  const result = decodeMultihash("d5100b2f08a46b0e10979560480e85db777e");
  assert.equal(result.ok, false);
  if (!result.ok) {
    assert.match(result.reason, /mis-encoded md5/);
    assert.match(result.reason, /d501/);
  }
});

Deno.test("decodeMultihash rejects a digest whose length differs from the declared one", () => {
  const short = decodeMultihash(`1220${DIGEST_32.slice(2)}`);
  assert.equal(short.ok, false);
  if (!short.ok) assert.match(short.reason, /31 bytes but declares 32/);
  const long = decodeMultihash(`d50110${DIGEST_16}00`);
  assert.equal(long.ok, false);
});

Deno.test("decodeMultihash rejects codes outside the allowed set, empty text and bad hex", () => {
  const blake3 = decodeMultihash(`1e20${DIGEST_32}`);
  assert.equal(blake3.ok, false);
  if (!blake3.ok) assert.match(blake3.reason, /0x1e is not an allowed/);
  assert.equal(decodeMultihash("").ok, false);
  assert.equal(decodeMultihash("12").ok, false);
  assert.equal(decodeMultihash("1200").ok, false);
  assert.equal(decodeMultihash(`xx20${DIGEST_32}`).ok, false);
  assert.equal(decodeMultihash(DIGEST_16).ok, false);
});
