/**
 * Writes the project's own example events to `examples/events/` (used by the demo
 * and the README), from the deterministic generator in `tests/fixtures/events.ts`.
 * Run again after changing the generator: `deno run -A tools/make_examples.ts`.
 *
 * @module
 */

import { makeCmip6Event } from "../tests/fixtures/events.ts";

const dir = new URL("../examples/events/", import.meta.url);
await Deno.mkdir(dir, { recursive: true });

function write(name: string, text: string): Promise<void> {
  return Deno.writeTextFile(new URL(name, dir), text);
}

const tos = makeCmip6Event({ files: 3 });
const pr = makeCmip6Event({
  files: 4,
  itemId: "CMIP6.CMIP.TEST-INST.TEST-ESM1-0.historical.r1i1p1f1.Amon.pr.gn.v20240101",
  replicas: ["replica-node.example.net"],
});
const retracted = makeCmip6Event({
  files: 1,
  itemId: "CMIP6.CMIP.TEST-INST.TEST-ESM1-0.historical.r1i1p1f1.Amon.tas.gn.v20230101",
  retracted: true,
});
const missingSize = makeCmip6Event({
  files: 2,
  itemId: "CMIP6.CMIP.TEST-INST.TEST-ESM1-0.historical.r1i1p1f1.Amon.uas.gn.v20240101",
});
const assets =
  (missingSize.data as { payload: { item: { assets: Record<string, Record<string, unknown>> } } })
    .payload.item.assets;
delete assets.data0001["file:size"];
const cmip7 = makeCmip6Event({
  files: 1,
  itemId: "CMIP7.CMIP.TEST-INST.TEST-ESM2-0.historical.r1i1p1f1.mon.tas.gn.v20260101",
});
const cmip7Payload = (cmip7.data as { payload: Record<string, unknown> }).payload;
cmip7Payload.collection_id = "CMIP7";
(cmip7Payload.item as Record<string, unknown>).collection = "CMIP7";
(cmip7Payload.item as { properties: Record<string, unknown> }).properties.project = "CMIP7";

await write("cmip6_tos.json", JSON.stringify(tos, null, 2) + "\n");
await write("cmip6_pr_replica.json", JSON.stringify(pr, null, 2) + "\n");
await write(
  "mixed.jsonl",
  [
    JSON.stringify(retracted),
    JSON.stringify(missingSize),
    "this line is not JSON",
    JSON.stringify(cmip7),
  ].join("\n") + "\n",
);
console.log(`examples written to ${dir.pathname}`);
