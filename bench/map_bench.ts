/**
 * Mapping throughput of the `cmip6` plugin, from raw event text to records
 * (JSON.parse included), for events with 1, 50 and 1000 files.
 *
 * @module
 */

import { createPlugin } from "../src/projects/mod.ts";
import type { StacItem } from "../src/events/item.ts";
import { makeCmip6Event } from "../tests/fixtures/events.ts";

const plugin = createPlugin("cmip6");
const now = new Date("2030-01-01T00:00:00Z");

for (const files of [1, 50, 1000]) {
  const text = JSON.stringify(makeCmip6Event({ files, replicas: ["replica.example.org"] }));
  Deno.bench({
    name: `map event with ${files} file${files === 1 ? "" : "s"} (${text.length} bytes)`,
    group: `files=${files}`,
    baseline: true,
    fn(): void {
      const event = JSON.parse(text);
      const payload = event.data.payload;
      const mapped = plugin.map(payload.item as StacItem, {
        prefix: "21.TEST",
        eventTime: event.metadata.time,
        collectionId: payload.collection_id,
        now,
      });
      if (mapped.files.length !== files) throw new Error("unexpected file count");
    },
  });
}
