import assert from "node:assert/strict";
import { InvalidValueError, parseIndex, parseValues } from "../../src/handle_server/values.ts";

const NOW = "2024-05-06T07:08:09.000Z";

Deno.test("parseValues normalises bare strings, sorts and stamps values", () => {
  const values = parseValues({
    values: [{ index: 2, type: "B", data: "two" }, {
      index: 1,
      type: "A",
      data: { format: "string", value: "one" },
      ttl: 60,
    }],
  }, NOW);
  assert.deepEqual(values, [
    { index: 1, type: "A", data: { format: "string", value: "one" }, ttl: 60, timestamp: NOW },
    { index: 2, type: "B", data: { format: "string", value: "two" }, ttl: 86400, timestamp: NOW },
  ]);
  assert.equal(parseValues({ index: 3, type: "C", data: "single" }, NOW).length, 1);
});

Deno.test("parseValues rejects invalid values", () => {
  for (
    const body of [
      null,
      "x",
      { values: 1 },
      [{ type: "A", data: "x" }],
      [{ index: 0, type: "A", data: "x" }],
      [{ index: 1, type: "", data: "x" }],
      [{ index: 1, type: "A", data: { format: "string", value: 5 } }],
    ]
  ) {
    assert.throws(() => parseValues(body, NOW), InvalidValueError, JSON.stringify(body));
  }
});

Deno.test("parseIndex reads positive integers only", () => {
  assert.equal(parseIndex("100"), 100);
  assert.equal(parseIndex("0"), undefined);
  assert.equal(parseIndex("1.5"), undefined);
  assert.equal(parseIndex("x"), undefined);
});
