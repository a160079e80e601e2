/**
 * The Handle.Net codec (`net.handle.hdllib.GsonUtility` of `net.handle:handle-client`, the
 * codec the real Handle server reads values with) as the oracle of handle-server: a corpus
 * of values and records goes through both; they must accept and refuse the same, and answer
 * the same normal form. Everything our REST client sends goes through the codec too. The
 * codec is mandatory: when Maven or Java cannot provide it, these tests fail.
 */

import assert from "node:assert/strict";
import { decodeEvent } from "../../src/decode/mod.ts";
import { createPlugin, findProject } from "../../src/projects/mod.ts";
import type { HandleRecord } from "../../src/records/mod.ts";
import { basicAuth, HandleRestClient } from "../../src/register/mod.ts";
import { createHandleHandler, HandleStore } from "../../src/handle_server/mod.ts";
import { storeKey } from "../../src/handle_server/context.ts";
import { type CodecResult, runHandleCodec } from "../../tools/handle_codec/codec.ts";
import { startTestHandleServer, TEST_PASSWORD, TEST_PREFIX, TEST_USER } from "../helpers.ts";

const ADMIN = '{"handle":"0.NA/21.TEST","index":200,"permissions":"011111110011"}';
const v = (rest: string): string => `{"index":1,"type":"URL",${rest}}`;

/** Single values: the codec reads each alone, the server inside `{"values":[...]}`. */
const VALUES: string[] = [
  v('"data":"https://example.org/a"'),
  '{"index":"2","type":"URL","data":"x"}',
  '{"index":1,"type":"FILE_SIZE","data":1024}',
  '{"index":1,"type":"FILE_SIZE","data":12.50}',
  '{"index":1,"type":"N","data":1e3}',
  '{"index":1,"type":"B","data":true}',
  v('"data":{"format":"string","value":"v"}'),
  v('"data":{"format":"STRING","value":"v"}'),
  v('"data":{"format":"string","value":42}'),
  v('"data":{"format":"string","value":"v","extra":1}'),
  v('"data":{"format":"base64","value":"aGVsbG8="}'),
  v('"data":{"format":"base64","value":"AAEC"}'),
  v('"data":{"format":"base64","value":"aGV*sbG8"}'),
  v('"data":{"format":"hex","value":"68656c6c6f"}'),
  v('"data":{"format":"hex","value":"00FF"}'),
  `{"index":100,"type":"HS_ADMIN","data":{"format":"admin","value":${ADMIN}}}`,
  '{"index":"100","type":"HS_ADMIN","data":{"format":"admin","value":' +
  '{"handle":"0.NA/21.TEST","index":"200","permissions":"011111110011"}}}',
  '{"index":100,"type":"hs_admin","data":{"format":"admin","value":' +
  '{"handle":"0.NA/21.TEST","index":200,"permissions":"*"}}}',
  '{"index":100,"type":"HS_ADMIN","data":{"format":"admin","value":' +
  '{"handle":"0.NA/21.TEST","index":200}}}',
  '{"index":100,"type":"HS_ADMIN","data":{"format":"admin","value":' +
  '{"handle":"0.NA/21.TEST","index":200,"permissions":4095}}}',
  '{"index":100,"type":"HS_ADMIN","data":{"format":"admin","value":' +
  '{"handle":"0.NA/21.TEST","index":200,"permissions":[true,false,1,0,"x",""]}}}',
  `{"index":100,"type":"URL","data":{"format":"admin","value":${ADMIN}}}`,
  '{"index":1,"type":"HS_VLIST","data":{"format":"vlist","value":' +
  '[{"handle":"21.TEST/a","index":"300"},{"handle":"21.TEST/b","index":301}]}}',
  v('"data":"x","ttl":60'),
  v('"data":"x","ttl":"2030-01-02T03:04:05Z"'),
  v('"data":"x","ttl":"2030-01-02"'),
  v('"data":"x","ttl":"2030-01-02T03:04:05+02:00"'),
  v('"data":"x","permissions":"1100"'),
  v('"data":"x","permissions":"1111"'),
  v('"data":"x","permissions":"0110"'),
  v('"data":"x","timestamp":"2020-01-01T00:00:00Z"'),
  v('"data":"x","references":[{"handle":"21.TEST/x","index":1}]'),
  v('"data":"x","references":null'),
  '{"index":1.9,"type":"URL","data":"x"}',
  '{"index":[4],"type":"URL","data":"x"}',
  '{"index":1,"type":7,"data":"x"}',
  '{"index":1,"type":"","data":"x"}',
  v('"data":"a\\u0001b"'),
  v('"data":"tab\\tok"'),
  v('"data":"Grüße ✓"'),
  '{"index":"-5","type":"URL","data":"x"}',
  // refused
  '{"type":"URL","data":"x"}',
  '{"index":null,"type":"URL","data":"x"}',
  '{"index":"x","type":"URL","data":"x"}',
  '{"index":"1.5","type":"URL","data":"x"}',
  '{"index":true,"type":"URL","data":"x"}',
  '{"index":1,"data":"x"}',
  '{"index":1,"type":null,"data":"x"}',
  '{"index":1,"type":"URL"}',
  v('"data":null'),
  v('"data":[1]'),
  v('"data":{}'),
  v('"data":{"format":"string"}'),
  v('"data":{"format":"string","value":null}'),
  v('"data":{"format":"text","value":"x"}'),
  v('"data":{"format":"hex","value":"abc"}'),
  v('"data":{"format":"admin","value":"x"}'),
  v('"data":{"format":"admin","value":{"index":200}}'),
  v('"data":{"format":"admin","value":{"handle":"0.NA/21.TEST","index":"x"}}'),
  v('"data":{"format":"admin","value":{"handle":"a/b","index":1,"permissions":{}}}'),
  v('"data":{"format":"vlist","value":{"handle":"a/b","index":1}}'),
  v('"data":"x","ttl":"soon"'),
  v('"data":"x","ttl":true'),
  v('"data":"x","ttl":null'),
  v('"data":"x","permissions":null'),
  v('"data":"x","timestamp":"yesterday"'),
  v('"data":"x","references":{"handle":"21.TEST/x","index":1}'),
  '"x"',
];

/** Whole records, sent as they are. */
const RECORDS: string[] = [
  `{"values":[{"index":1,"type":"URL","data":"u"},` +
  `{"index":"100","type":"HS_ADMIN","data":{"format":"admin","value":${ADMIN}}}]}`,
  `[{"index":1,"type":"URL","data":"u"},{"index":2,"type":"CHECKSUM","data":"abc"}]`,
  `{"values":[{"index":1,"type":"URL","data":"u"},{"type":"X","data":"y"}]}`,
  `{"values":[null]}`,
  `{"values":{"index":1,"type":"URL","data":"u"}}`,
  // what pyhandle's register_handle sends
  `{"values":[{"index":1,"type":"URL","data":"https://example.org/p"},` +
  `{"index":2,"type":"CHECKSUM","data":"123"},{"index":100,"type":"HS_ADMIN","data":` +
  `{"format":"admin","value":{"handle":"21.TEST/testuser","index":"300",` +
  `"permissions":"011111110011"}}}]}`,
];

type Answer = { ok: true; values: Record<string, unknown>[] } | { ok: false; status: number };

/** PUTs a body to a fresh handle; reads the record back (authenticated) when accepted. */
async function throughServer(base: string, name: string, body: string): Promise<Answer> {
  const url = `${base}/api/handles/${TEST_PREFIX}/${name}`;
  const auth = { Authorization: basicAuth(TEST_USER, TEST_PASSWORD) };
  const put = await fetch(`${url}?overwrite=true`, {
    method: "PUT",
    headers: { ...auth, "Content-Type": "application/json; charset=utf-8" },
    body,
  });
  await put.body?.cancel();
  if (put.status !== 201) return { ok: false, status: put.status };
  const get = await fetch(url, { headers: auth });
  const record = await get.json() as { values: Record<string, unknown>[] };
  return { ok: true, values: record.values };
}

/** Values without their timestamp (the server stamps its own time), ordered by index. */
function comparable(values: Record<string, unknown>[]): Record<string, unknown>[] {
  return values.map(({ timestamp: _, ...rest }) => rest)
    .sort((a, b) => (a.index as number) - (b.index as number));
}

function compare(label: string, codec: CodecResult, ours: Answer): void {
  if (!codec.ok) {
    assert.equal(ours.ok, false, `${label}: the codec refuses (${codec.error}), ours accepted`);
    assert.equal((ours as { status: number }).status, 400, `${label}: refused with 400`);
    return;
  }
  if (codec.values.some((value) => (value.index as number) <= 0)) {
    // the codec reads it, but the server refuses an index below 1 (400/202), as Handle.Net does
    assert.deepEqual(ours, { ok: false, status: 400 }, `${label}: index below 1`);
    return;
  }
  assert.ok(ours.ok, `${label}: the codec accepts, ours answered ${JSON.stringify(ours)}`);
  assert.deepEqual(comparable(ours.values), comparable(codec.values), label);
}

Deno.test("handle-server accepts, refuses and normalises values as the Handle.Net codec", async () => {
  assert.ok(VALUES.length + RECORDS.length >= 40);
  const codec = await runHandleCodec([...VALUES, ...RECORDS]);
  assert.ok(codec.some((r) => r.ok) && codec.some((r) => !r.ok));
  const server = await startTestHandleServer();
  try {
    for (const [i, doc] of VALUES.entries()) {
      const ours = await throughServer(server.url, `value-${i}`, `{"values":[${doc}]}`);
      compare(`value ${doc}`, codec[i], ours);
    }
    for (const [i, doc] of RECORDS.entries()) {
      const ours = await throughServer(server.url, `record-${i}`, doc);
      compare(`record ${doc}`, codec[VALUES.length + i], ours);
    }
  } finally {
    await server.close();
  }
});

/** The records of the sample events of every project, and a record with every kind of field. */
async function clientRecords(): Promise<HandleRecord[]> {
  const records: HandleRecord[] = [];
  for (const name of ["cmip6", "cmip6plus", "cmip7", "cordex-cmip6"]) {
    const text = await Deno.readTextFile(
      new URL(`../fixtures/samples/${name}.json`, import.meta.url),
    );
    const decoded = decodeEvent(text);
    if (decoded.method !== "POST") throw new Error(`the ${name} sample is not a POST event`);
    const project = findProject(decoded.project);
    if (project === undefined) throw new Error(`no project ${decoded.project}`);
    const mapped = createPlugin(project.name).map(decoded.item, {
      prefix: TEST_PREFIX,
      eventTime: decoded.time,
      collectionId: decoded.collectionId,
      now: new Date(),
    });
    records.push(...mapped.files, mapped.dataset);
  }
  return [...records, {
    handle: `${TEST_PREFIX}/kinds`,
    URL: "https://lp.example.org/kinds",
    data: {
      HAS_PARTS: ["hdl:21.TEST/a", "hdl:21.TEST/b"],
      HOSTING_NODE: { host: "h", published_on: "2025-01-01T00:00:00Z" },
      FILE_SIZE: 42,
      RATIO: 0.5,
      EMPTY: "",
      UNICODE: "Grüße ✓",
    },
  }];
}

Deno.test("everything the REST client sends is accepted by the codec as the server stores it", async () => {
  const store = await HandleStore.open();
  const handler = createHandleHandler(store, {
    prefix: TEST_PREFIX,
    username: TEST_USER,
    password: TEST_PASSWORD,
  });
  const bodies: { handle: string; body: string }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    if (req.method !== "PUT") return handler(req);
    const body = await req.text();
    const handle = decodeURIComponent(new URL(req.url).pathname.slice("/api/handles/".length));
    bodies.push({ handle, body });
    return handler(new Request(req.url, { method: req.method, headers: req.headers, body }));
  });
  const client = new HandleRestClient({
    serverUrl: `http://127.0.0.1:${server.addr.port}`,
    prefix: TEST_PREFIX,
    username: TEST_USER,
    password: TEST_PASSWORD,
    timeout: 5,
    concurrency: 4,
    policy: { retries: 0, backoffInitial: 0, backoffMax: 0 },
  });
  try {
    const records = await clientRecords();
    for (const record of records) await client.put(record);
    const puts = bodies.filter(({ body }) => body.includes('"values"'));
    assert.equal(puts.length, records.length);
    const codec = await runHandleCodec(puts.map(({ body }) => body));
    for (const [i, { handle, body }] of puts.entries()) {
      const result = codec[i];
      assert.ok(result.ok, `the codec refuses what the client sent for ${handle}: ${body}`);
      const stored = store.get(storeKey(handle));
      assert.ok(stored, `${handle} is stored`);
      assert.deepEqual(
        comparable(stored.map((value) => ({ ...value }))),
        comparable(result.values),
        `${handle}: the server decodes a body without charset as ISO-8859-1, as Handle.Net ` +
          "does; the client must send Content-Type application/json; charset=utf-8",
      );
    }
  } finally {
    await client.close();
    await server.shutdown();
    await store.close();
  }
});
