import assert from "node:assert/strict";
import { parseJson } from "../../src/handle_server/gson.ts";
import { InvalidValueError, parseIndex, parseValues } from "../../src/handle_server/values.ts";

const NOW = new Date("2024-05-06T07:08:09.000Z");
const STAMP = "2024-05-06T07:08:09Z";

Deno.test("parseValues normalises bare strings and stamps values, keeping their order", () => {
  const values = parseValues({
    values: [{ index: 2, type: "B", data: "two" }, {
      index: 1,
      type: "A",
      data: { format: "string", value: "one" },
      ttl: 60,
    }],
  }, NOW);
  assert.deepEqual(values, [
    { index: 2, type: "B", data: { format: "string", value: "two" }, ttl: 86400, timestamp: STAMP },
    { index: 1, type: "A", data: { format: "string", value: "one" }, ttl: 60, timestamp: STAMP },
  ]);
  assert.equal(parseValues({ index: 3, type: "C", data: "single" }, NOW).length, 1);
});

Deno.test("parseValues reads as the Handle.Net codec: numeric strings, bare numbers", () => {
  const body = parseJson(
    '[{"index":"7","type":"FILE_SIZE","data":1024.50},' +
      '{"index":100,"type":"HS_ADMIN","data":{"format":"admin",' +
      '"value":{"handle":"0.NA/21.TEST","index":"200","permissions":"011111110011"}}}]',
  );
  const values = parseValues(body, NOW);
  assert.deepEqual(values.map((v) => [v.index, v.data]), [
    [7, { format: "string", value: "1024.50" }],
    [100, {
      format: "admin",
      value: { handle: "0.NA/21.TEST", index: 200, permissions: "011111110011" },
    }],
  ]);
});

Deno.test("parseValues rejects invalid values", () => {
  for (
    const body of [
      null,
      "x",
      { values: 1 },
      [{ type: "A", data: "x" }],
      [{ index: 1, data: "x" }],
      [{ index: 1, type: "A" }],
      [{ index: 1, type: "A", data: null }],
      [{ index: 1, type: "A", data: { format: "string" } }],
      [{ index: 1, type: "A", data: { value: "x" } }],
      [{ index: "x", type: "A", data: "x" }],
      [{ index: 1, type: "A", data: "x" }, { index: 1, type: "B", data: "y" }],
    ]
  ) {
    assert.throws(() => parseValues(body, NOW), InvalidValueError, JSON.stringify(body));
  }
});

Deno.test("parseIndex reads Java ints only", () => {
  assert.equal(parseIndex("100"), 100);
  assert.equal(parseIndex("0"), 0);
  assert.equal(parseIndex("1.5"), undefined);
  assert.equal(parseIndex("x"), undefined);
  assert.equal(parseIndex("2147483648"), undefined);
});
