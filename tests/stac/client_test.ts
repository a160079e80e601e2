/** The STAC client fetches exactly the item a PATCH names, or refuses the id. */

import assert from "node:assert/strict";
import { PermanentError } from "../../src/errors/mod.ts";
import { StacClient } from "../../src/stac/mod.ts";
import { startStacServer } from "../fixtures/stac_server.ts";

const policy = { retries: 0, backoffInitial: 0, backoffMax: 0 };

Deno.test("fetchItem refuses ids that name another resource, without a request", async () => {
  const stac = startStacServer([]);
  try {
    const client = new StacClient({ baseUrl: stac.url, timeout: 2, policy });
    const cases: Array<[string, string, RegExp]> = [
      ["CMIP6", ".", /item_id "\.": is a relative path segment/],
      ["CMIP6", "..", /item_id "\.\.": is a relative path segment/],
      ["CMIP6", "", /item_id "": is empty/],
      ["CMIP6", "a/../../x", /holds a slash/],
      ["CMIP6", "a\\b", /holds a slash/],
      ["CMIP6", "a\nb", /item_id "a\\nb": holds a control character/],
      ["CMIP6", "a\u0085b", /holds a control character/],
      ["..", "item", /collection_id "\.\.": is a relative path segment/],
      ["CMIP6", "x".repeat(10_000) + "/", /item_id "x{80}…": holds a slash/],
    ];
    for (const [collection, item, reason] of cases) {
      await assert.rejects(client.fetchItem(collection, item), (error: unknown) => {
        assert.ok(error instanceof PermanentError, String(error));
        assert.match(error.message, reason);
        assert.ok(error.message.length < 200, "the reason is short");
        return true;
      });
    }
    assert.deepEqual(stac.requests, []);
  } finally {
    await stac.stop();
  }
});

Deno.test("fetchItem percent-encodes the ids", async () => {
  const item = { type: "Feature", id: "a b?c#d%e.v1", collection: "CMIP 6", properties: {} };
  const stac = startStacServer([item]);
  try {
    const client = new StacClient({ baseUrl: stac.url, timeout: 2, policy });
    assert.deepEqual(await client.fetchItem("CMIP 6", "a b?c#d%e.v1"), item);
    assert.deepEqual(stac.requests, ["/collections/CMIP%206/items/a%20b%3Fc%23d%25e.v1"]);
  } finally {
    await stac.stop();
  }
});
