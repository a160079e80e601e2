/**
 * Generator of hostile events: every class of bad input a broken publisher or an
 * attacker can send (not JSON, not an object, wrong types in every field, huge
 * strings and events, deep nesting, invalid UTF-8, BOM, control characters, unsafe
 * URLs and hosts, bad sizes and checksums, prototype paths, amplifying and oversized
 * patches, spoofed bookkeeping fields). Each case must end in a one-line failure
 * record in strict mode; none may register anything.
 *
 * @module
 */

import { makeCmip6Event, makeCmip6Item, makePatchEvent, testItemId } from "../fixtures/events.ts";

type Json = Record<string, unknown>;

/** The `max_event_bytes` the hostile runs configure (the broker takes up to 1 MB per message). */
export const HOSTILE_MAX_EVENT_BYTES = 256 * 1024;

/** One hostile event. */
export interface HostileCase {
  /** Class and instance, e.g. `control/item-id-crlf`. */
  name: string;
  /** The event: text, or bytes that need not be UTF-8. Never holds a raw line break. */
  value: string | Uint8Array;
  /** The Kafka key, when the case is about the key (Kafka only). */
  key?: Uint8Array;
  /** What the failure reason must say, when the case is about one thing. */
  reason?: RegExp;
}

/** The items the STAC API must hold for the PATCH cases. */
export function patchTargets(): Json[] {
  return Array.from({ length: 3 }, (_, i) => makeCmip6Item({ files: 2, itemId: patchTarget(i) }));
}

/** The item id of the `i`-th PATCH target. */
export function patchTarget(i: number): string {
  return testItemId("patch", i + 1);
}

/** The valid event that follows the `i`-th hostile case. */
export function validEvent(i: number): Json {
  return makeCmip6Event({ files: 1, itemId: testItemId("valid", i + 1) });
}

const encoder = new TextEncoder();
let counter = 0;

/** A fresh valid event whose item is not one of the valid ones, to be spoiled. */
function base(): Json {
  counter++;
  return makeCmip6Event({ files: 2, itemId: testItemId("bad", counter) });
}

function itemOf(event: Json): Json {
  return ((event.data as Json).payload as Json).item as Json;
}

function assetOf(event: Json, key = "data0000"): Json {
  return (itemOf(event).assets as Json)[key] as Json;
}

/** A valid event with one change made by `spoil`. */
function spoiled(spoil: (event: Json) => void): string {
  const event = base();
  spoil(event);
  return JSON.stringify(event);
}

/** Sets `path` (dot-separated, from the envelope) to `value`. */
function setPath(event: Json, path: string, value: unknown): void {
  const keys = path.split(".");
  let at = event;
  for (const key of keys.slice(0, -1)) at = at[key] as Json;
  at[keys[keys.length - 1]] = value;
}

function bytesWith(text: string, marker: string, bad: number[]): Uint8Array {
  const [before, after] = text.split(marker);
  return new Uint8Array([...encoder.encode(before), ...bad, ...encoder.encode(after)]);
}

/** Every hostile case (at least 150), deterministic. */
export function hostileCases(): HostileCase[] {
  counter = 0;
  const cases: HostileCase[] = [];
  const add = (name: string, value: string | Uint8Array, reason?: RegExp): void => {
    cases.push({ name, value, reason });
  };

  // not JSON
  for (
    const [i, text] of [
      "{",
      "nul",
      "{'a': 1}",
      "[1, 2",
      "NaN",
      "undefined",
      '{"a": 1,}',
      "\u0001",
      "<event/>",
      '{"data": {"payload": }}',
      JSON.stringify(base()).slice(0, 500),
    ].entries()
  ) add(`not-json/${i}`, text, /^value is not JSON/);
  add("not-json/raw-control", `{"data"\u0000:{}}`, /^value is not JSON/);

  // not an object
  for (const text of ["1", '"text"', "null", "true", "[]", "[{}]", "-0.5e3"]) {
    add(`not-object/${text}`, text, /^value is not a JSON object/);
  }

  // wrong types in every field
  const wrong: unknown[] = [1, true, [], "text", { a: 1 }];
  const fields: Array<[string, unknown[]]> = [
    ["data", [1, "x", [], null]],
    ["data.payload", [1, "x", [], null]],
    ["data.type", [1, "XML", {}]],
    ["data.payload.method", [1, "DELETE", []]],
    ["data.payload.collection_id", [1, ["CMIP6", "CMIP6Plus"], {}]],
    ["data.payload.item", [1, "x", [], null]],
    ["data.payload.item.id", [1, true, [], {}, null, "", "no-version"]],
    ["data.payload.item.properties", [1, "x", []]],
    ["data.payload.item.assets", [1, "x", []]],
    ["metadata.time", [1, {}, []]],
  ];
  for (const [path, values] of fields) {
    for (const value of values) {
      add(`type/${path}=${JSON.stringify(value)}`, spoiled((e) => setPath(e, path, value)));
    }
  }
  const wrongSize = [true, [], "text", { a: 1 }, -3];
  for (const field of ["href", "file:size", "file:checksum"]) {
    for (const value of field === "file:size" ? wrongSize : wrong) {
      add(
        `type/asset.${field}=${JSON.stringify(value)}`,
        spoiled((e) => (assetOf(e)[field] = value)),
      );
    }
  }
  for (const value of [1, {}, "not-a-uuid"]) {
    add(
      `type/cmip6:pid=${JSON.stringify(value)}`,
      spoiled((e) => ((itemOf(e).properties as Json)["cmip6:pid"] = value)),
    );
    add(
      `type/cmip6:tracking_id=${JSON.stringify(value)}`,
      spoiled((e) => (assetOf(e)["cmip6:tracking_id"] = value)),
    );
  }
  add("type/assets-empty", spoiled((e) => (itemOf(e).assets = {})), /no valid data file assets/);
  add("type/asset-not-object", spoiled((e) => ((itemOf(e).assets as Json).data0000 = 5)));

  // huge strings and events
  add(
    "huge/checksum-200k",
    spoiled((e) => (assetOf(e)["file:checksum"] = "ab".repeat(100_000) + "x")),
  );
  add("huge/size-digits", spoiled((e) => (assetOf(e)["file:size"] = "9".repeat(50_000))));
  add(
    "huge/event-over-limit",
    spoiled((e) => ((itemOf(e).properties as Json).padding = "p".repeat(HOSTILE_MAX_EVENT_BYTES))),
    /over consumer\.max_event_bytes/,
  );
  add("huge/not-json-200k", "x".repeat(200_000), /^value is not JSON/);
  add("huge/item-id-no-dot", spoiled((e) => (itemOf(e).id = "i".repeat(100_000))));
  add(
    "huge/many-bad-assets",
    spoiled((e) => {
      const assets = itemOf(e).assets as Json;
      for (let i = 0; i < 2000; i++) assets[`data${9000 + i}`] = { href: "ftp://x/y" };
    }),
  );

  // deep nesting, in valid and invalid events
  for (const depth of [101, 1000, 10_000, 100_000]) {
    add(
      `deep/valid-event-${depth}`,
      spoiled((e) => ((itemOf(e).properties as Json).extra = "@@")).replace(
        '"@@"',
        "[".repeat(depth) + "]".repeat(depth),
      ),
      /nests deeper than 100 levels/,
    );
    add(
      `deep/invalid-event-${depth}`,
      `{"data":${'{"a":'.repeat(depth)}1${"}".repeat(depth)}}`,
      /nests deeper than 100 levels|over consumer\.max_event_bytes/,
    );
  }
  add("deep/unbalanced", "[".repeat(50_000), /nests deeper than 100 levels/);
  add("deep/in-asset", spoiled((e) => (assetOf(e).alternate = nest(150))), /nests deeper/);

  // invalid UTF-8 (bytes)
  const marked = (spoil: (e: Json) => void): string => spoiled(spoil);
  const invalid: Array<[string, number[]]> = [
    ["ff", [0xff]],
    ["lone-continuation", [0x80]],
    ["overlong-slash", [0xc0, 0xaf]],
    ["surrogate", [0xed, 0xa0, 0x80]],
    ["above-max", [0xf4, 0x90, 0x80, 0x80]],
    ["cut-short", [0xe2, 0x82]],
  ];
  for (const [name, bad] of invalid) {
    const inId = marked((e) => (itemOf(e).id = `CMIP6.x${"@@"}.v1`));
    add(`utf8/item-id-${name}`, bytesWith(inId, "@@", bad), /not UTF-8 at byte \d+/);
    const inHref = marked((e) => (assetOf(e).href = "https://n.example/@@.nc"));
    add(`utf8/href-${name}`, bytesWith(inHref, "@@", bad), /not UTF-8 at byte \d+/);
  }
  add("utf8/first-byte", new Uint8Array([0xfe, ...encoder.encode("{}")]), /not UTF-8 at byte 0/);
  add("utf8/latin1-event", new Uint8Array([...encoder.encode('{"a":"'), 0xe9, 0x22, 0x7d]));

  // BOM
  add("bom/before-event", "\ufeff" + JSON.stringify(base()), /^value is not JSON/);
  add("bom/twice", "\ufeff\ufeff{}", /^value is not JSON/);

  // control characters
  const controls = ["\r\n", "\n", "\u0000", "\u001b[31m", "\u007f", "\u0085", "\t"];
  for (const c of controls) {
    const code = c.charCodeAt(0).toString(16);
    add(`control/item-id-${code}`, spoiled((e) => (itemOf(e).id = `CMIP6.a${c}b.v1`)), /control/);
    add(`control/href-${code}`, spoiled((e) => (assetOf(e).href = `https://n.example/a${c}.nc`)));
    add(
      `control/alternate-name-${code}`,
      spoiled((e) => (assetOf(e, "reference_file")["alternate:name"] = `node${c}.example`)),
    );
    add(
      `control/replica-host-${code}`,
      spoiled((
        e,
      ) => (assetOf(e).alternate = { [`r${c}.example`]: { href: "https://r.example/f.nc" } })),
    );
  }
  add("control/file-name-%0A", spoiled((e) => (assetOf(e).href = "https://n.example/a%0Ab.nc")));
  add("control/lone-surrogate-id", spoiled((e) => (itemOf(e).id = "CMIP6.a\ud800.v1")));
  add(
    "control/lone-surrogate-href",
    spoiled((e) => (assetOf(e).href = "https://n.example/\udc00.nc")),
  );

  // unsafe URLs and hosts
  const urls = [
    "javascript:alert(1)",
    "file:///etc/passwd",
    "ftp://n.example/a.nc",
    "data:text/plain,x",
    "/relative/a.nc",
    "//n.example/a.nc",
    "https://user:secret@n.example/a.nc",
    "https://user@n.example/a.nc",
    "https://n.example/a b.nc",
    "https://n_x.example/a.nc",
    "https://",
    "http:/n.example/a.nc",
    "https://n.example\\@evil.example/a.nc",
  ];
  for (const url of urls) {
    add(`url/href=${url}`, spoiled((e) => (assetOf(e).href = url)));
    add(
      `url/alternate-href=${url}`,
      spoiled((e) => (assetOf(e).alternate = { "r.example": { href: url } })),
    );
  }
  const hosts = [
    "javascript:alert(1)",
    "a b.example",
    "host/path",
    "-bad-.example",
    "x".repeat(300),
    "ä.example",
    "a..b",
  ];
  for (const host of hosts) {
    add(
      `host/alternate-key=${host.slice(0, 20)}`,
      spoiled((e) => (assetOf(e).alternate = { [host]: { href: "https://r.example/f.nc" } })),
    );
    add(
      `host/alternate:name=${host.slice(0, 20)}`,
      spoiled((e) => (assetOf(e, "reference_file")["alternate:name"] = host)),
    );
  }

  // bad sizes and checksums
  for (const size of [0, -1, 1.5, "12a", 2 ** 60, "1e3", 1e400, " ", "0x10"]) {
    add(`size/${String(size)}`, spoiled((e) => (assetOf(e)["file:size"] = size)), /file:size/);
  }
  for (
    const checksum of [
      "zz",
      "1220abcd",
      "ffff" + "ab".repeat(32),
      "12",
      "1220" + "g".repeat(64),
      "d50110" + "ab".repeat(15),
      " ",
    ]
  ) {
    add(
      `checksum/${checksum.slice(0, 16)}`,
      spoiled((e) => (assetOf(e)["file:checksum"] = checksum)),
      /file:checksum/,
    );
  }

  // prototype paths and bad, amplifying and oversized patches
  const patch = (name: string, operations: unknown[], reason?: RegExp, target = 0): void => {
    add(`patch/${name}`, JSON.stringify(makePatchEvent(patchTarget(target), operations)), reason);
  };
  for (const segment of ["__proto__", "constructor", "prototype"]) {
    patch(`${segment}-path`, [{ op: "add", path: `/${segment}/polluted`, value: 1 }], /refused/);
    patch(
      `${segment}-deep-path`,
      [{ op: "add", path: `/properties/${segment}/x`, value: 1 }],
      /refused/,
    );
    patch(
      `${segment}-from`,
      [{ op: "copy", from: `/${segment}`, path: "/properties/x" }],
      /refused/,
    );
  }
  const doubling: unknown[] = [{ op: "add", path: "/properties/blob", value: "b".repeat(1000) }];
  for (let i = 0; i < 40; i++) {
    doubling.push({ op: "copy", from: "/properties", path: `/properties/c${i}` });
  }
  patch("amplifying-copies", doubling, /makes the item larger than/);
  patch(
    "amplifying-assets",
    Array.from({ length: 30 }, (_, i) => ({ op: "copy", from: "/assets", path: `/assets/a${i}` })),
    /makes the item larger than/,
  );
  patch(
    "too-many-operations",
    Array.from({ length: 1001 }, () => ({ op: "test", path: "/type", value: "Feature" })),
    /1001 operations, over the limit/,
  );
  patch("no-operations", [], /no operations/);
  patch("op-not-object", [7], /operation 0 has op/);
  patch("unknown-op", [{ op: "jump", path: "/id" }], /operation 0 has op "jump"/);
  patch("path-not-pointer", [{ op: "add", path: "properties", value: 1 }], /not a JSON Pointer/);
  patch("missing-path", [{ op: "remove", path: "/nope/deeper" }], /path does not exist/);
  patch("test-fails", [{ op: "test", path: "/id", value: "other" }], /test failed/);
  patch("empties-assets", [{ op: "replace", path: "/assets", value: {} }], /no valid data file/);
  patch(
    "control-in-id",
    [{ op: "replace", path: "/id", value: "CMIP6.a\r\nb.v1" }],
    /control character/,
    1,
  );
  patch(
    "unsafe-href",
    [{ op: "replace", path: "/assets/data0000/href", value: "javascript:alert(1)" }],
    /not an http\(s\) URL/,
    2,
  );
  patch("deep-value", [{ op: "add", path: "/properties/x", value: nest(99) }], /deeper than/);
  // one producer branch sent dotted paths
  patch(
    "dotted-path",
    [{ op: "replace", path: "properties.retracted", value: true }],
    /path "properties\.retracted", which is not a JSON Pointer/,
  );
  const arrays: unknown[] = [{ op: "add", path: "/properties/z", value: [[]] }];
  for (let i = 0; i < 30; i++) {
    arrays.push({ op: "copy", from: "/properties/z", path: "/properties/z/-" });
  }
  patch("doubling-arrays", arrays, /makes the item larger than/);
  const merge = (name: string, patchText: string, reason: RegExp): void => {
    const event = makePatchEvent(patchTarget(0), []) as { data: { payload: Json } };
    event.data.payload.patch = JSON.parse(patchText);
    add(`patch/merge-${name}`, JSON.stringify(event), reason);
  };
  merge("proto", '{"properties": {"__proto__": {"polluted": true}}}', /"__proto__" is refused/);
  merge("constructor", '{"assets": {"x": {"constructor": {"a": 1}}}}', /"constructor" is refused/);
  merge("empties-id", '{"id": null}', /item id must be a string/);
  add(
    "asset-key-lone-surrogate",
    spoiled((e) => {
      const assets = itemOf(e).assets as Json;
      assets["data\udc00"] = assets.data0001;
      delete assets.data0001;
    }),
    /asset key "data\\udc00" holds a lone surrogate/,
  );
  for (const [name, id] of [["surrogate", "CMIP6.a\ud800.v1"], ["crlf", "CMIP6.a\r\n.v1"]]) {
    add(
      `patch/item-id-${name}`,
      JSON.stringify(makePatchEvent(id, [{ op: "test", path: "/id", value: "x" }])),
      /data\.payload\.item_id .* holds/,
    );
  }
  add(
    "patch/no-item-id",
    JSON.stringify(makePatchEvent("", [{ op: "test", path: "/id", value: "x" }])),
    /PATCH without data.payload.item_id/,
  );

  // spoofed bookkeeping fields on events that are bad
  const spoofs: Array<[string, Json]> = [
    ["__infos__", { __infos__: { retries: 99, reason: "spoofed", key: "k" } }],
    ["__raw__", { __raw__: JSON.stringify(validEvent(10_000)) }],
    ["both", { __raw__: "{}", __infos__: "x" }],
    ["__proto__", JSON.parse('{"__proto__": {"polluted": true}}')],
  ];
  for (const [name, fields] of spoofs) {
    const event = { ...base(), ...fields };
    delete (event.data as Json).payload;
    add(`spoof/${name}`, JSON.stringify(event), /missing data.payload/);
  }
  add(
    "spoof/asset-__proto__",
    spoiled((e) => {
      Object.defineProperty(itemOf(e).assets as Json, "__proto__", {
        value: { href: "javascript:alert(1)" },
        enumerable: true,
      });
    }),
    /asset __proto__/,
  );
  return cases;
}

function nest(depth: number): unknown {
  let value: unknown = {};
  for (let i = 0; i < depth; i++) value = { n: value };
  return value;
}
