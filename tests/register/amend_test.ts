/**
 * A retraction amends, it never strips: the amending registrar against the real
 * `handle-server` (through the REST client) and against a store that fails.
 */

import assert from "node:assert/strict";
import { TransientError } from "../../src/errors/mod.ts";
import {
  amendedValues,
  type HandleRecord,
  type HandleValue,
  recordFromText,
  recordText,
} from "../../src/records/mod.ts";
import {
  AmendingRegistrar,
  type AmendOutcome,
  HandleRestClient,
  type RecordStore,
  type Registrar,
  RestRegistrar,
} from "../../src/register/mod.ts";
import { startTestHandleServer, TEST_PASSWORD, TEST_PREFIX, TEST_USER } from "../helpers.ts";

const policy = { retries: 1, backoffInitial: 0.01, backoffMax: 0.01 };
const context = { project: "cmip6", source: { file: "f", line: 1 } };
const DATASET = `${TEST_PREFIX}/b06058a6-1077-35cb-9500-1ccbd341d309`;
const FILE = `${TEST_PREFIX}/7afa385c-faa4-3a5f-85e6-79da95ef3add`;

function client(url: string): HandleRestClient {
  return new HandleRestClient({
    serverUrl: url,
    prefix: TEST_PREFIX,
    username: TEST_USER,
    password: TEST_PASSWORD,
    timeout: 2,
    concurrency: 2,
    policy,
  });
}

const published: HandleRecord[] = [
  {
    handle: FILE,
    URL: `https://lp.example/${FILE}`,
    data: { AGGREGATION_LEVEL: "FILE", FILE_SIZE: 10 },
  },
  {
    handle: DATASET,
    URL: `https://lp.example/${DATASET}`,
    data: {
      AGGREGATION_LEVEL: "DATASET",
      HAS_PARTS: [`hdl:${FILE}`],
      HOSTING_NODE: { host: "node.example.org", published_on: "2025-01-01T00:00:00Z" },
      REPLICA_NODES: [{ host: "replica.example.org", published_on: "2025-02-02T00:00:00Z" }],
      ESGF: "ESGF2 TEST",
    },
  },
];

/** What a retraction with emptied assets maps to: no files, host unknown, marked. */
function retraction(time: string): HandleRecord[] {
  return [{
    handle: DATASET,
    URL: `https://lp.example/${DATASET}`,
    data: {
      AGGREGATION_LEVEL: "DATASET",
      HOSTING_NODE: { host: "unknown", published_on: time },
      RETRACTED_ON: time,
      ESGF: "ESGF2 TEST",
    },
    retraction: "amend-if-exists",
  }];
}

function field(values: HandleValue[] | undefined, type: string): unknown {
  return values?.find((value) => value.type === type)?.data.value;
}

Deno.test("a retraction of a registered dataset keeps every value and adds RETRACTED_ON", async () => {
  const server = await startTestHandleServer();
  const rest = client(server.url);
  const outcomes: AmendOutcome[] = [];
  const registrar = new AmendingRegistrar(new RestRegistrar(rest), rest, {
    onAmend: (_handle, outcome) => outcomes.push(outcome),
  });
  try {
    await registrar.register(published, context);
    const before = await rest.get(DATASET);
    await registrar.register(retraction("2025-06-06T06:06:06Z"), context);
    const after = await rest.get(DATASET);
    assert.deepEqual(outcomes, ["amended"]);
    const strip = (values: HandleValue[] | undefined): unknown =>
      values?.map(({ index, type, data }) => ({ index, type, data }));
    // every value as it was, at its index (HS_ADMIN included), and RETRACTED_ON after them
    assert.deepEqual(strip(after?.filter((v) => v.type !== "RETRACTED_ON")), strip(before));
    const retracted = after?.find((v) => v.type === "RETRACTED_ON");
    assert.equal(retracted?.data.value, "2025-06-06T06:06:06Z");
    assert.equal(retracted?.index, 7, "the first free index after the record's last one");
    assert.equal(field(after, "HAS_PARTS"), JSON.stringify([`hdl:${FILE}`]));
    assert.match(String(field(after, "HOSTING_NODE")), /node\.example\.org/);
    assert.ok(field(after, "HS_ADMIN"));
    // the first retraction time stands; the file record is never touched
    const file = await rest.get(FILE);
    await registrar.register(retraction("2026-01-01T00:00:00Z"), context);
    assert.deepEqual(outcomes, ["amended", "kept"]);
    assert.equal(field(await rest.get(DATASET), "RETRACTED_ON"), "2025-06-06T06:06:06Z");
    assert.deepEqual(await rest.get(FILE), file);
  } finally {
    await registrar.close();
    await server.close();
  }
});

Deno.test("a retraction of a dataset not registered yet registers the records as built", async () => {
  const server = await startTestHandleServer();
  const rest = client(server.url);
  const registrar = new AmendingRegistrar(new RestRegistrar(rest), rest);
  try {
    await registrar.register(retraction("2025-06-06T06:06:06Z"), context);
    const values = await rest.get(DATASET);
    assert.equal(field(values, "RETRACTED_ON"), "2025-06-06T06:06:06Z");
    assert.match(String(field(values, "HOSTING_NODE")), /unknown/);
  } finally {
    await registrar.close();
    await server.close();
  }
});

Deno.test("a retraction is never lost: a failed read is transient, nothing is written", async () => {
  const writes: string[] = [];
  const inner: Registrar = {
    register: (records) => {
      writes.push(...records.map((r) => r.handle));
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
  const failing = (error: Error): RecordStore => ({
    get: () => Promise.reject(error),
    putValues: () => Promise.reject(new Error("not reached")),
  });
  for (const error of [new TransientError("Handle service down"), new Error("socket hang up")]) {
    const registrar = new AmendingRegistrar(inner, failing(error));
    await assert.rejects(
      () => registrar.register(retraction("2025-06-06T06:06:06Z"), context),
      (e: Error) => e instanceof TransientError,
    );
  }
  assert.deepEqual(writes, []);
  // an event that is not a retraction goes to the inner registrar without a read
  await new AmendingRegistrar(inner, failing(new Error("not read"))).register(published, context);
  assert.deepEqual(writes, [FILE, DATASET]);
});

Deno.test("amendedValues: every value kept, RETRACTED_ON after the last index below 100", () => {
  const value = (index: number, type: string): HandleValue => ({
    index,
    type,
    data: { format: "string", value: type },
  });
  const record = [value(1, "URL"), value(2, "A"), value(5, "B"), value(100, "HS_ADMIN")];
  const amended = amendedValues(record, "2025-06-06T06:06:06Z")!;
  assert.deepEqual(amended.slice(0, 4), record);
  assert.deepEqual(amended[4], {
    index: 6,
    type: "RETRACTED_ON",
    data: { format: "string", value: "2025-06-06T06:06:06Z" },
  });
  // a record filled up to 99 goes on after the admin value
  const full = [value(99, "Z"), value(100, "HS_ADMIN"), value(101, "HS_ADMIN")];
  assert.equal(amendedValues(full, "t")!.at(-1)!.index, 102);
  assert.equal(amendedValues([...record, value(7, "RETRACTED_ON")], "t"), undefined);
});

Deno.test("a retraction's mark travels with the record's text (worker threads, dry-run lines)", () => {
  const [dataset] = retraction("2025-06-06T06:06:06Z");
  const text = recordText(dataset);
  assert.match(text, /"retraction":"amend-if-exists"\}$/);
  assert.deepEqual(recordFromText(text), dataset);
  assert.ok(!recordText(published[1]).includes("retraction"));
});
